import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { FORMS } from '../register/register.types';
import { BANK_KINDS, EVENT_KINDS } from './mshn.types';

export interface FileDoc {
  fileId: string;
  fileName?: string;
  fileSize?: number;
  mimeType?: string;
}

export interface BankEntryDoc {
  _id: Types.ObjectId;
  kind: string;
  title: string;
  form: string;
  description: string;
  file?: FileDoc;
  link?: string;
  /** Copied from the school so that a municipality's or region's bank is one equality query. */
  schoolId: Types.ObjectId;
  municipalityId: Types.ObjectId;
  regionId: Types.ObjectId;
  submittedBy: number;
  submittedByName?: string;
  submittedAt: Date;
  /** Set by the dialogue that submits it: a retried save finds the entry instead of making a second one (absent on entries made before). */
  key?: string;
}

export interface EventDoc {
  _id: Types.ObjectId;
  kind: string;
  date: string;
  topic: string;
  file?: FileDoc;
  ownerLevel: 'municipality' | 'region';
  ownerId: Types.ObjectId;
  municipalityId?: Types.ObjectId;
  regionId: Types.ObjectId;
  recordedBy: number;
  recordedAt: Date;
  /** Set by the dialogue that records it: a retried save finds the event instead of recording it twice. */
  key: string;
  countedTaskId?: Types.ObjectId;
}

const fileSchema = new Schema<FileDoc>({ fileId: { type: String, required: true }, fileName: String, fileSize: Number, mimeType: String }, { _id: false });

const bankSchema = new Schema<BankEntryDoc>(
  {
    kind: { type: String, enum: BANK_KINDS, required: true },
    title: { type: String, required: true },
    form: { type: String, enum: FORMS, required: true },
    description: { type: String, required: true },
    file: fileSchema,
    link: String,
    schoolId: { type: Schema.Types.ObjectId, required: true },
    municipalityId: { type: Schema.Types.ObjectId, required: true },
    regionId: { type: Schema.Types.ObjectId, required: true },
    submittedBy: { type: Number, required: true },
    submittedByName: String,
    submittedAt: { type: Date, required: true },
    key: String,
  },
  { collection: 'mshn_bank', versionKey: false },
);
// Top-level equality fields only: FerretDB uses an index for nothing else.
bankSchema.index({ schoolId: 1 });
bankSchema.index({ municipalityId: 1 });
bankSchema.index({ regionId: 1 });
// Not unique: entries made before the key have none.
bankSchema.index({ key: 1 });

const eventSchema = new Schema<EventDoc>(
  {
    kind: { type: String, enum: EVENT_KINDS, required: true },
    date: { type: String, required: true },
    topic: { type: String, required: true },
    file: fileSchema,
    ownerLevel: { type: String, enum: ['municipality', 'region'], required: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    municipalityId: Schema.Types.ObjectId,
    regionId: { type: Schema.Types.ObjectId, required: true },
    recordedBy: { type: Number, required: true },
    recordedAt: { type: Date, required: true },
    key: { type: String, required: true },
    countedTaskId: Schema.Types.ObjectId,
  },
  { collection: 'mshn_events', versionKey: false },
);
eventSchema.index({ key: 1 }, { unique: true });
eventSchema.index({ ownerId: 1 });
eventSchema.index({ regionId: 1 });

export function mshnModels(conn: Connection) {
  return {
    BankEntry: (conn.models.MshnBankEntry as Model<BankEntryDoc> | undefined) ?? conn.model<BankEntryDoc>('MshnBankEntry', bankSchema),
    Event: (conn.models.MshnEvent as Model<EventDoc> | undefined) ?? conn.model<EventDoc>('MshnEvent', eventSchema),
  };
}
