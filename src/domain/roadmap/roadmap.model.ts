import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface RoadmapDoc {
  _id: Types.ObjectId;
  owner: { level: 'municipality' | 'region'; id: Types.ObjectId };
  title: string;
  /** The title's name key: importing the same roadmap again finds this one. */
  titleKey: string;
  period: { start: string; end: string };
  referenceDate: string;
  fileName?: string;
  publishedBy: number | string;
  publishedAt: Date;
  /** The coordinator's reminder policy for this roadmap (/settings), as JSON text; absent: the default. */
  policy?: string;
}

export interface ItemDoc {
  _id: Types.ObjectId;
  roadmapId: Types.ObjectId;
  key: string;
  position: number;
  number: string;
  section: string | null;
  sectionNumber: string | null;
  name: string;
  deadline: string;
  responsible: string;
  documentKind: string;
  result: string;
  /** Assignments with their schedules, as JSON text (FerretDB reads a document slower the more fields it has). */
  assignments: string;
  gaps: string[];
}

export interface TaskDoc {
  _id: Types.ObjectId;
  roadmapId: Types.ObjectId;
  itemId: Types.ObjectId;
  target: { level: 'organization' | 'municipality' | 'coordinator'; id: Types.ObjectId };
  /**
   * A copy of target.id at the top level: FerretDB serves only top-level equality from an index, and a party's
   * tasks (/tasks, a head's /status) are read by it (315 ms by target.id against a few ms, 6,000 tasks).
   */
  targetId?: Types.ObjectId;
  municipalityId?: Types.ObjectId;
  regionId: Types.ObjectId;
  /** One task per item, party and occurrence: the fan-out is an idempotent upsert on this key. */
  key: string;
  due: string | null;
  start: string | null;
  status: 'open' | 'submitted' | 'accepted' | 'returned';
  /** The UTC day of the task's next planned nudge: the sweep finds due tasks by equality on it (an index). */
  nudgeDay?: string | null;
  submissions: { at: Date; by: number; evidence: Record<string, unknown>[] }[];
  reviews: { at: Date; by: number; decision: 'accepted' | 'returned'; reason?: string }[];
  createdAt: Date;
  updatedAt: Date;
}

const roadmapSchema = new Schema<RoadmapDoc>(
  {
    owner: { level: { type: String, required: true }, id: { type: Schema.Types.ObjectId, required: true } },
    title: { type: String, required: true },
    titleKey: { type: String, required: true },
    period: { start: String, end: String },
    referenceDate: String,
    fileName: String,
    publishedBy: Schema.Types.Mixed,
    publishedAt: Date,
    policy: String,
  },
  { collection: 'roadmaps', versionKey: false },
);
roadmapSchema.index({ 'owner.id': 1, titleKey: 1 }, { unique: true });

const itemSchema = new Schema<ItemDoc>(
  {
    roadmapId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    position: Number,
    number: String,
    section: String,
    sectionNumber: String,
    name: { type: String, required: true },
    deadline: String,
    responsible: String,
    documentKind: String,
    result: String,
    assignments: String,
    gaps: [String],
  },
  { collection: 'roadmap_items', versionKey: false },
);
itemSchema.index({ roadmapId: 1, key: 1 }, { unique: true });

const taskSchema = new Schema<TaskDoc>(
  {
    roadmapId: { type: Schema.Types.ObjectId, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    target: { level: { type: String, required: true }, id: { type: Schema.Types.ObjectId, required: true } },
    targetId: Schema.Types.ObjectId,
    municipalityId: Schema.Types.ObjectId,
    regionId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    due: String,
    start: String,
    status: { type: String, required: true },
    nudgeDay: String,
    submissions: [Schema.Types.Mixed],
    reviews: [Schema.Types.Mixed],
  },
  { collection: 'roadmap_tasks', timestamps: true, versionKey: false },
);
taskSchema.index({ key: 1 }, { unique: true });
taskSchema.index({ targetId: 1 });
taskSchema.index({ nudgeDay: 1 });
taskSchema.index({ itemId: 1, due: 1 });
taskSchema.index({ roadmapId: 1, due: 1 });

export interface RoadmapModels {
  Roadmap: Model<RoadmapDoc>;
  Item: Model<ItemDoc>;
  Task: Model<TaskDoc>;
}

export function roadmapModels(conn: Connection): RoadmapModels {
  const get = <T>(name: string, schema: Schema<T>) => (conn.models[name] as Model<T>) ?? conn.model<T>(name, schema);
  return { Roadmap: get('Roadmap', roadmapSchema), Item: get('RoadmapItem', itemSchema), Task: get('RoadmapTask', taskSchema) };
}
