import type { Connection } from 'mongoose';
import type { PeopleService } from '../people/people.service';
import type { User } from '../people/people.types';
import { showDay, todayIn } from '../register/register-input';
import type { RegisterService } from '../register/register.service';
import { FORMS, type MentoringForm } from '../register/register.types';
import type { Nudge, SentLog } from '../reminders/outbox';
import { addDays, daysBetween, nextWorkingSlot } from '../reminders/working-time';
import { newItem, withResponsible } from '../roadmap/roadmap-build';
import { answersFor, zoneScopeOf } from '../roadmap/roadmap-party';
import type { RoadmapService } from '../roadmap/roadmap.service';
import type { Evidence, Roadmap, RoadmapItem, Task } from '../roadmap/roadmap.types';
import type { Clock } from '../shared/clock';
import { createLeases, LeaseBusyError } from '../shared/lease';
import { nameKey } from '../shared/names';
import type { TerritoryService } from '../territory/territory.service';
import type { Municipality } from '../territory/territory.types';
import { autoStartQuarter, isMonitoringKey, parseQuarter, quarterKey, reportingQuarter, roundDeadline, roundKeyOf, roundTitle, type Quarter } from './monitoring-calendar';
import { zeroByForm } from './monitoring-input';
import type { MonitoringRepository } from './monitoring.repository';
import type { MonitoringAnswer, MonitoringInput, MonitoringRound, RegisterFigures } from './monitoring.types';

/** The roadmap each municipality's rounds are items of. */
export const MONITORING_ROADMAP_TITLE = 'Мониторинг реализации ЦМН';
/** Who the round's item names as responsible: every organization of the municipality gets a task. */
const RESPONSIBLE = 'Руководители МОО';
const DOCUMENT_KIND = 'Анкета мониторинга';
/** The monitoring roadmap's reminders when it is made. */
/** How long one opener may hold a round's creation before another may take it over (it died). */
const OPEN_LEASE_MS = 5 * 60_000;

export type MonitoringTerritory = { level: 'municipality' | 'region'; id: string };

export type OpenStatus = 'opened' | 'exists' | 'busy';

export interface OpenResult {
  municipality: Municipality;
  status: OpenStatus;
  round: MonitoringRound | null;
  /** Messages queued to heads and curators now (0: already told, or outside working hours: the job tells them). */
  announced: number;
  /** The heads are still to be told: it is outside working hours where the schools are, the job tells them later. */
  pending: boolean;
}

export interface RoundProgress {
  round: MonitoringRound;
  /** The schools the round asked, by name, each with whether it answered. */
  schools: { id: string; name: string; answered: boolean }[];
  answers: MonitoringAnswer[];
}

export type SubmitAnswerResult = 'saved' | 'not_found' | 'closed';

/** A school's task of a monitoring round, as its questionnaire needs it. */
export interface RoundTask {
  task: Task;
  roundKey: string;
  name: string;
  /** It can be answered now (see canAnswer). */
  answerable: boolean;
}

/** A round's item with its roadmap, as roadmap.ownItem finds it. */
type RoundItem = { roadmap: Roadmap; item: RoadmapItem };

/** Each school's newest answer: the latest quarter it answered, the latest answer of that quarter. */
function newestBySchool(answers: MonitoringAnswer[]): Map<string, MonitoringAnswer> {
  const latest = new Map<string, MonitoringAnswer>();
  for (const a of answers) {
    const known = latest.get(a.schoolId);
    if (!known || a.quarter > known.quarter || (a.quarter === known.quarter && a.answeredAt > known.answeredAt)) latest.set(a.schoolId, a);
  }
  return latest;
}

/**
 * How a live round stands, from its roadmap's tasks, its answers and the schools' names: one line per school, even
 * if a moved deadline gave it a second task of the round.
 */
function progressOf(round: MonitoringRound, roadmapTasks: Task[], answers: MonitoringAnswer[], names: Map<string, string>): RoundProgress {
  const tasks = roadmapTasks.filter((t) => t.itemId === round.itemId && t.target.level === 'organization');
  const answered = new Set(answers.map((a) => a.schoolId));
  const schools = [...new Set(tasks.map((t) => t.target.id))]
    .map((id) => ({ id, name: names.get(id) ?? '—', answered: answered.has(id) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  return { round, schools, answers };
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const isOpen = (t: Pick<Task, 'status'>) => t.status === 'open' || t.status === 'returned';

/**
 * Whether a school may answer its round's task now: while the task is open, and after it was answered until the
 * round's deadline (a second answer replaces the first).
 */
function canAnswer(task: Pick<Task, 'status' | 'due'>, today: string): boolean {
  return isOpen(task) || (task.due !== null && today <= task.due);
}

/**
 * The quarterly monitoring (seed 002: «Мониторинг реализации ЦМН — ежеквартально»). A round is one item, keyed
 * `monitoring|2026-Q4`, of the municipality's roadmap «Мониторинг реализации ЦМН»: every organization gets a task,
 * nudged, escalated and digested like any other. A school answers with the questionnaire; its task is then accepted
 * at once (nobody reviews two hundred questionnaires). Opening a round is idempotent: a second start, a second
 * instance or a restart finds the round that is there (a lease keeps two openers from publishing at once).
 */
export function createMonitoringService(
  conn: Connection,
  repo: MonitoringRepository,
  deps: { roadmap: RoadmapService; territory: TerritoryService; people: PeopleService; register: RegisterService; sent: SentLog; clock: Clock },
) {
  const { roadmap, territory, people, register, sent, clock } = deps;
  const leases = createLeases(conn, clock);

  const zoneOf = (municipalityId: string) => territory.timezoneOf({ level: 'municipality', id: municipalityId });

  /** A round's item in its municipality's roadmap; a round whose item a coordinator deleted from the roadmap is gone. */
  async function itemOfRound(round: MonitoringRound): Promise<RoundItem | null> {
    const found = await roadmap.ownItem(round.municipalityId, round.itemId);
    if (!found) await repo.deleteRound(round.roundKey, round.municipalityId);
    return found;
  }

  /** The round of a quarter in a municipality, with its item (see itemOfRound). */
  async function liveRound(municipalityId: string, quarter: Quarter): Promise<{ round: MonitoringRound; found: RoundItem } | null> {
    const round = await repo.getRound(roundKeyOf(quarter), municipalityId);
    const found = round ? await itemOfRound(round) : null;
    return round && found ? { round, found } : null;
  }

  async function roundOf(municipalityId: string, quarter: Quarter): Promise<MonitoringRound | null> {
    return (await liveRound(municipalityId, quarter))?.round ?? null;
  }

  /** The round's item as a coordinator would write it in the roadmap editor. */
  function roundItem(quarter: Quarter, today: string) {
    const due = roundDeadline(quarter);
    const context = { ownerLevel: 'municipality' as const, period: { start: today < due ? today : due, end: due }, referenceDate: today };
    const deadline = `до ${showDay(due)}`;
    const drafted = newItem({ number: '', section: null, name: roundTitle(quarter), deadline, responsible: RESPONSIBLE, documentKind: DOCUMENT_KIND }, context);
    return { ...withResponsible(drafted, 'organizations', RESPONSIBLE, context), key: roundKeyOf(quarter) };
  }

  /**
   * Tells the heads and curators of the round's schools, once each (the sent-log's key), through the outbox. `known`:
   * the round's item as the caller already found it (else it is read here; a round without its item tells nobody).
   */
  async function announce(round: MonitoringRound, now: Date, known?: RoundItem): Promise<number> {
    const found = known ?? (await roadmap.ownItem(round.municipalityId, round.itemId));
    if (!found) return 0;
    const tasks = (await roadmap.tasksOfRoadmap(round.roadmapId, ['open', 'returned'])).filter((t) => t.itemId === round.itemId && t.target.level === 'organization');
    const { item, roadmap: map } = found;
    const everyone = tasks.length > 0 ? await people.usersInScopes(tasks.map((t) => t.target.id)) : [];
    const byScope = new Map<string, User[]>();
    for (const u of everyone) if (u.scope) byScope.set(u.scope.id, [...(byScope.get(u.scope.id) ?? []), u]);
    const today = todayIn(await zoneOf(round.municipalityId), now);
    const messages: Nudge[] = [];
    for (const task of tasks) {
      for (const u of byScope.get(task.target.id) ?? []) {
        if (!answersFor(u, task) || u.unreachableAt) continue;
        messages.push({
          key: `${task.id}|monitoring|${u.telegramId}`,
          kind: 'monitoring',
          slot: round.quarter,
          days: task.due ? daysBetween(today, task.due) : 0,
          recipient: { telegramId: u.telegramId, chatId: u.chatId, language: u.language, fullName: u.fullName },
          task: { id: task.id, due: task.due, target: task.target },
          item: { id: item.id, number: item.number, name: item.name, documentKind: item.documentKind },
          roadmap: { id: map.id, title: map.title, owner: map.owner },
          party: '',
        });
      }
    }
    const queued = messages.length > 0 ? await sent.enqueue(messages, now) : [];
    await repo.markAnnounced(round.roundKey, round.municipalityId, now);
    return queued.length;
  }

  /** Announces a round not yet announced, if it is working time where its schools are (else the job does it later). */
  async function announceInWorkingTime(round: MonitoringRound, now: Date, known?: RoundItem): Promise<{ announced: number; pending: boolean }> {
    if (round.announcedAt) return { announced: 0, pending: false };
    if (nextWorkingSlot(now, await zoneOf(round.municipalityId)).getTime() !== now.getTime()) return { announced: 0, pending: true };
    return { announced: await announce(round, now, known), pending: false };
  }

  /** Opens a quarter's round in one municipality unless it has one; the announcement follows in working time. */
  async function open(municipality: Municipality, quarter: Quarter, actor: number | string): Promise<OpenResult> {
    const now = clock();
    const existing = await liveRound(municipality.id, quarter);
    if (existing) return { municipality, status: 'exists', round: existing.round, ...(await announceInWorkingTime(existing.round, now, existing.found)) };
    const key = roundKeyOf(quarter);
    let status: OpenStatus = 'exists';
    let found: RoundItem;
    try {
      found = await leases.run(`${key}|${municipality.id}`, OPEN_LEASE_MS, async (): Promise<RoundItem> => {
        const other = await liveRound(municipality.id, quarter);
        if (other) return other.found;
        const owner = { level: 'municipality' as const, id: municipality.id };
        const map = await roadmap.findRoadmap(owner, MONITORING_ROADMAP_TITLE);
        // The item may be there without the round's record (the opener died in between): it is not published again,
        // which would undo a coordinator's edit of its deadline.
        const kept = map ? (await roadmap.itemsOf(map.id)).find((i) => i.key === key) : undefined;
        let made: RoundItem;
        if (map && kept) {
          made = { roadmap: map, item: kept };
        } else {
          made = await roadmap.appendItem(owner, MONITORING_ROADMAP_TITLE, roundItem(quarter, todayIn(await zoneOf(municipality.id), now)), actor);
          status = 'opened';
        }
        const { item } = made;
        const due = item.assignments.map((a) => a.schedule.due).find((d): d is string => typeof d === 'string') ?? roundDeadline(quarter);
        await repo.saveRound({ roundKey: key, quarter: quarterKey(quarter), municipalityId: municipality.id, regionId: municipality.regionId, roadmapId: made.roadmap.id, itemId: item.id, due, openedAt: now, openedBy: actor });
        return made;
      });
    } catch (err) {
      if (!(err instanceof LeaseBusyError)) throw err;
      return { municipality, status: 'busy', round: null, announced: 0, pending: false };
    }
    const round = await repo.getRound(key, municipality.id);
    // The item found or made above is the round's, unless another opener recorded the round first (then it is read).
    const known = round?.itemId === found.item.id ? found : undefined;
    return { municipality, status, round, ...(round ? await announceInWorkingTime(round, now, known) : { announced: 0, pending: false }) };
  }

  /** The municipalities of a coordinator's territory. */
  async function municipalitiesOf(scope: MonitoringTerritory): Promise<Municipality[]> {
    if (scope.level === 'region') return territory.listMunicipalities({ regionId: scope.id });
    const view = await territory.describeScope(scope);
    return view?.municipality ? [view.municipality] : [];
  }

  const service = {
    /** The quarter a territory's /monitoring is about today (its local day). */
    async currentQuarter(scope: MonitoringTerritory): Promise<Quarter> {
      return reportingQuarter(todayIn(await territory.timezoneOf(scope), clock()));
    },

    roundOf,

    /**
     * A coordinator starts a quarter's monitoring: in their municipality, or in each municipality of their region
     * that has no round of that quarter yet (the municipality owns it, so no school is asked twice).
     */
    async start(scope: MonitoringTerritory, quarter: Quarter, actor: number): Promise<OpenResult[]> {
      const out: OpenResult[] = [];
      for (const m of await municipalitiesOf(scope)) out.push(await open(m, quarter, actor));
      return out;
    },

    /**
     * The job's round, safe to run every hour, after a restart and from two instances at once: from ten days
     * before a quarter ends up to its deadline, every municipality with a coordinator in the bot gets the quarter's
     * round if it has none; rounds not yet announced are announced in their working hours.
     */
    async autoStart(now: Date): Promise<{ opened: number; announced: number }> {
      const result = { opened: 0, announced: 0 };
      const municipalityIds = new Set<string>();
      for (const c of await people.coordinators()) if (c.scope?.level === 'municipality' && !c.unreachableAt) municipalityIds.add(c.scope.id);
      const today = utcDay(now);
      const current = roundKeyOf(reportingQuarter(today));
      const keys = new Set<string>([current]);
      // A municipality whose round of the quarter is in place (its item too) is neither looked up nor opened: its own
      // day, within a day of UTC's in any time zone, opens that round or none. Near a quarter's turn, when one of
      // those days would open another quarter's round, every municipality is looked at in its own zone.
      const items = new Map<string, RoundItem>(); // by round
      const sameQuarter = [-1, 0, 1].every((d) => {
        const quarter = autoStartQuarter(addDays(today, d));
        return !quarter || roundKeyOf(quarter) === current;
      });
      if (sameQuarter) {
        for (const round of await repo.roundsOf(current)) {
          if (!municipalityIds.has(round.municipalityId)) continue;
          const found = await roadmap.ownItem(round.municipalityId, round.itemId);
          if (!found) continue; // its item was deleted from the roadmap: looked at below, like one without a round
          items.set(`${round.roundKey}|${round.municipalityId}`, found);
          municipalityIds.delete(round.municipalityId);
        }
      }
      for (const id of municipalityIds) {
        const view = await territory.describeScope({ level: 'municipality', id });
        if (!view?.municipality) continue;
        const quarter = autoStartQuarter(todayIn(view.timezone, now));
        if (!quarter) continue;
        keys.add(roundKeyOf(quarter));
        const opened = await open(view.municipality, quarter, 'auto');
        if (opened.status === 'opened') result.opened++;
        result.announced += opened.announced;
      }
      // Rounds a coordinator started out of working hours, or whose announcement a restart cut short (a round whose
      // item is gone tells nobody).
      for (const key of keys) {
        for (const round of await repo.roundsOf(key)) {
          if (round.announcedAt) continue;
          const known = items.get(`${round.roundKey}|${round.municipalityId}`);
          result.announced += (await announceInWorkingTime(round, now, known?.item.id === round.itemId ? known : undefined)).announced;
        }
      }
      return result;
    },

    /** What the register says for the questionnaire's «Как в реестре» buttons: the school's active pairs. */
    async fromRegister(schoolId: string): Promise<RegisterFigures> {
      const byForm = new Map<MentoringForm, Set<string>>(FORMS.map((f) => [f, new Set<string>()]));
      const programmes = new Set<string>();
      for await (const batch of register.pairBatches({ schoolId })) {
        for (const p of batch) {
          if (p.status !== 'active') continue;
          byForm.get(p.form)?.add(`m:${p.mentorId}`).add(`e:${p.menteeId}`);
          if (p.programme.trim()) programmes.add(nameKey(p.programme) || p.programme);
        }
      }
      const participants = zeroByForm();
      for (const f of FORMS) participants[f] = byForm.get(f)!.size;
      return { programmes: programmes.size, participants };
    },

    /** A school's task as roadmap.taskOf found it, if it is a monitoring round's, with whether it can be answered now. */
    async roundTask(found: { task: Task; item: RoadmapItem }): Promise<RoundTask | null> {
      if (!isMonitoringKey(found.item.key) || found.task.target.level !== 'organization') return null;
      const today = todayIn(await territory.timezoneOf(zoneScopeOf(found.task)), clock());
      return { task: found.task, roundKey: found.item.key, name: found.item.name, answerable: canAnswer(found.task, today) };
    },

    /** A school's monitoring task with whether it can be answered now; null for anything else (a guessed id). */
    async taskOf(schoolId: string, taskId: string): Promise<RoundTask | null> {
      const found = await roadmap.taskOf(schoolId, taskId);
      return found ? service.roundTask(found) : null;
    },

    /**
     * Saves a school's answers to its round (replacing earlier ones) and marks its task done, accepted at once, with
     * `summary` as the evidence a coordinator reads on the task.
     */
    async submit(schoolId: string, taskId: string, input: MonitoringInput, actor: number, summary: string): Promise<SubmitAnswerResult> {
      const found = await service.taskOf(schoolId, taskId);
      if (!found) return 'not_found';
      if (!found.answerable) return 'closed';
      const quarter = parseQuarter(found.roundKey);
      // A school's task carries its municipality and region (a school never moves to another).
      const { municipalityId, regionId } = found.task;
      if (!quarter || !municipalityId) return 'not_found';
      await repo.upsertAnswer({
        ...input,
        participants: { ...zeroByForm(), ...input.participants },
        roundKey: found.roundKey,
        quarter: quarterKey(quarter),
        schoolId,
        municipalityId,
        regionId,
        answeredAt: clock(),
        answeredBy: actor,
      });
      const evidence: Evidence[] = [{ kind: 'comment', text: summary.slice(0, 2000) }];
      await roadmap.complete(schoolId, taskId, evidence, actor);
      // A deadline moved in the roadmap editor leaves the school a second task of the same round: it is done too.
      for (const { task } of await roadmap.tasksOf(schoolId, ['open', 'returned', 'submitted'])) {
        if (task.itemId === found.task.itemId && task.id !== taskId) await roadmap.complete(schoolId, task.id, evidence, actor);
      }
      return 'saved';
    },

    /** How a municipality's round of a quarter stands: who answered, who not, and the answers. Null: no round. */
    async progress(municipalityId: string, quarter: Quarter): Promise<RoundProgress | null> {
      const round = await roundOf(municipalityId, quarter);
      if (!round) return null;
      const tasks = await roadmap.tasksOfRoadmap(round.roadmapId);
      const answers = await repo.answersIn({ level: 'municipality', id: municipalityId }, round.roundKey);
      const names = new Map((await territory.organizationsIn({ level: 'municipality', id: municipalityId })).map((o) => [o.id, o.shortName || o.fullName]));
      return progressOf(round, tasks, answers, names);
    },

    /**
     * progress() of each municipality of a region, in the order of listMunicipalities, reading the quarter's rounds,
     * the region's answers and its organizations once (each round's roadmap is still read on its own).
     */
    async progressIn(regionId: string, quarter: Quarter): Promise<{ municipality: Municipality; progress: RoundProgress | null }[]> {
      const municipalities = await territory.listMunicipalities({ regionId });
      if (municipalities.length === 0) return [];
      const key = roundKeyOf(quarter);
      const rounds = new Map((await repo.roundsOf(key)).map((r) => [r.municipalityId, r]));
      const live = new Map<string, MonitoringRound>();
      for (const m of municipalities) {
        const round = rounds.get(m.id);
        if (round && (await itemOfRound(round))) live.set(m.id, round);
      }
      if (live.size === 0) return municipalities.map((municipality) => ({ municipality, progress: null }));
      const answers = new Map<string, MonitoringAnswer[]>();
      for (const a of await repo.answersIn({ level: 'region', id: regionId }, key)) answers.set(a.municipalityId, [...(answers.get(a.municipalityId) ?? []), a]);
      const names = new Map((await territory.organizationsIn({ level: 'region', id: regionId })).map((o) => [o.id, o.shortName || o.fullName]));
      const out: { municipality: Municipality; progress: RoundProgress | null }[] = [];
      for (const municipality of municipalities) {
        const round = live.get(municipality.id);
        out.push({ municipality, progress: round ? progressOf(round, await roadmap.tasksOfRoadmap(round.roadmapId), answers.get(municipality.id) ?? [], names) : null });
      }
      return out;
    },

    /**
     * Each school's newest answer (the latest quarter it answered), for the target indicators: the site section
     * (indicator 11) and the independent assessment (indicator 15) among them. Schools that never answered are absent.
     * One school is read by an equality query; several by `$in` (which FerretDB v1 answers by reading the whole
     * collection: a territory's schools are better read with answersOfScope).
     */
    async latestAnswers(schoolIds: string[]): Promise<Map<string, MonitoringAnswer>> {
      const ids = [...new Set(schoolIds)];
      return newestBySchool(ids.length === 1 ? await repo.answersIn({ level: 'organization', id: ids[0]! }) : await repo.answersOfSchools(ids));
    },

    /**
     * latestAnswers() of every school of a scope (a school, a municipality, a region), read by one equality query on
     * the answers' schoolId, municipalityId or regionId.
     */
    async answersOfScope(scope: { level: 'organization' | 'municipality' | 'region'; id: string }): Promise<Map<string, MonitoringAnswer>> {
      return newestBySchool(await repo.answersIn(scope));
    },

    /**
     * Every answer of a territory's schools, newest quarter first, then by school id: the XLSX report's rows.
     * `quarter` ('2026-Q4') keeps one round's.
     */
    async answersIn(scope: MonitoringTerritory, options: { quarter?: string } = {}): Promise<{ schoolId: string; answer: MonitoringAnswer }[]> {
      const roundKey = options.quarter ? `monitoring|${options.quarter}` : undefined;
      const answers = await repo.answersIn(scope, roundKey);
      return answers
        .sort((a, b) => b.quarter.localeCompare(a.quarter) || a.schoolId.localeCompare(b.schoolId))
        .map((answer) => ({ schoolId: answer.schoolId, answer }));
    },
  };
  return service;
}

export type MonitoringService = ReturnType<typeof createMonitoringService>;
