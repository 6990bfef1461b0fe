import { Types, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import { mshnModels, type BankEntryDoc, type EventDoc, type FileDoc } from './mshn.model';
import type { BankDraft, BankEntry, BankKind, EventDraft, MshnEvent, MshnScope, StoredFile } from './mshn.types';
import type { MentoringForm } from '../register/register.types';

const oid = (id: string) => new Types.ObjectId(id);
const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

const toFile = (d: FileDoc | undefined | null): StoredFile | undefined =>
  d?.fileId
    ? { fileId: d.fileId, ...(d.fileName != null ? { fileName: d.fileName } : {}), ...(d.fileSize != null ? { fileSize: d.fileSize } : {}), ...(d.mimeType != null ? { mimeType: d.mimeType } : {}) }
    : undefined;

function toEntry(d: BankEntryDoc): BankEntry {
  const file = toFile(d.file);
  return {
    id: String(d._id),
    kind: d.kind as BankKind,
    title: d.title,
    form: d.form as MentoringForm,
    description: d.description,
    ...(file ? { file } : {}),
    ...(d.link ? { link: d.link } : {}),
    schoolId: String(d.schoolId),
    municipalityId: String(d.municipalityId),
    regionId: String(d.regionId),
    submittedBy: d.submittedBy,
    ...(d.submittedByName ? { submittedByName: d.submittedByName } : {}),
    submittedAt: d.submittedAt,
  };
}

function toEvent(d: EventDoc): MshnEvent {
  const file = toFile(d.file);
  return {
    id: String(d._id),
    kind: d.kind as MshnEvent['kind'],
    date: d.date,
    topic: d.topic,
    ...(file ? { file } : {}),
    owner: { level: d.ownerLevel, id: String(d.ownerId) },
    ...(d.municipalityId ? { municipalityId: String(d.municipalityId) } : {}),
    regionId: String(d.regionId),
    recordedBy: d.recordedBy,
    recordedAt: d.recordedAt,
    ...(d.countedTaskId ? { countedTaskId: String(d.countedTaskId) } : {}),
  };
}

/** Where a bank's entries are read: one school's, a municipality's or a region's (each an equality on one field). */
export type BankFilter = { schoolId: string } | { municipalityId: string } | { regionId: string };

function bankQuery(filter: BankFilter): Record<string, Types.ObjectId> {
  if ('schoolId' in filter) return { schoolId: oid(filter.schoolId) };
  if ('municipalityId' in filter) return { municipalityId: oid(filter.municipalityId) };
  return { regionId: oid(filter.regionId) };
}

/** A municipality's own events, or every event of a region (its own and its municipalities'); `own`: the scope's own. */
function eventQuery(scope: MshnScope, own = false): Record<string, Types.ObjectId> {
  return scope.level === 'municipality' || own ? { ownerId: oid(scope.id) } : { regionId: oid(scope.id) };
}

export interface Place {
  schoolId: string;
  municipalityId: string;
  regionId: string;
}

/** The School of Mentoring's storage: the bank of practices and programmes, and the meetings and events. */
export function createMshnRepository(conn: Connection) {
  const { BankEntry, Event } = mshnModels(conn);

  return {
    async ensureIndexes(): Promise<void> {
      await BankEntry.syncIndexes();
      await Event.syncIndexes();
    },

    /** Makes an entry once per key: a save retried after a failure finds the entry it already made. */
    async insertEntry(place: Place, draft: BankDraft, by: { id: number; name?: string }, at: Date, key: string): Promise<BankEntry> {
      const existing = await BankEntry.findOne({ key }).lean<BankEntryDoc>();
      if (existing) return toEntry(existing);
      const doc = await BankEntry.create({
        kind: draft.kind,
        title: draft.title,
        form: draft.form,
        description: draft.description,
        ...(draft.file ? { file: draft.file } : {}),
        ...(draft.link ? { link: draft.link } : {}),
        schoolId: oid(place.schoolId),
        municipalityId: oid(place.municipalityId),
        regionId: oid(place.regionId),
        submittedBy: by.id,
        ...(by.name ? { submittedByName: by.name } : {}),
        submittedAt: at,
        key,
      });
      return toEntry(doc.toObject() as BankEntryDoc);
    },

    async getEntry(id: string): Promise<BankEntry | null> {
      if (!isId(id)) return null;
      const d = await BankEntry.findOne({ _id: oid(id) }).lean<BankEntryDoc>();
      return d ? toEntry(d) : null;
    },

    /** Every entry of a school or territory, newest first (a bank holds hundreds, not millions). */
    async entries(filter: BankFilter): Promise<BankEntry[]> {
      const docs = await BankEntry.find(bankQuery(filter)).sort({ submittedAt: -1, _id: -1 }).lean<BankEntryDoc[]>();
      return docs.map(toEntry);
    },

    /** One page of a territory's entries of a kind and form, newest first (a page past the end shows the last). */
    async entriesPage(filter: BankFilter, kind: BankKind, form: MentoringForm, page: number, pageSize: number): Promise<{ items: BankEntry[]; total: number; page: number; pages: number }> {
      const q = { ...bankQuery(filter), kind, form };
      const total = await BankEntry.countDocuments(q);
      const pages = Math.max(1, Math.ceil(total / pageSize));
      const current = Math.min(Math.max(page, 0), pages - 1);
      const docs = await BankEntry.find(q).sort({ submittedAt: -1, _id: -1 }).skip(current * pageSize).limit(pageSize).lean<BankEntryDoc[]>();
      return { items: docs.map(toEntry), total, page: current, pages };
    },

    /**
     * Records an event once per key: a save retried after a failure finds the event it already recorded.
     * Returns the event and whether this call created it.
     */
    async insertEvent(owner: MshnScope, place: { municipalityId?: string; regionId: string }, draft: EventDraft, by: number, at: Date, key: string): Promise<{ event: MshnEvent; created: boolean }> {
      try {
        const doc = await Event.create({
          kind: draft.kind,
          date: draft.date,
          topic: draft.topic,
          ...(draft.file ? { file: draft.file } : {}),
          ownerLevel: owner.level,
          ownerId: oid(owner.id),
          ...(place.municipalityId ? { municipalityId: oid(place.municipalityId) } : {}),
          regionId: oid(place.regionId),
          recordedBy: by,
          recordedAt: at,
          key,
        });
        return { event: toEvent(doc.toObject() as EventDoc), created: true };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const existing = await Event.findOne({ key }).lean<EventDoc>();
        if (!existing) throw err;
        return { event: toEvent(existing), created: false };
      }
    },

    async getEvent(id: string): Promise<MshnEvent | null> {
      if (!isId(id)) return null;
      const d = await Event.findOne({ _id: oid(id) }).lean<EventDoc>();
      return d ? toEvent(d) : null;
    },

    /** Events of a territory (`own`: only the scope's own) whose day is within [from, to] (YYYY-MM-DD, inclusive), in date order. */
    async eventsBetween(scope: MshnScope, from: string, to: string, own = false): Promise<MshnEvent[]> {
      const docs = await Event.find({ ...eventQuery(scope, own), date: { $gte: from, $lte: to } })
        .sort({ date: 1, _id: 1 })
        .lean<EventDoc[]>();
      return docs.map(toEvent);
    },

    /** Every event of a territory, newest first. */
    async events(scope: MshnScope): Promise<MshnEvent[]> {
      const docs = await Event.find(eventQuery(scope)).sort({ date: -1, _id: -1 }).lean<EventDoc[]>();
      return docs.map(toEvent);
    },

    /**
     * Ties a meeting to the roadmap task it counts towards, only if it is tied to none yet: of two saves racing,
     * one wins. Returns the task the event is tied to after the call.
     */
    async claimTask(eventId: string, taskId: string): Promise<string | null> {
      await Event.updateOne({ _id: oid(eventId), countedTaskId: { $exists: false } }, { $set: { countedTaskId: oid(taskId) } });
      const d = await Event.findOne({ _id: oid(eventId) }).lean<EventDoc>();
      return d?.countedTaskId ? String(d.countedTaskId) : null;
    },

    /** Unties a meeting from a task it could not be submitted to, so a later save may try another. */
    async releaseTask(eventId: string, taskId: string): Promise<void> {
      await Event.updateOne({ _id: oid(eventId), countedTaskId: oid(taskId) }, { $unset: { countedTaskId: '' } });
    },
  };
}

export type MshnRepository = ReturnType<typeof createMshnRepository>;
