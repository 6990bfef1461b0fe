import type { Connection } from 'mongoose';
import { createPeopleRepository } from './people/people.repository';
import { createPeopleService, type PeopleService } from './people/people.service';
import type { Clock } from './shared/clock';
import { createTerritoryRepository } from './territory/territory.repository';
import { createTerritoryService, type TerritoryService } from './territory/territory.service';

export interface Services {
  territory: TerritoryService;
  people: PeopleService;
}

export interface ServiceOptions {
  clock: Clock;
  inviteTtlDays: number;
}

/** Builds every use case over one database connection; the bot, the CLI and tests all come through here. */
export function createServices(conn: Connection, options: ServiceOptions) {
  const territoryRepo = createTerritoryRepository(conn);
  const peopleRepo = createPeopleRepository(conn);
  const territory = createTerritoryService(territoryRepo);
  const people = createPeopleService(peopleRepo, territory, options);
  return {
    services: { territory, people } satisfies Services,
    async ensureIndexes() {
      await Promise.all([territoryRepo.ensureIndexes(), peopleRepo.ensureIndexes()]);
    },
  };
}
