import type { RegisterService } from '../register/register.service';
import type { MentoringForm } from '../register/register.types';
import type { RoadmapService } from '../roadmap/roadmap.service';
import type { Evidence, Roadmap, RoadmapItem, Task } from '../roadmap/roadmap.types';
import type { Clock } from '../shared/clock';
import type { TerritoryService } from '../territory/territory.service';
import type { Organization } from '../territory/territory.types';
import { isTwiceAYear, schoolYearOf } from './mshn-input';
import type { BankFilter, MshnRepository } from './mshn.repository';
import { BANK_FORMS, type BankDraft, type BankEntry, type BankKind, type BankRow, type BanksRows, type EventDraft, type EventRow, type MshnEvent, type MshnScope, type YoungTeachersRow } from './mshn.types';

/** Entries of one kind by form, for a territory's overview. */
export type FormCounts = Record<MentoringForm, number>;

export interface BankSummary {
  practice: FormCounts;
  programme: FormCounts;
  total: Record<BankKind, number>;
}

/** The roadmap item a meeting was submitted to, in plain JSON-safe data (a dialogue stores it). */
export interface CountedTask {
  taskId: string;
  itemNumber: string;
  itemName: string;
  due: string | null;
  roadmapTitle: string;
  /** The task is a municipality's of a regional roadmap: it now waits for the region's review. */
  needsReview: boolean;
}

/**
 * What became of a meeting and the roadmap: submitted to an item's occurrence; nothing to count towards; the item
 * wants a document and the meeting came without minutes; or it is not a meeting (a popularisation event).
 */
export type CountOutcome =
  | { status: 'counted'; task: CountedTask }
  | { status: 'none' }
  | { status: 'needs_document'; task: CountedTask }
  | { status: 'not_meeting' };

/** What namesOf reads once for a territory's lines and reports. */
interface Names {
  territory: string;
  organizations: Organization[];
  municipalityName: (id: string | undefined) => string;
}

const zeroForms = (): FormCounts => Object.fromEntries(BANK_FORMS.map((f) => [f, 0])) as FormCounts;
const bankFilter = (scope: MshnScope): BankFilter => (scope.level === 'municipality' ? { municipalityId: scope.id } : { regionId: scope.id });
const bySchoolName = (a: { municipality: string; school: string }, b: { municipality: string; school: string }) =>
  a.municipality.localeCompare(b.municipality, 'ru') || a.school.localeCompare(b.school, 'ru', { numeric: true });

/** The deadlines an item states for a party: its own text and those of each assignment. */
const deadlinesOf = (item: RoadmapItem) => [item.deadline, ...item.assignments.map((a) => a.deadline)];

/**
 * The municipal School of Mentoring (seed 004): the bank of practices and programmes schools submit, the bank of
 * young teachers read from the register and the schools' /counts, and the meetings that count towards the roadmap
 * item «проведение заседаний МШН не реже 2-х раз за учебный год».
 */
export function createMshnService(
  repo: MshnRepository,
  deps: { territory: TerritoryService; register: RegisterService; roadmap: RoadmapService },
  options: { clock: Clock },
) {
  const { territory, register, roadmap } = deps;
  const { clock } = options;

  /** The territory's name, its organizations and a municipality name per id, for lines and reports. */
  async function namesOf(scope: MshnScope): Promise<Names> {
    const view = await territory.describeScope(scope);
    const organizations = await territory.organizationsIn(scope);
    const municipalities = scope.level === 'municipality' ? (view?.municipality ? [view.municipality] : []) : await territory.listMunicipalities({ regionId: scope.id });
    const names = new Map(municipalities.map((m) => [m.id, m.name]));
    return {
      territory: await territory.nameOf(scope),
      organizations,
      municipalityName: (id) => (id ? (names.get(id) ?? '') : ''),
    };
  }

  /** The bank of young teachers (see youngTeachers) with the territory's names already read. */
  async function youngTeachersOf(scope: MshnScope, names: Names): Promise<YoungTeachersRow[]> {
    const { organizations, municipalityName } = names;
    // Per school: each young specialist mentee → has an active pair.
    const mentees = new Map<string, Map<string, boolean>>();
    for await (const batch of register.pairsWithCards(bankFilter(scope))) {
      for (const pair of batch) {
        if (pair.menteeCard.category !== 'young_specialist') continue;
        let school = mentees.get(pair.schoolId);
        if (!school) mentees.set(pair.schoolId, (school = new Map()));
        school.set(pair.menteeId, (school.get(pair.menteeId) ?? false) || pair.status === 'active');
      }
    }
    const counts = await register.countsOf(organizations.map((o) => o.id));
    return organizations
      .map((org): YoungTeachersRow => {
        const states = [...(mentees.get(org.id)?.values() ?? [])];
        const withMentor = states.filter(Boolean).length;
        const reported = counts.get(org.id)?.values.young_specialists ?? null;
        return {
          school: org.shortName,
          municipality: municipalityName(org.municipalityId),
          withMentor,
          mentoringEnded: states.length - withMentor,
          reported,
          withoutMentor: reported === null ? null : Math.max(0, reported - withMentor),
        };
      })
      .sort(bySchoolName);
  }

  /**
   * The open occurrences a meeting of this day may count towards: the party's own tasks of items due «не реже 2-х
   * раз за учебный год», due on or after the meeting and within its school year, earliest first.
   */
  async function occurrencesFor(partyId: string, date: string): Promise<{ task: Task; item: RoadmapItem }[]> {
    const year = schoolYearOf(date);
    const tasks = await roadmap.tasksOf(partyId, ['open', 'returned']);
    return tasks
      .filter(({ task }) => task.target.id === partyId && task.target.level !== 'organization')
      .filter(({ task }) => task.due !== null && task.due >= date && task.due <= year.end)
      .filter(({ item }) => deadlinesOf(item).some(isTwiceAYear))
      .sort((a, b) => a.task.due!.localeCompare(b.task.due!) || a.item.position - b.item.position);
  }

  async function countedOf(task: Task, item: RoadmapItem, map?: Roadmap | null): Promise<CountedTask> {
    const owner = map ?? (await roadmap.getRoadmap(task.roadmapId));
    return {
      taskId: task.id,
      itemNumber: item.number.replace(/\.$/, ''),
      itemName: item.name,
      due: task.due,
      roadmapTitle: owner?.title ?? '',
      needsReview: task.target.level !== 'coordinator',
    };
  }

  const evidenceOf = (event: MshnEvent, comment: string): Evidence[] => [
    ...(event.file ? [{ kind: 'file' as const, ...event.file }] : []),
    { kind: 'comment', text: comment },
  ];

  return {
    /**
     * A school submits a practice or a programme to its municipality's bank; null if the school is gone. `key` comes
     * from the dialogue: a save retried after a failure finds the entry it made instead of making a second one.
     */
    async submitEntry(schoolId: string, draft: BankDraft, by: { id: number; name?: string }, key: string): Promise<BankEntry | null> {
      const view = await territory.describeScope({ level: 'organization', id: schoolId });
      const org = view?.organization;
      if (!org) return null;
      return repo.insertEntry({ schoolId, municipalityId: org.municipalityId, regionId: org.regionId }, draft, by, clock(), key);
    },

    /** A school's own submissions, newest first. */
    entriesOfSchool(schoolId: string): Promise<BankEntry[]> {
      return repo.entries({ schoolId });
    },

    /** One entry of this school; null for another school's (a guessed id finds nothing). */
    async entryOfSchool(schoolId: string, entryId: string): Promise<BankEntry | null> {
      const entry = await repo.getEntry(entryId);
      return entry && entry.schoolId === schoolId ? entry : null;
    },

    /** One entry of this territory's bank; null for another territory's. */
    async entryIn(scope: MshnScope, entryId: string): Promise<BankEntry | null> {
      const entry = await repo.getEntry(entryId);
      if (!entry) return null;
      return (scope.level === 'municipality' ? entry.municipalityId : entry.regionId) === scope.id ? entry : null;
    },

    /** The territory's practices and programmes counted by form. */
    async bankSummary(scope: MshnScope): Promise<BankSummary> {
      const summary: BankSummary = { practice: zeroForms(), programme: zeroForms(), total: { practice: 0, programme: 0 } };
      for (const entry of await repo.entries(bankFilter(scope))) {
        summary[entry.kind][entry.form] = (summary[entry.kind][entry.form] ?? 0) + 1;
        summary.total[entry.kind]++;
      }
      return summary;
    },

    /** One page of the territory's entries of a kind and form, newest first. */
    entriesPage(scope: MshnScope, kind: BankKind, form: MentoringForm, page: number, pageSize: number): Promise<{ items: BankEntry[]; total: number; page: number; pages: number }> {
      return repo.entriesPage(bankFilter(scope), kind, form, page, pageSize);
    },

    /**
     * The bank of young teachers, school by school: young specialists of the register with an active mentor, those
     * whose pairs all ended (without a mentor now), and how many the school reported in /counts, which gives
     * «без наставника» = reported − with a mentor (null when the school has not reported).
     */
    async youngTeachers(scope: MshnScope): Promise<YoungTeachersRow[]> {
      return youngTeachersOf(scope, await namesOf(scope));
    },

    /**
     * Records a meeting or an event of the territory's School of Mentoring. `key` comes from the dialogue: a save
     * retried after a failure finds the event it recorded instead of recording a second one.
     */
    async recordEvent(owner: MshnScope, draft: EventDraft, actor: number, key: string): Promise<{ event: MshnEvent; created: boolean } | null> {
      const view = await territory.describeScope(owner);
      if (!view) return null;
      const place = { ...(view.municipality ? { municipalityId: view.municipality.id } : {}), regionId: view.region.id };
      return repo.insertEvent(owner, place, draft, actor, clock(), key);
    },

    /**
     * Submits a recorded meeting to the roadmap: the owner's own open or returned task of an item due «не реже 2-х
     * раз за учебный год» whose occurrence is the earliest due on or after the meeting within its school year, with
     * the minutes and `comment` as evidence. A meeting is tied to its task before it is submitted, so a retry
     * submits the same task and two meetings never count towards one occurrence.
     */
    async countMeeting(owner: MshnScope, eventId: string, comment: string, actor: number): Promise<CountOutcome> {
      const event = await repo.getEvent(eventId);
      if (!event || event.owner.id !== owner.id) return { status: 'none' };
      if (event.kind !== 'meeting') return { status: 'not_meeting' };
      for (let attempt = 0; attempt < 3; attempt++) {
        let taskId = event.countedTaskId;
        if (!taskId) {
          const [next] = await occurrencesFor(owner.id, event.date);
          if (!next) return { status: 'none' };
          taskId = (await repo.claimTask(event.id, next.task.id)) ?? next.task.id;
          event.countedTaskId = taskId;
        }
        const found = await roadmap.taskOf(owner.id, taskId);
        if (!found) {
          await repo.releaseTask(event.id, taskId);
          delete event.countedTaskId;
          continue;
        }
        if (found.task.status === 'submitted' || found.task.status === 'accepted') {
          // Submitted by this meeting in an earlier try, or by hand meanwhile: either way it is done.
          const last = found.task.submissions.at(-1);
          if (last?.evidence.some((e) => e.kind === 'comment' && e.text === comment)) return { status: 'counted', task: await countedOf(found.task, found.item, found.roadmap) };
          await repo.releaseTask(event.id, taskId);
          delete event.countedTaskId;
          continue;
        }
        const result = await roadmap.submit(owner.id, taskId, evidenceOf(event, comment), actor);
        if (result.status === 'submitted') return { status: 'counted', task: await countedOf(result.task, found.item, found.roadmap) };
        await repo.releaseTask(event.id, taskId);
        delete event.countedTaskId;
        if (result.status === 'needs_document') return { status: 'needs_document', task: await countedOf(found.task, found.item, found.roadmap) };
      }
      return { status: 'none' };
    },

    /**
     * How many МШН meetings and popularisation events a territory held between `from` and `to` (YYYY-MM-DD,
     * inclusive): a municipality's own, or everything of a region (its own and its municipalities'). Target
     * indicator 6 («муниципальное мероприятие для популяризации… не реже одного раза в год») reads `events`.
     */
    async eventsIn(scope: MshnScope, from: string, to: string): Promise<{ meetings: number; events: number }> {
      const found = await repo.eventsBetween(scope, from, to);
      return { meetings: found.filter((e) => e.kind === 'meeting').length, events: found.filter((e) => e.kind === 'event').length };
    },

    /**
     * The territory's own events of the school year `today` falls in (1 September – 31 August), in date order: a
     * region's School of Mentoring counts its own meetings, not its municipalities'.
     */
    async schoolYearEvents(scope: MshnScope, today: string): Promise<{ from: string; to: string; events: MshnEvent[]; meetings: number }> {
      const { start, end } = schoolYearOf(today);
      const events = await repo.eventsBetween(scope, start, end, true);
      return { from: start, to: end, events, meetings: events.filter((e) => e.kind === 'meeting').length };
    },

    /** One event of this territory; null for another's. */
    async eventIn(scope: MshnScope, eventId: string): Promise<MshnEvent | null> {
      const event = await repo.getEvent(eventId);
      if (!event) return null;
      const inScope = scope.level === 'municipality' ? event.owner.id === scope.id : event.regionId === scope.id;
      return inScope ? event : null;
    },

    /**
     * Everything the banks' workbook prints, with names resolved: practices, programmes, young teachers and events.
     * The territory's XLSX report may print the same sheets from it (see buildBanksWorkbook / addBanksSheets).
     */
    async bankRows(scope: MshnScope): Promise<BanksRows> {
      const names = await namesOf(scope);
      const orgs = new Map(names.organizations.map((o) => [o.id, o]));
      const rowOf = (entry: BankEntry): BankRow => ({
        ...entry,
        school: orgs.get(entry.schoolId)?.shortName ?? '',
        municipality: names.municipalityName(entry.municipalityId),
      });
      const entries = (await repo.entries(bankFilter(scope))).map(rowOf).sort((a, b) => bySchoolName(a, b) || a.submittedAt.getTime() - b.submittedAt.getTime());
      const events = (await repo.events(scope)).reverse();
      const tasks = (await Promise.all([...new Set(events.map((e) => e.countedTaskId).filter((id): id is string => !!id))].map((id) => roadmap.getTask(id)))).filter((t): t is Task => !!t);
      const items = await roadmap.itemsOfTasks(tasks);
      const taskById = new Map(tasks.map((t) => [t.id, t]));
      const eventRows = events.map((event): EventRow => {
        const task = event.countedTaskId ? taskById.get(event.countedTaskId) : undefined;
        const item = task ? items.get(task.itemId) : undefined;
        return {
          ...event,
          territory: event.municipalityId ? names.municipalityName(event.municipalityId) || names.territory : names.territory,
          ...(item ? { countedItem: `${item.number.replace(/\.$/, '')} ${item.name}`.trim() } : {}),
        };
      });
      return {
        territory: names.territory,
        practices: entries.filter((e) => e.kind === 'practice'),
        programmes: entries.filter((e) => e.kind === 'programme'),
        young: await youngTeachersOf(scope, names),
        events: eventRows,
      };
    },
  };
}

export type MshnService = ReturnType<typeof createMshnService>;
