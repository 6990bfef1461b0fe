import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface AnswerDoc {
  /** `${roundKey}|${schoolId}`: one answer per school and round, replaced when the school answers again. */
  _id: string;
  roundKey: string;
  quarter: string;
  schoolId: Types.ObjectId;
  municipalityId: Types.ObjectId;
  regionId: Types.ObjectId;
  answeredAt: Date;
  answeredBy: number;
  programmes: number;
  /** By form code (fixed identifiers, never user text). */
  participants: Record<string, number>;
  wentWell: string | null;
  obstacles: string | null;
  satisfaction: number;
  siteSection: boolean;
  independentAssessment: boolean;
}

export interface RoundDoc {
  /** `${roundKey}|${municipalityId}`. */
  _id: string;
  roundKey: string;
  quarter: string;
  municipalityId: Types.ObjectId;
  regionId: Types.ObjectId;
  roadmapId: Types.ObjectId;
  itemId: Types.ObjectId;
  due: string;
  openedAt: Date;
  openedBy: number | string;
  announcedAt?: Date | null;
}

const answerSchema = new Schema<AnswerDoc>(
  {
    _id: String,
    roundKey: { type: String, required: true },
    quarter: { type: String, required: true },
    schoolId: { type: Schema.Types.ObjectId, required: true },
    municipalityId: { type: Schema.Types.ObjectId, required: true },
    regionId: { type: Schema.Types.ObjectId, required: true },
    answeredAt: Date,
    answeredBy: Number,
    programmes: Number,
    participants: Schema.Types.Mixed,
    wentWell: String,
    obstacles: String,
    satisfaction: Number,
    siteSection: Boolean,
    independentAssessment: Boolean,
  },
  { collection: 'monitoring_answers', versionKey: false },
);
// Equality on one top-level field each: a school's answers, a territory's, a round's.
answerSchema.index({ schoolId: 1 });
answerSchema.index({ municipalityId: 1 });
answerSchema.index({ regionId: 1 });
answerSchema.index({ roundKey: 1 });

const roundSchema = new Schema<RoundDoc>(
  {
    _id: String,
    roundKey: { type: String, required: true },
    quarter: { type: String, required: true },
    municipalityId: { type: Schema.Types.ObjectId, required: true },
    regionId: { type: Schema.Types.ObjectId, required: true },
    roadmapId: { type: Schema.Types.ObjectId, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    due: String,
    openedAt: Date,
    openedBy: Schema.Types.Mixed,
    announcedAt: Date,
  },
  { collection: 'monitoring_rounds', versionKey: false },
);
roundSchema.index({ roundKey: 1 });

export function monitoringModels(conn: Connection): { Answer: Model<AnswerDoc>; Round: Model<RoundDoc> } {
  const get = <T>(name: string, schema: Schema<T>) => (conn.models[name] as Model<T>) ?? conn.model<T>(name, schema);
  return { Answer: get('MonitoringAnswer', answerSchema), Round: get('MonitoringRound', roundSchema) };
}
