import type { Connection } from 'mongoose';
import { createIndicatorsService, type IndicatorsService } from './indicators/indicators.service';
import { createPeopleRepository } from './people/people.repository';
import { createPeopleService, type PeopleService } from './people/people.service';
import { createRegisterBulk } from './register/register-bulk';
import { createRegisterRepository } from './register/register.repository';
import { createRegisterService, type RegisterService } from './register/register.service';
import type { NameMode } from './register/register.types';
import { createRemindersService, type RemindersService } from './reminders/reminders.service';
import { sentLog } from './reminders/outbox';
import { createRoadmapRepository } from './roadmap/roadmap.repository';
import { createRoadmapService, type RoadmapService } from './roadmap/roadmap.service';
import type { Clock } from './shared/clock';
import { createTerritoryRepository } from './territory/territory.repository';
import { createTerritoryService, type TerritoryService } from './territory/territory.service';

export interface Services {
  territory: TerritoryService;
  people: PeopleService;
  register: RegisterService;
  roadmap: RoadmapService;
  reminders: RemindersService;
  indicators: IndicatorsService;
  /** The one clock every service reads, so the bot's "today" is the one the tests set. */
  clock: Clock;
}

export interface ServiceOptions {
  clock: Clock;
  inviteTtlDays: number;
  /** REGISTER_NAMES: how much of a person's name the register keeps. */
  nameMode?: NameMode;
}

/** Builds every use case over one database connection; the bot, the CLI and tests all come through here. */
export function createServices(conn: Connection, options: ServiceOptions) {
  const territoryRepo = createTerritoryRepository(conn);
  const peopleRepo = createPeopleRepository(conn);
  const territory = createTerritoryService(territoryRepo);
  const registerRepo = createRegisterRepository(conn);
  const roadmapRepo = createRoadmapRepository(conn);
  const roadmap = createRoadmapService(roadmapRepo, territory, { clock: options.clock });
  const people = createPeopleService(peopleRepo, territory, options);
  const registerOptions = { clock: options.clock, nameMode: options.nameMode ?? 'full' } as const;
  const register = createRegisterService(registerRepo, territory, registerOptions, createRegisterBulk(conn, territory, registerOptions));
  const reminders = createRemindersService(conn, roadmap, territory, { clock: options.clock });
  roadmap.onTasksClosed((taskIds) => reminders.sent.cancelQueued(taskIds));
  const indicators = createIndicatorsService(conn, { territory, register, clock: options.clock });
  return {
    services: { territory, people, register, roadmap, reminders, indicators, clock: options.clock } satisfies Services,
    async ensureIndexes() {
      // One after another: a new database's collections are created here, which FerretDB handles best in turn.
      for (const repo of [territoryRepo, peopleRepo, registerRepo, roadmapRepo, sentLog(conn), indicators]) await repo.ensureIndexes();
    },
  };
}
