import type { Connection } from 'mongoose';
import { createIndicatorsService, type IndicatorsService } from './indicators/indicators.service';
import { createMshnRepository } from './mshn/mshn.repository';
import { createMshnService, type MshnService } from './mshn/mshn.service';
import { createMonitoringRepository } from './monitoring/monitoring.repository';
import { createMonitoringService, type MonitoringService } from './monitoring/monitoring.service';
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
  /** The School of Mentoring (seed 004): banks of practices and programmes, young teachers, МШН meetings. */
  mshn: MshnService;
  indicators: IndicatorsService;
  /** The quarterly monitoring: rounds as roadmap items, the heads' questionnaires, answers for indicators and reports. */
  monitoring: MonitoringService;
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
  const mshnRepo = createMshnRepository(conn);
  const mshn = createMshnService(mshnRepo, { territory, register, roadmap }, { clock: options.clock });
  // The indicators read the monitoring's answers (11, 15) and the School of Mentoring's events (6), made below.
  const indicators = createIndicatorsService(
    conn,
    { territory, register, clock: options.clock },
    {
      monitoring: async (scope) => monitoring.answersOfScope(scope),
      events: async (scope, from, to) => (await mshn.eventsIn(scope, from, to)).events,
    },
  );
  const monitoringRepo = createMonitoringRepository(conn);
  const monitoring = createMonitoringService(conn, monitoringRepo, { roadmap, territory, people, register, sent: reminders.sent, clock: options.clock });
  return {
    services: { territory, people, register, roadmap, reminders, indicators, mshn, monitoring, clock: options.clock } satisfies Services,
    async ensureIndexes() {
      // One after another: a new database's collections are created here, which FerretDB handles best in turn.
      for (const repo of [territoryRepo, peopleRepo, registerRepo, roadmapRepo, sentLog(conn), indicators, mshnRepo, monitoringRepo]) await repo.ensureIndexes();
    },
  };
}
