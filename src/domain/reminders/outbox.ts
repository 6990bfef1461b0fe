import { Schema, type Connection, type Model } from 'mongoose';
import type { User } from '../people/people.types';
import type { Roadmap, RoadmapItem, Task } from '../roadmap/roadmap.types';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import type { NudgeKind } from './policy';

export type Recipient = Pick<User, 'telegramId' | 'chatId' | 'language' | 'fullName'>;

/**
 * A nudge of one task to one person: what, by when, how late. 'pushed': a coordinator nudged them by hand;
 * 'monitoring': a quarterly monitoring round opened, the school is asked to answer its questionnaire; 'request':
 * a coordinator's data request (/request) became the school's task.
 */
export interface Nudge {
  key: string;
  kind: Exclude<NudgeKind, 'escalation'> | 'pushed' | 'monitoring' | 'request';
  slot: string;
  /** Days to the due day (positive) or past it (negative). */
  days: number;
  recipient: Recipient;
  task: Pick<Task, 'id' | 'due' | 'target'>;
  item: Pick<RoadmapItem, 'id' | 'number' | 'name' | 'documentKind'>;
  roadmap: Pick<Roadmap, 'id' | 'title' | 'owner'>;
  /** The school or municipality of the task as its coordinator reads it; '' for the coordinator's own task, and
   *  left '' by a real sweep (the party's own people know who they are; the CLI and /reminders look it up). */
  party: string;
  /** Who asks, for a request: the coordinator's territory. */
  from?: string;
}

/** One message to a coordinator: the schools overdue on one item, with a button to nudge them again now. */
export interface Escalation {
  key: string;
  kind: 'escalation';
  slot: string;
  days: number;
  recipient: Recipient;
  item: Nudge['item'];
  roadmap: Nudge['roadmap'];
  due: string;
  /** Every overdue task of the group (the button nudges them); names are given for the first few. */
  taskIds: string[];
  /** The school (or municipality) of each task, in the same order. */
  targets: string[];
  /** Names of the first few targets. */
  parties: string[];
}

export interface DigestLine {
  party: string;
  count: number;
  /** Item numbers, the oldest due first. */
  items: string[];
}

/** The weekly digest of a coordinator's territory. */
export interface Digest {
  key: string;
  kind: 'digest';
  recipient: Recipient;
  territory: string;
  week: { start: string; end: string };
  overdue: { tasks: number; parties: number; top: DigestLine[] };
  dueThisWeek: { tasks: number; items: { number: string; name: string; due: string; count: number }[] };
  /** Schools (or municipalities) where nobody has joined the bot: their tasks reach nobody but this digest. */
  nobody: { count: number; of: number; top: (DigestLine & { dueThisWeek: number })[] };
}

/** A person of the territory blocked the bot: told to its coordinators once. */
export interface Notice {
  key: string;
  kind: 'notice';
  recipient: Recipient;
  person: Pick<User, 'telegramId' | 'fullName'>;
  party: string;
}

export type OutboxMessage = Nudge | Escalation | Digest | Notice;

export const isNudge = (m: OutboxMessage): m is Nudge => m.kind !== 'escalation' && m.kind !== 'digest' && m.kind !== 'notice';

export type DeliveryOutcome = { status: 'sent'; messageId: number } | { status: 'failed'; reason: string; blocked?: boolean } | { status: 'skipped'; reason: string };

export interface SentDoc {
  _id: string;
  taskId?: string;
  /** The territory whose roadmap the message is about: /reminders shows its coordinators what went out. */
  ownerId?: string;
  kind: OutboxMessage['kind'];
  slot: string;
  recipient: number;
  /** 'queued' in the outbox (taken by one deliverer: a unique insert in nudges_taken) → 'sent' | 'failed' |
   *  'skipped' (task done meanwhile); 'sending': taken by someone who died while handing it over (not resent); 'grouped': one task's escalation, claimed and sent as part of one escalation message. */
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'skipped' | 'grouped';
  /** The message as JSON, for the deliverer (absent once delivered). */
  payload?: string;
  /** For an escalation group: the tasks it lists. */
  taskIds?: string[];
  messageId?: number;
  reason?: string;
  at: Date;
}

const sentSchema = new Schema<SentDoc>(
  {
    _id: String,
    taskId: String,
    ownerId: String,
    kind: String,
    slot: String,
    recipient: Number,
    status: String,
    payload: String,
    taskIds: [String],
    messageId: Number,
    reason: String,
    at: Date,
  },
  { collection: 'nudges_sent', versionKey: false },
);
sentSchema.index({ taskId: 1 });
sentSchema.index({ ownerId: 1 });
sentSchema.index({ status: 1, at: 1 });

interface SnoozeDoc {
  _id: string;
  taskId: string;
  telegramId: number;
  until: Date;
}

/** A message taken this long ago and still queued was taken by a deliverer that died. */
const ABANDONED_MS = 10 * 60_000;

/** Who took a queued message: a unique insert is atomic on every backend (a conditional update is not on FerretDB). */
const takenSchema = new Schema<{ _id: string; at: Date }>({ _id: String, at: Date }, { collection: 'nudges_taken', versionKey: false });

const snoozeSchema = new Schema<SnoozeDoc>({ _id: String, taskId: String, telegramId: Number, until: Date }, { collection: 'nudges_snoozed', versionKey: false });
snoozeSchema.index({ taskId: 1 });

/** What the log keeps of a message besides its payload. */
function entryOf(message: OutboxMessage, at: Date): Omit<SentDoc, 'status' | 'payload'> {
  const base = { _id: message.key, recipient: message.recipient.telegramId, kind: message.kind, at };
  switch (message.kind) {
    case 'escalation':
      return { ...base, ownerId: message.roadmap.owner.id, slot: message.slot, taskIds: message.taskIds };
    case 'digest':
      return { ...base, slot: message.week.start };
    case 'notice':
      return { ...base, slot: at.toISOString().slice(0, 10) };
    default:
      return { ...base, taskId: message.task.id, ownerId: message.roadmap.owner.id, slot: message.slot };
  }
}

/**
 * The sent-log, which is also the outbox. A message is recorded under its unique key before anything is sent
 * ('queued'); whoever takes it first (a unique insert) delivers it, so two sweeps, two instances or a restart never send
 * it twice, and a message queued by a sweep that died is delivered by the next one.
 */
export function sentLog(conn: Connection) {
  const Sent = (conn.models.NudgeSent as Model<SentDoc>) ?? conn.model<SentDoc>('NudgeSent', sentSchema);
  const Snooze = (conn.models.NudgeSnooze as Model<SnoozeDoc>) ?? conn.model<SnoozeDoc>('NudgeSnooze', snoozeSchema);
  const Taken = (conn.models.NudgeTaken as Model<{ _id: string; at: Date }>) ?? conn.model<{ _id: string; at: Date }>('NudgeTaken', takenSchema);

  /** Inserts many documents; returns the keys that were new (the rest were claimed before). */
  async function insertNew(docs: SentDoc[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let i = 0; i < docs.length; i += 1000) {
      const chunk = docs.slice(i, i + 1000);
      try {
        await Sent.insertMany(chunk, { ordered: false, lean: true });
        for (const d of chunk) inserted.add(d._id);
      } catch (err) {
        const failed = new Set<number>(((err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors ?? []).map((e) => e.index));
        if (failed.size === 0 && !isDuplicateKeyError(err)) throw err;
        const other = ((err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors ?? []).find((e) => (e.code ?? e.err?.code) !== 11000);
        if (other) throw err;
        chunk.forEach((d, k) => !failed.has(k) && inserted.add(d._id));
      }
    }
    return inserted;
  }

  return {
    ensureIndexes: () => Promise.all([Sent.syncIndexes(), Snooze.syncIndexes(), Taken.syncIndexes()]),

    /** Puts messages in the outbox; returns those that were not there already (only they are ours to count). */
    async enqueue(messages: OutboxMessage[], at: Date): Promise<OutboxMessage[]> {
      const inserted = await insertNew(messages.map((m) => ({ ...entryOf(m, at), status: 'queued', payload: JSON.stringify(m) })));
      return messages.filter((m) => inserted.has(m.key));
    },

    /** Claims tasks' escalations (one per task and coordinator) before they are grouped; returns the new keys. */
    claimGrouped(claims: { key: string; taskId: string; ownerId: string; slot: string; recipient: number }[], at: Date): Promise<Set<string>> {
      return insertNew(claims.map((c) => ({ _id: c.key, taskId: c.taskId, ownerId: c.ownerId, kind: 'escalation', slot: c.slot, recipient: c.recipient, status: 'grouped', at })));
    },

    /** The oldest messages waiting in the outbox. */
    async queued(limit: number): Promise<SentDoc[]> {
      return Sent.find({ status: 'queued' }).sort({ at: 1 }).limit(limit).lean<SentDoc[]>();
    },

    /** Takes a queued message for delivery: false when someone else took it first. */
    async take(key: string): Promise<boolean> {
      try {
        await Taken.create({ _id: key, at: new Date() });
        return true;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Someone else has it. If they took it long ago, they died while handing it over: it leaves the queue, not
        // to be sent again. (A live deliverer records the outcome within seconds; touching the status before that
        // could overwrite it, as FerretDB's conditional update is not atomic.)
        const taken = await Taken.findById(key).lean<{ at: Date }>();
        if (taken && Date.now() - taken.at.getTime() > ABANDONED_MS) await Sent.updateOne({ _id: key, status: 'queued' }, { $set: { status: 'sending' } });
        return false;
      }
    },

    async record(key: string, outcome: DeliveryOutcome): Promise<void> {
      const set = outcome.status === 'sent' ? { status: 'sent', messageId: outcome.messageId } : { status: outcome.status, reason: outcome.reason };
      await Sent.updateOne({ _id: key }, { $set: set, $unset: { payload: 1 } });
    },

    /** Tasks that were done or removed: their nudges still waiting in the queue are not sent. */
    async cancelQueued(taskIds: string[]): Promise<void> {
      for (const taskId of taskIds) await Sent.updateMany({ taskId, status: 'queued' }, { $set: { status: 'skipped', reason: 'task no longer open' }, $unset: { payload: 1 } });
    },

    /** Which of these keys are in the log already (a dry run leaves them out). */
    async known(keys: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const key of keys) if ((await Sent.countDocuments({ _id: key })) > 0) found.add(key);
      return found;
    },

    async get(key: string): Promise<SentDoc | null> {
      return Sent.findById(key).lean<SentDoc>();
    },

    /** What went out for a territory's roadmaps, newest first (a task's escalation shows as its group message). */
    async ofOwner(ownerId: string, limit = 30): Promise<SentDoc[]> {
      return Sent.find({ ownerId, status: { $ne: 'grouped' } }).sort({ at: -1 }).limit(limit).lean<SentDoc[]>();
    },

    async ofTask(taskId: string): Promise<SentDoc[]> {
      return Sent.find({ taskId }).sort({ at: 1 }).lean<SentDoc[]>();
    },

    /** «Напомнить завтра»: one person's nudges of one task wait until `until`, then one reminder comes. */
    async snooze(taskId: string, telegramId: number, until: Date): Promise<void> {
      await Snooze.updateOne({ _id: `${taskId}|${telegramId}` }, { $set: { taskId, telegramId, until } }, { upsert: true });
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
  };
}

export type SentLog = ReturnType<typeof sentLog>;
