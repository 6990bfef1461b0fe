import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { COUNT_FIELDS, FORMS, PAIR_STATUSES } from './register.types';

export interface PersonDoc {
  _id: Types.ObjectId;
  schoolId: Types.ObjectId;
  kind: 'mentor' | 'mentee';
  code: string;
  name?: string;
  nameKey?: string;
  category: string;
  position?: string;
  age?: number;
  grade?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A person as a pair keeps them (see PersonCard), stored as JSON text on the pair. */
export interface CardDoc {
  code: string;
  name?: string;
  category: string;
  position?: string;
  age?: number;
  grade?: string;
}

export interface PairDoc {
  _id: Types.ObjectId;
  schoolId: Types.ObjectId;
  /** Copied from the school so that a municipality's or region's register is one equality query. */
  municipalityId: Types.ObjectId;
  regionId: Types.ObjectId;
  mentorId: Types.ObjectId;
  menteeId: Types.ObjectId;
  form: string;
  programme: string;
  startDate: string;
  endDate?: string;
  status: string;
  /**
   * Copies of the two people as JSON text (see CardDoc), so that a territory's export reads pairs only. Text, not
   * sub-documents: FerretDB's cost of reading a document grows with its fields (measured: 20,000 pairs in 1.5 s
   * plain, 1.7 s with two such strings, 2.8 s with two sub-documents).
   */
  mentorCard?: string;
  menteeCard?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CounterDoc {
  _id: string;
  seq: number;
}

export interface CountsDoc {
  _id: Types.ObjectId;
  schoolId: Types.ObjectId;
  values: Record<string, number>;
  reportedAt: Date;
  reportedBy: number;
}

export interface ConsentDoc {
  _id: Types.ObjectId;
  schoolId: Types.ObjectId;
  confirmedBy: number;
  confirmedAt: Date;
}

export interface AuditDoc {
  _id: Types.ObjectId;
  at: Date;
  actor: number;
  schoolId: Types.ObjectId;
  entity: 'pair' | 'person' | 'counts' | 'consent';
  entityId?: Types.ObjectId;
  action: 'create' | 'update' | 'end' | 'delete' | 'import' | 'confirm';
  /** [{ field, before, after }]: an array, since field names must not become document keys with dots. */
  changes: { field: string; before?: unknown; after?: unknown }[];
}

const personSchema = new Schema<PersonDoc>(
  {
    schoolId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['mentor', 'mentee'], required: true },
    code: { type: String, required: true },
    name: String,
    nameKey: String,
    category: { type: String, required: true },
    position: String,
    age: Number,
    grade: String,
  },
  { timestamps: true, collection: 'register_people' },
);
personSchema.index({ schoolId: 1, kind: 1, code: 1 }, { unique: true });
personSchema.index({ schoolId: 1, kind: 1, nameKey: 1 });
personSchema.index({ kind: 1, nameKey: 1 });

const pairSchema = new Schema<PairDoc>(
  {
    schoolId: { type: Schema.Types.ObjectId, required: true },
    municipalityId: { type: Schema.Types.ObjectId, required: true },
    regionId: { type: Schema.Types.ObjectId, required: true },
    mentorId: { type: Schema.Types.ObjectId, required: true },
    menteeId: { type: Schema.Types.ObjectId, required: true },
    form: { type: String, enum: FORMS, required: true },
    programme: { type: String, required: true },
    startDate: { type: String, required: true },
    endDate: String,
    status: { type: String, enum: PAIR_STATUSES, required: true },
    mentorCard: String,
    menteeCard: String,
  },
  { timestamps: true, collection: 'register_pairs' },
);
// One pair per mentor and mentee in a school: a re-import finds it and updates instead of duplicating.
pairSchema.index({ schoolId: 1, mentorId: 1, menteeId: 1 }, { unique: true });
pairSchema.index({ municipalityId: 1 });
pairSchema.index({ regionId: 1 });

const counterSchema = new Schema<CounterDoc>({ _id: String, seq: Number }, { collection: 'register_counters', versionKey: false });

const countsSchema = new Schema<CountsDoc>(
  {
    schoolId: { type: Schema.Types.ObjectId, required: true, unique: true },
    values: Object.fromEntries(COUNT_FIELDS.map((f) => [f, Number])),
    reportedAt: Date,
    reportedBy: Number,
  },
  { collection: 'register_counts' },
);

const consentSchema = new Schema<ConsentDoc>(
  {
    schoolId: { type: Schema.Types.ObjectId, required: true, unique: true },
    confirmedBy: Number,
    confirmedAt: Date,
  },
  { collection: 'register_consents' },
);

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    actor: { type: Number, required: true },
    schoolId: { type: Schema.Types.ObjectId, required: true },
    entity: { type: String, required: true },
    entityId: Schema.Types.ObjectId,
    action: { type: String, required: true },
    changes: [{ _id: false, field: String, before: Schema.Types.Mixed, after: Schema.Types.Mixed }],
  },
  { collection: 'register_audit', versionKey: false },
);
auditSchema.index({ schoolId: 1, at: -1 });

export interface RegisterModels {
  Person: Model<PersonDoc>;
  Pair: Model<PairDoc>;
  Counter: Model<CounterDoc>;
  Counts: Model<CountsDoc>;
  Consent: Model<ConsentDoc>;
  Audit: Model<AuditDoc>;
}

export function registerModels(conn: Connection): RegisterModels {
  const get = <T>(name: string, schema: Schema<T>) => (conn.models[name] as Model<T>) ?? conn.model<T>(name, schema);
  return {
    Person: get('RegisterPerson', personSchema),
    Pair: get('RegisterPair', pairSchema),
    Counter: get('RegisterCounter', counterSchema),
    Counts: get('RegisterCounts', countsSchema),
    Consent: get('RegisterConsent', consentSchema),
    Audit: get('RegisterAudit', auditSchema),
  };
}
