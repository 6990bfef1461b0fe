import { Schema, type Connection, type Model } from 'mongoose';
import type { User } from '../people/people.types';
import type { Roadmap, RoadmapItem, Task } from '../roadmap/roadmap.types';
import type { Services } from '../services';
import { answersFor, partyName, partyScopeId } from '../roadmap/roadmap-party';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import { DEFAULT_POLICY, dueNow, nextNudgeAt, type NudgeKind, type ReminderPolicy } from './policy';
import { addDays, localParts, nextWorkingSlot } from './working-time';

const localDay = (at: Date, zone: string) => localParts(at, zone).day;

/** One nudge to one person: what the bot sends and records. */
export interface Nudge {
  key: string;
  kind: NudgeKind;
  slot: string;
  /** Days to the due day (positive) or past it (negative). */
  days: number;
  recipient: Pick<User, 'telegramId' | 'chatId' | 'language' | 'fullName' | 'unreachableAt'>;
  task: Task;
  item: RoadmapItem;
  roadmap: Roadmap;
  /** The school or municipality of the task, as its coordinator reads it (empty for the coordinator's own). */
  party: string;
}

/** A person who blocked the bot, told to the coordinators once. */
export interface UnreachableNotice {
  key: string;
  coordinator: Pick<User, 'telegramId' | 'chatId' | 'language'>;
  person: Pick<User, 'telegramId' | 'fullName'>;
  party: string;
}

export type DeliveryOutcome = { status: 'sent'; messageId: number } | { status: 'failed'; reason: string; blocked?: boolean };

export interface SentDoc {
  _id: string;
  taskId: string;
  /** The territory whose roadmap the task is of: /reminders shows its coordinators what went out. */
  ownerId?: string;
  kind: NudgeKind | 'again' | 'notice';
  slot: string;
  recipient: number;
  /** Who and what, as the coordinator reads it in /reminders. */
  label?: string;
  status: 'sending' | 'sent' | 'failed';
  messageId?: number;
  reason?: string;
  at: Date;
}

const sentSchema = new Schema<SentDoc>(
  { _id: String, taskId: String, ownerId: String, kind: String, slot: String, recipient: Number, label: String, status: String, messageId: Number, reason: String, at: Date },
  { collection: 'nudges_sent', versionKey: false },
);
sentSchema.index({ taskId: 1 });
sentSchema.index({ ownerId: 1 });

interface SnoozeDoc {
  _id: string;
  taskId: string;
  telegramId: number;
  until: Date;
}

const snoozeSchema = new Schema<SnoozeDoc>({ _id: String, taskId: String, telegramId: Number, until: Date }, { collection: 'nudges_snoozed', versionKey: false });
snoozeSchema.index({ taskId: 1 });

export function sentLog(conn: Connection) {
  const Sent = (conn.models.NudgeSent as Model<SentDoc>) ?? conn.model<SentDoc>('NudgeSent', sentSchema);
  const Snooze = (conn.models.NudgeSnooze as Model<SnoozeDoc>) ?? conn.model<SnoozeDoc>('NudgeSnooze', snoozeSchema);
  async function claimDoc(doc: SentDoc): Promise<boolean> {
    try {
      await Sent.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
  return {
    ensureIndexes: () => Promise.all([Sent.syncIndexes(), Snooze.syncIndexes()]),
    /** Claims a nudge before it is handed to delivery: false when it was already claimed (sent, or being sent). */
    claim(nudge: Nudge, at: Date): Promise<boolean> {
      const label = [nudge.recipient.fullName ?? String(nudge.recipient.telegramId), nudge.party, `${nudge.item.number.replace(/\.$/, '')} ${nudge.item.name}`.slice(0, 120)].filter(Boolean).join(' · ');
      return claimDoc({ _id: nudge.key, taskId: nudge.task.id, ownerId: nudge.roadmap.owner.id, kind: nudge.kind, slot: nudge.slot, recipient: nudge.recipient.telegramId, label, status: 'sending', at });
    },
    /** What went out for a territory's roadmaps, newest first. */
    async ofOwner(ownerId: string, limit = 30): Promise<SentDoc[]> {
      return Sent.find({ ownerId, kind: { $ne: 'notice' } }).sort({ at: -1 }).limit(limit).lean<SentDoc[]>();
    },
    /** «Напомнить завтра»: one person's nudges of one task wait until `until`, then one reminder comes. */
    async snooze(taskId: string, telegramId: number, until: Date): Promise<void> {
      await Snooze.updateOne({ _id: `${taskId}|${telegramId}` }, { $set: { taskId, telegramId, until } }, { upsert: true });
    },
    async snoozesOf(taskId: string): Promise<SnoozeDoc[]> {
      return Snooze.find({ taskId }).lean<SnoozeDoc[]>();
    },
    /** Every snooze (a handful at a time: one per «Напомнить завтра» not yet due), by task. */
    async allSnoozes(): Promise<Map<string, SnoozeDoc[]>> {
      const map = new Map<string, SnoozeDoc[]>();
      for (const z of await Snooze.find({}).lean<SnoozeDoc[]>()) map.set(z.taskId, [...(map.get(z.taskId) ?? []), z]);
      return map;
    },
    async unsnooze(taskId: string, telegramId: number): Promise<void> {
      await Snooze.deleteOne({ _id: `${taskId}|${telegramId}` });
    },
    /** The same for another message of the sweep (a notice to a coordinator). */
    claimKey(key: string, taskId: string, recipient: number, at: Date): Promise<boolean> {
      return claimDoc({ _id: key, taskId, kind: 'notice', slot: at.toISOString().slice(0, 10), recipient, status: 'sending', at });
    },
    async record(key: string, outcome: DeliveryOutcome): Promise<void> {
      await Sent.updateOne({ _id: key }, { $set: outcome.status === 'sent' ? { status: 'sent', messageId: outcome.messageId } : { status: 'failed', reason: outcome.reason } });
    },
    async has(key: string): Promise<boolean> {
      return (await Sent.countDocuments({ _id: key })) > 0;
    },
    async ofTask(taskId: string): Promise<SentDoc[]> {
      return Sent.find({ taskId }).sort({ at: 1 }).lean<SentDoc[]>();
    },
  };
}

export type SentLog = ReturnType<typeof sentLog>;

export interface SweepDeps {
  services: Services;
  sent: SentLog;
  /** Hands one nudge to Telegram (rate-limited); never throws. Not called in a dry run. */
  deliver: (nudge: Nudge) => Promise<DeliveryOutcome>;
  /** Tells a coordinator that someone of their territory blocked the bot; never throws. */
  tell?: (notice: UnreachableNotice) => Promise<DeliveryOutcome>;
  policy?: ReminderPolicy;
}

export interface SweepResult {
  /** Tasks read from the index. */
  examined: number;
  nudges: (Nudge & { outcome?: DeliveryOutcome | 'already' })[];
}

/** How many days back a sweep looks for tasks whose nudge day has passed (a bot down for a while catches up). */
const CATCH_UP_DAYS = 14;

/**
 * One round of reminders at `now`, a plain function of its dependencies. It reads the tasks whose next nudge day has
 * come (by equality on an index, a day at a time), works out for each the latest nudge that is due (an earlier one
 * missed while the bot was down is not worth sending any more; a task done meanwhile gets none) and the escalation
 * to the coordinators, claims each in the sent-log under a unique key before delivery (so two sweeps at once, a crash
 * or a restart never send it twice), delivers it and records the outcome, then sets the task's next nudge day.
 */
export async function sweep(deps: SweepDeps, now: Date, options: { dryRun?: boolean } = {}): Promise<SweepResult> {
  const { services } = deps;
  const policy = deps.policy ?? DEFAULT_POLICY;
  const today = now.toISOString().slice(0, 10);
  const result: SweepResult = { examined: 0, nudges: [] };
  const zones = new Map<string, string>();
  const roadmaps = new Map<string, Roadmap | null>();
  const people = new Map<string, User[]>();
  let allSnoozes: Map<string, SnoozeDoc[]> | undefined;

  const zoneOf = async (task: Task) => {
    const scope = task.municipalityId ? { level: 'municipality' as const, id: task.municipalityId } : { level: 'region' as const, id: task.regionId };
    if (!zones.has(scope.id)) zones.set(scope.id, (await services.territory.describeScope(scope))?.timezone ?? 'Europe/Moscow');
    return zones.get(scope.id)!;
  };
  const usersIn = async (scopeId: string) => {
    if (!people.has(scopeId)) people.set(scopeId, await services.people.usersIn(scopeId));
    return people.get(scopeId)!;
  };
  const recipientsOf = async (task: Task, roadmap: Roadmap): Promise<User[]> => (await usersIn(partyScopeId(task, roadmap))).filter((u) => answersFor(u, task));

  for (let back = CATCH_UP_DAYS; back >= 0; back--) {
    const tasks = await services.roadmap.tasksToNudge(addDays(today, -back));
    if (tasks.length === 0) continue;
    // Next nudge days are written for the whole day's batch at once.
    const nextDays = new Map<string, string | null>();
    result.examined += tasks.length;
    const items = await services.roadmap.itemsOfTasks(tasks);
    for (const task of tasks) {
      const item = items.get(task.itemId);
      if (!roadmaps.has(task.roadmapId)) roadmaps.set(task.roadmapId, await services.roadmap.getRoadmap(task.roadmapId));
      const roadmap = roadmaps.get(task.roadmapId);
      if (!item || !roadmap || !task.due || (task.status !== 'open' && task.status !== 'returned')) {
        nextDays.set(task.id, null);
        continue;
      }
      const zone = await zoneOf(task);
      const { party, escalation } = dueNow(task.due, zone, policy, now);
      // Outside working hours there (a catch-up in the evening, a weekend), what is due waits for the next slot;
      // when nothing is due yet, the task is looked at again on its next planned day.
      const slot = nextWorkingSlot(now, zone);
      if (slot.getTime() !== now.getTime()) {
        const next = party || escalation ? slot : nextNudgeAt(task.due, zone, policy, now);
        nextDays.set(task.id, next ? next.toISOString().slice(0, 10) : null);
        continue;
      }
      const wanted: { planned: NonNullable<typeof party>; to: User[] }[] = [];
      if (party) wanted.push({ planned: party, to: await recipientsOf(task, roadmap) });
      if (escalation && task.target.level !== 'coordinator') {
        wanted.push({ planned: escalation, to: (await usersIn(roadmap.owner.id)).filter((u) => u.role === 'coordinator') });
      }
      const partyText = await partyName(services.territory, task);
      // «Напомнить завтра»: while a snooze runs its person gets nothing of this task; when it ends, one reminder.
      const snoozes = (allSnoozes ??= await deps.sent.allSnoozes()).get(task.id) ?? [];
      const snoozed = new Set(snoozes.filter((z) => z.until.getTime() > now.getTime()).map((z) => z.telegramId));
      const woken = snoozes.filter((z) => z.until.getTime() <= now.getTime());
      if (party && woken.length > 0) {
        const to = (await recipientsOf(task, roadmap)).filter((u) => woken.some((z) => z.telegramId === u.telegramId));
        wanted.unshift({ planned: { ...party, kind: 'again' as NudgeKind, slot: localDay(now, zone) }, to });
        for (const z of woken) if (!options.dryRun) await deps.sent.unsnooze(task.id, z.telegramId);
      }
      for (const { planned, to } of wanted) {
        for (const recipient of to.filter((u) => !u.unreachableAt && (planned.kind === 'escalation' || !snoozed.has(u.telegramId)))) {
          const nudge: Nudge = { key: `${task.id}|${planned.kind}|${planned.slot}|${recipient.telegramId}`, kind: planned.kind, slot: planned.slot, days: planned.days, recipient, task, item, roadmap, party: partyText };
          if (options.dryRun) {
            if (!(await deps.sent.has(nudge.key))) result.nudges.push(nudge);
            continue;
          }
          if (!(await deps.sent.claim(nudge, now))) continue;
          const outcome = await deps.deliver(nudge);
          await deps.sent.record(nudge.key, outcome);
          result.nudges.push({ ...nudge, outcome });
          if (outcome.status === 'failed' && outcome.blocked) {
            // 403: they blocked the bot. Skip them from now on and tell their territory's coordinators, once.
            await services.people.markUnreachable(recipient.telegramId);
            recipient.unreachableAt = now;
            for (const coordinator of (await usersIn(roadmap.owner.id)).filter((u) => u.role === 'coordinator' && u.telegramId !== recipient.telegramId)) {
              const notice: UnreachableNotice = { key: `unreachable|${recipient.telegramId}|${now.toISOString().slice(0, 10)}|${coordinator.telegramId}`, coordinator, person: recipient, party: partyText };
              if (deps.tell && (await deps.sent.claimKey(notice.key, task.id, coordinator.telegramId, now))) await deps.sent.record(notice.key, await deps.tell(notice));
            }
          }
        }
      }
      const planned = nextNudgeAt(task.due, zone, policy, now);
      const wake = snoozes.filter((z) => z.until.getTime() > now.getTime()).map((z) => z.until.getTime());
      const next = Math.min(planned?.getTime() ?? Infinity, ...wake);
      nextDays.set(task.id, Number.isFinite(next) ? new Date(next).toISOString().slice(0, 10) : null);
    }
    if (!options.dryRun) await services.roadmap.setNudgeDays(nextDays);
  }
  return result;
}
