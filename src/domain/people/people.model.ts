import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A school's head, the school's mentoring curator (keeps the register for the head), a coordinator of a territory. */
export const ROLES = ['head', 'curator', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];
export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const SCOPE_LEVELS = ['organization', 'municipality', 'region'] as const;

interface ScopeDoc {
  level: (typeof SCOPE_LEVELS)[number];
  id: Types.ObjectId;
}

export interface UserDoc {
  _id: Types.ObjectId;
  telegramId: number;
  chatId?: number;
  fullName?: string;
  position?: string;
  role?: Role;
  scope?: ScopeDoc;
  /** scope.id again at the top level: FerretDB uses an index only for a top-level field. */
  scopeId?: Types.ObjectId;
  isAdmin: boolean;
  language?: Language;
  consent?: { version: string; at: Date };
  inviteCode?: string;
  registeredAt?: Date;
  /** Telegram said 403 (the person blocked the bot): nudges skip them until they write to the bot again. */
  unreachableAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface InviteDoc {
  _id: Types.ObjectId;
  code: string;
  role: Role;
  scope: ScopeDoc;
  maxUses: number; // 0 = any number of people until it expires or is revoked
  uses: number;
  expiresAt: Date;
  revokedAt?: Date;
  createdBy?: string;
  createdAt: Date;
}

export interface RedemptionDoc {
  _id: Types.ObjectId;
  code: string;
  slot: string;
  telegramId: number;
  at: Date;
}

const scopeSchema = new Schema<ScopeDoc>(
  { level: { type: String, enum: SCOPE_LEVELS, required: true }, id: { type: Schema.Types.ObjectId, required: true } },
  { _id: false },
);

const userSchema = new Schema<UserDoc>(
  {
    telegramId: { type: Number, required: true, unique: true },
    chatId: Number,
    fullName: String,
    position: String,
    role: { type: String, enum: ROLES },
    scope: scopeSchema,
    scopeId: Schema.Types.ObjectId,
    isAdmin: { type: Boolean, default: false },
    language: { type: String, enum: LANGUAGES },
    consent: { version: String, at: Date },
    inviteCode: String,
    registeredAt: Date,
    unreachableAt: Date,
  },
  { timestamps: true, collection: 'users' },
);
userSchema.index({ scopeId: 1 });
userSchema.index({ role: 1 });

const inviteSchema = new Schema<InviteDoc>(
  {
    code: { type: String, required: true, unique: true },
    role: { type: String, enum: ROLES, required: true },
    scope: { type: scopeSchema, required: true },
    maxUses: { type: Number, required: true },
    uses: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
    revokedAt: Date,
    createdBy: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'invites' },
);

const redemptionSchema = new Schema<RedemptionDoc>(
  {
    code: { type: String, required: true },
    slot: { type: String, required: true },
    telegramId: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'invite_redemptions' },
);
// The use limit: an invite has one slot per allowed use, so a redemption past the limit fails with E11000 even
// when two arrive at the same moment on two bot instances; and one person holds at most one slot.
redemptionSchema.index({ code: 1, slot: 1 }, { unique: true });
redemptionSchema.index({ code: 1, telegramId: 1 }, { unique: true });

export interface PeopleModels {
  User: Model<UserDoc>;
  Invite: Model<InviteDoc>;
  Redemption: Model<RedemptionDoc>;
}

export function peopleModels(conn: Connection): PeopleModels {
  return {
    User: (conn.models.User as Model<UserDoc>) ?? conn.model<UserDoc>('User', userSchema),
    Invite: (conn.models.Invite as Model<InviteDoc>) ?? conn.model<InviteDoc>('Invite', inviteSchema),
    Redemption: (conn.models.Redemption as Model<RedemptionDoc>) ?? conn.model<RedemptionDoc>('Redemption', redemptionSchema),
  };
}
