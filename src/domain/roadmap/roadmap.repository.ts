import { isDuplicateKeyError } from '../shared/mongo-errors';
import { createSettingsRepository } from '../shared/settings.repository';
import { Types, type Connection } from 'mongoose';
import { policyOf, type ReminderPolicy } from '../reminders/policy';
import type { Scope } from '../territory/territory.types';
import { roadmapModels, type ItemDoc, type RoadmapDoc, type TaskDoc } from './roadmap.model';
import type { Evidence, ItemDraft, Review, Roadmap, RoadmapItem, Task, TaskTarget } from './roadmap.types';

const oid = (id: string) => new Types.ObjectId(id);
const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

const toRoadmap = (d: RoadmapDoc): Roadmap => ({
  id: String(d._id),
  owner: { level: d.owner.level, id: String(d.owner.id) },
  title: d.title,
  period: d.period,
  referenceDate: d.referenceDate,
  fileName: d.fileName ?? undefined,
  publishedAt: d.publishedAt,
  ...(d.policy ? { policy: policyOf(JSON.parse(d.policy) as Partial<ReminderPolicy>) } : {}),
});

const toItem = (d: ItemDoc): RoadmapItem => ({
  id: String(d._id),
  roadmapId: String(d.roadmapId),
  key: d.key,
  position: d.position,
  number: d.number,
  section: d.section ?? null,
  sectionNumber: d.sectionNumber ?? null,
  name: d.name,
  deadline: d.deadline ?? '',
  responsible: d.responsible ?? '',
  documentKind: d.documentKind ?? '',
  result: d.result ?? '',
  assignments: JSON.parse(d.assignments || '[]') as RoadmapItem['assignments'],
  gaps: (d.gaps ?? []) as RoadmapItem['gaps'],
});

const toTask = (d: TaskDoc): Task => ({
  id: String(d._id),
  roadmapId: String(d.roadmapId),
  itemId: String(d.itemId),
  target: { level: d.target.level, id: String(d.target.id) },
  municipalityId: d.municipalityId ? String(d.municipalityId) : undefined,
  regionId: String(d.regionId),
  due: d.due ?? null,
  start: d.start ?? null,
  status: d.status,
  submissions: (d.submissions ?? []).map((s) => ({ at: s.at, by: s.by, evidence: s.evidence as unknown as Evidence[] })),
  reviews: (d.reviews ?? []) as Review[],
});

/** What an item document stores besides its roadmap, key and assignments (those are written as they are). */
function fieldsOf(item: ItemDraft & { position: number }) {
  const { key: _key, assignments: _assignments, ...fields } = item;
  return fields;
}

/** Set once the tasks of a database all carry targetId. */
const TARGET_ID_BACKFILLED = 'roadmap.tasks.targetId';

/** A task as it is first stored by the fan-out. */
export interface NewTask {
  roadmapId: string;
  itemId: string;
  target: TaskTarget;
  municipalityId?: string;
  regionId: string;
  key: string;
  due: string | null;
  start: string | null;
  nudgeDay?: string;
}

/** Roadmaps, their items and the tasks they fan out into. Reads of tasks are scoped by the task's party. */
export function createRoadmapRepository(conn: Connection) {
  const { Roadmap, Item, Task } = roadmapModels(conn);

  return {
    async ensureIndexes(): Promise<void> {
      await Promise.all([Roadmap.syncIndexes(), Item.syncIndexes(), Task.syncIndexes()]);
      // Tasks stored before targetId existed get it, once per database (a flag spares every later start the scan).
      const settings = createSettingsRepository(conn);
      if ((await settings.get(TARGET_ID_BACKFILLED)) === null) {
        const stale = await Task.find({ targetId: { $exists: false } }, { target: 1 }).lean<Pick<TaskDoc, '_id' | 'target'>[]>();
        for (const id of new Set(stale.map((t) => String(t.target.id)))) await Task.updateMany({ 'target.id': oid(id), targetId: { $exists: false } }, { $set: { targetId: oid(id) } });
        await settings.set(TARGET_ID_BACKFILLED, new Date().toISOString());
      }
    },

    async findRoadmap(ownerId: string, titleKey: string): Promise<Roadmap | null> {
      const d = await Roadmap.findOne({ 'owner.id': oid(ownerId), titleKey }).lean<RoadmapDoc>();
      return d ? toRoadmap(d) : null;
    },

    async getRoadmap(id: string): Promise<Roadmap | null> {
      if (!isId(id)) return null;
      const d = await Roadmap.findById(oid(id)).lean<RoadmapDoc>();
      return d ? toRoadmap(d) : null;
    },

    async roadmapsOf(ownerIds: string[]): Promise<Roadmap[]> {
      const docs = await Roadmap.find({ 'owner.id': { $in: ownerIds.map(oid) } }).sort({ publishedAt: -1 }).lean<RoadmapDoc[]>();
      return docs.map(toRoadmap);
    },

    /** Creates or updates the roadmap of this owner and title; `created` tells which. */
    async upsertRoadmap(input: { owner: Scope; title: string; titleKey: string; period: Roadmap['period']; referenceDate: string; fileName?: string; publishedBy: number | string; at: Date }) {
      const filter = { 'owner.id': oid(input.owner.id), titleKey: input.titleKey };
      const set = {
        owner: { level: input.owner.level, id: oid(input.owner.id) },
        title: input.title,
        titleKey: input.titleKey,
        period: input.period,
        referenceDate: input.referenceDate,
        fileName: input.fileName,
        publishedBy: input.publishedBy,
        publishedAt: input.at,
      };
      // Two publishes of a new roadmap at once: the unique index lets one create it, the other then updates it.
      const upsert = () => Roadmap.updateOne(filter, { $set: set }, { upsert: true });
      const res = await upsert().catch((err: unknown) => {
        if (isDuplicateKeyError(err)) return upsert();
        throw err;
      });
      const d = await Roadmap.findOne(filter).lean<RoadmapDoc>();
      return { roadmap: toRoadmap(d!), created: res.upsertedCount === 1 };
    },

    async itemsOf(roadmapId: string): Promise<RoadmapItem[]> {
      return (await Item.find({ roadmapId: oid(roadmapId) }).sort({ position: 1 }).lean<ItemDoc[]>()).map(toItem);
    },

    async getItem(roadmapId: string, itemId: string): Promise<RoadmapItem | null> {
      if (!isId(itemId)) return null;
      const d = await Item.findOne({ _id: oid(itemId), roadmapId: oid(roadmapId) }).lean<ItemDoc>();
      return d ? toItem(d) : null;
    },

    /** An item by its id alone (the caller checks whose roadmap it is). */
    async findItem(itemId: string): Promise<RoadmapItem | null> {
      if (!isId(itemId)) return null;
      const d = await Item.findById(oid(itemId)).lean<ItemDoc>();
      return d ? toItem(d) : null;
    },

    /**
     * The items of these tasks, by id: one equality query per roadmap they come from (tasks of a school or of a
     * day's sweep come from a handful of roadmaps, while their items are many).
     */
    async itemsOfTasks(tasks: Pick<Task, 'roadmapId'>[]): Promise<Map<string, RoadmapItem>> {
      const map = new Map<string, RoadmapItem>();
      for (const roadmapId of new Set(tasks.map((t) => t.roadmapId))) {
        for (const d of await Item.find({ roadmapId: oid(roadmapId) }).lean<ItemDoc[]>()) map.set(String(d._id), toItem(d));
      }
      return map;
    },

    /** Writes the items of a roadmap by key (new ones inserted, known ones updated); returns their ids by key. */
    async saveItems(roadmapId: string, items: (ItemDraft & { position: number })[]): Promise<Map<string, string>> {
      if (items.length > 0) {
        await Item.bulkWrite(
          items.map((item) => ({
            updateOne: {
              filter: { roadmapId: oid(roadmapId), key: item.key },
              update: { $set: { ...fieldsOf(item), assignments: JSON.stringify(item.assignments) } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      }
      const docs = await Item.find({ roadmapId: oid(roadmapId) }, { key: 1 }).lean<Pick<ItemDoc, '_id' | 'key'>[]>();
      return new Map(docs.map((d) => [d.key, String(d._id)]));
    },

    async deleteItems(roadmapId: string, itemIds: string[]): Promise<void> {
      if (itemIds.length === 0) return;
      await Item.deleteMany({ roadmapId: oid(roadmapId), _id: { $in: itemIds.map(oid) } });
    },

    /** Every task of a roadmap as key → id and status, for the fan-out to tell new from known ones. */
    async taskKeys(roadmapId: string): Promise<Map<string, { id: string; status: Task['status'] }>> {
      const docs = await Task.find({ roadmapId: oid(roadmapId) }, { key: 1, status: 1 }).lean<Pick<TaskDoc, '_id' | 'key' | 'status'>[]>();
      return new Map(docs.map((d) => [d.key, { id: String(d._id), status: d.status }]));
    },

    async insertTasks(tasks: NewTask[]): Promise<number> {
      let inserted = 0;
      for (let i = 0; i < tasks.length; i += 5000) {
        const docs = tasks.slice(i, i + 5000).map((t) => ({
          roadmapId: oid(t.roadmapId),
          itemId: oid(t.itemId),
          target: { level: t.target.level, id: oid(t.target.id) },
          targetId: oid(t.target.id),
          ...(t.municipalityId ? { municipalityId: oid(t.municipalityId) } : {}),
          regionId: oid(t.regionId),
          key: t.key,
          due: t.due,
          start: t.start,
          status: 'open',
          // The sweep looks at a new task on its first round and plans its nudges from there.
          ...(t.due ? { nudgeDay: t.nudgeDay } : {}),
          submissions: [],
          reviews: [],
        }));
        try {
          inserted += (await Task.insertMany(docs, { ordered: false, lean: true })).length;
        } catch (err) {
          // A task another publish of this roadmap made at the same moment stands (unique key); the rest went in.
          const result = (err as { insertedDocs?: unknown[]; writeErrors?: { code?: number; err?: { code?: number } }[] });
          if (!result.writeErrors?.every((w) => (w.code ?? w.err?.code) === 11000)) throw err;
          inserted += result.insertedDocs?.length ?? 0;
        }
      }
      return inserted;
    },

    /** Tasks whose next nudge falls on this UTC day (one equality query on the index). */
    async tasksToNudge(day: string): Promise<Task[]> {
      return (await Task.find({ nudgeDay: day }).lean<TaskDoc[]>()).map(toTask);
    },

    /**
     * Sets the next nudge day of the tasks a sweep read for one nudge day: one updateMany per next day, on the old
     * day (an index) and the tasks' ids. FerretDB on PostgreSQL makes each update of a bulk write its own transaction
     * (about 50 ms each on this machine's disk) and scans the collection for filters it cannot use an index for;
     * this way it reads only that day's tasks and commits once per next day.
     */
    async setNudgeDays(day: string, tasks: Pick<Task, 'id'>[], next: Map<string, string | null>): Promise<void> {
      const byNext = new Map<string | null, string[]>();
      for (const t of tasks) {
        const d = next.get(t.id) ?? null;
        byNext.set(d, [...(byNext.get(d) ?? []), t.id]);
      }
      for (const [d, ids] of byNext) {
        // Tasks waiting for 09:00 in their zone keep today's day: nothing to write.
        if (d === day) continue;
        for (let i = 0; i < ids.length; i += 1000) {
          await Task.updateMany({ nudgeDay: day, _id: { $in: ids.slice(i, i + 1000).map(oid) } }, d ? { $set: { nudgeDay: d } } : { $unset: { nudgeDay: 1 } });
        }
      }
    },

    /** A roadmap's tasks still to be done that are due by `day` (the weekly digest). */
    async openTasksDueBy(roadmapId: string, day: string): Promise<Task[]> {
      const docs = await Task.find({ roadmapId: oid(roadmapId), due: { $lte: day }, status: { $in: ['open', 'returned'] } }).lean<TaskDoc[]>();
      return docs.map(toTask);
    },

    /** Stores a roadmap's reminder policy (null: back to the default). */
    async setPolicy(roadmapId: string, policy: ReminderPolicy | null): Promise<void> {
      await Roadmap.updateOne({ _id: oid(roadmapId) }, policy ? { $set: { policy: JSON.stringify(policy) } } : { $unset: { policy: 1 } });
    },

    /** The due days of an item's tasks that are still to be done. */
    async openDues(itemId: string): Promise<string[]> {
      const dues = (await Task.distinct('due', { itemId: oid(itemId), status: { $in: ['open', 'returned'] } })) as (string | null)[];
      return dues.filter((d): d is string => typeof d === 'string');
    },

    /** Sets the next nudge day of an item's open tasks due on one day (the same for all of them). */
    async setNudgeDayOf(itemId: string, due: string, day: string): Promise<void> {
      for (const status of ['open', 'returned'] as const) await Task.updateMany({ itemId: oid(itemId), due, status }, { $set: { nudgeDay: day } });
    },

    /** Sets when a task is next looked at by the sweep (null: not while it stays as it is). */
    async setNudgeDay(taskId: string, day: string | null): Promise<void> {
      await Task.updateOne({ _id: oid(taskId) }, day ? { $set: { nudgeDay: day } } : { $unset: { nudgeDay: 1 } });
    },

    /** A task's new due day (its deadline moved): its key follows; it keeps its status, submissions and reviews. */
    async moveDue(taskId: string, to: { key: string; due: string | null; start: string | null; nudgeDay: string | null }): Promise<void> {
      await Task.updateOne(
        { _id: oid(taskId) },
        to.nudgeDay ? { $set: { key: to.key, due: to.due, start: to.start, nudgeDay: to.nudgeDay } } : { $set: { key: to.key, due: to.due, start: to.start }, $unset: { nudgeDay: 1 } },
      );
    },

    async deleteTasks(ids: string[]): Promise<void> {
      for (let i = 0; i < ids.length; i += 5000) await Task.deleteMany({ _id: { $in: ids.slice(i, i + 5000).map(oid) } });
    },

    /** The tasks of one party (an organization, a municipality, a coordinator's territory). */
    async tasksOf(targetId: string, filter: { statuses?: Task['status'][]; roadmapId?: string } = {}): Promise<Task[]> {
      // Equality only: FerretDB answers it from the targetId index, while a $in beside it reads every task.
      const q: Record<string, unknown> = { targetId: oid(targetId) };
      if (filter.roadmapId) q.roadmapId = oid(filter.roadmapId);
      const statuses = filter.statuses ? new Set<string>(filter.statuses) : null;
      return (await Task.find(q).lean<TaskDoc[]>()).filter((d) => !statuses || statuses.has(d.status)).map(toTask);
    },

    async getTask(taskId: string): Promise<Task | null> {
      if (!isId(taskId)) return null;
      const d = await Task.findById(oid(taskId)).lean<TaskDoc>();
      return d ? toTask(d) : null;
    },

    async tasksOfRoadmap(roadmapId: string, statuses?: Task['status'][]): Promise<Task[]> {
      // Equality only, the statuses kept in code: a $in beside it makes FerretDB read every task.
      const wanted = statuses ? new Set<string>(statuses) : null;
      return (await Task.find({ roadmapId: oid(roadmapId) }).lean<TaskDoc[]>()).filter((d) => !wanted || wanted.has(d.status)).map(toTask);
    },

    /** The tasks of a (regional) roadmap that belong to one municipality: its own and its organizations'. */
    async tasksOfRoadmapIn(roadmapId: string, municipalityId: string): Promise<Task[]> {
      return (await Task.find({ roadmapId: oid(roadmapId), municipalityId: oid(municipalityId) }).lean<TaskDoc[]>()).map(toTask);
    },

    /** Moves a task of this party from one of `from` to `to`, with what to record; null if it was not in `from`. */
    /** `nudgeFrom`: the UTC day from which the sweep looks at the task again (a returned task is nudged again). */
    async moveTask(taskId: string, targetId: string, from: Task['status'][], to: Task['status'], push: { submissions?: unknown; reviews?: unknown }, nudgeFrom?: string): Promise<Task | null> {
      if (!isId(taskId)) return null;
      const d = await Task.findOneAndUpdate(
        { _id: oid(taskId), targetId: oid(targetId), status: { $in: from } },
        // A task nudged again is looked at by the next sweep; any other status change takes it out of the sweep.
        { $set: { status: to, ...(nudgeFrom ? { nudgeDay: nudgeFrom } : {}) }, ...(nudgeFrom ? {} : { $unset: { nudgeDay: 1 } }), $push: push },
        { returnDocument: 'after' },
      ).lean<TaskDoc>();
      return d ? toTask(d) : null;
    },
  };
}

export type RoadmapRepository = ReturnType<typeof createRoadmapRepository>;
