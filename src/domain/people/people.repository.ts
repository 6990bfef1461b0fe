import { Types, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import type { Scope } from '../territory/territory.types';
import { peopleModels, type InviteDoc, type Language, type Role, type UserDoc } from './people.model';
import type { Invite, User } from './people.types';

const toScope = (s: { level: Scope['level']; id: Types.ObjectId }): Scope => ({ level: s.level, id: String(s.id) });
const fromScope = (s: Scope) => ({ level: s.level, id: new Types.ObjectId(s.id) });

const toUser = (d: UserDoc): User => ({
  telegramId: d.telegramId,
  chatId: d.chatId,
  fullName: d.fullName,
  position: d.position,
  role: d.role,
  scope: d.scope ? toScope(d.scope) : undefined,
  isAdmin: Boolean(d.isAdmin),
  language: d.language,
  registeredAt: d.registeredAt,
  ...(d.unreachableAt ? { unreachableAt: d.unreachableAt } : {}),
});

const toInvite = (d: InviteDoc): Invite => ({
  code: d.code,
  role: d.role,
  scope: toScope(d.scope),
  maxUses: d.maxUses,
  uses: d.uses,
  expiresAt: d.expiresAt,
  revokedAt: d.revokedAt,
  createdAt: d.createdAt,
});

/** Users, invites and redemptions; every write is one document, retries are made safe by unique indexes. */
export function createPeopleRepository(conn: Connection) {
  const { User: UserModel, Invite: InviteModel, Redemption: RedemptionModel } = peopleModels(conn);

  /** Upsert by telegramId; two first writes racing end in E11000 for one of them, which then updates. */
  async function upsertUser(telegramId: number, set: Record<string, unknown>): Promise<User> {
    for (let attempt = 0; ; attempt++) {
      try {
        await UserModel.updateOne({ telegramId }, { $set: set, $setOnInsert: { telegramId } }, { upsert: true });
        break;
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt >= 2) throw err;
      }
    }
    const d = await UserModel.findOne({ telegramId }).lean<UserDoc>();
    return toUser(d!);
  }

  return {
    async ensureIndexes(): Promise<void> {
      await Promise.all([UserModel.syncIndexes(), InviteModel.syncIndexes(), RedemptionModel.syncIndexes()]);
      // Users bound before scopeId existed get it now (a handful of documents, once).
      const stale = await UserModel.find({ scope: { $exists: true }, scopeId: { $exists: false } }, { telegramId: 1, scope: 1 }).lean<UserDoc[]>();
      for (const u of stale) if (u.scope) await UserModel.updateOne({ _id: u._id }, { $set: { scopeId: u.scope.id } });
    },

    async getUser(telegramId: number): Promise<User | null> {
      const d = await UserModel.findOne({ telegramId }).lean<UserDoc>();
      return d ? toUser(d) : null;
    },

    async bindUser(input: {
      telegramId: number;
      chatId: number;
      fullName: string;
      position: string;
      role: Role;
      scope: Scope;
      language: Language;
      consentVersion: string;
      inviteCode: string;
      now: Date;
    }): Promise<User> {
      return upsertUser(input.telegramId, {
        chatId: input.chatId,
        fullName: input.fullName,
        position: input.position,
        role: input.role,
        scope: fromScope(input.scope),
        scopeId: new Types.ObjectId(input.scope.id),
        language: input.language,
        consent: { version: input.consentVersion, at: input.now },
        inviteCode: input.inviteCode,
        registeredAt: input.now,
      });
    },

    /** Marks (a date) or clears (null) that Telegram refuses messages to this person. */
    async setUnreachable(telegramId: number, at: Date | null): Promise<void> {
      await UserModel.updateOne({ telegramId }, at ? { $set: { unreachableAt: at } } : { $unset: { unreachableAt: 1 } });
    },

    async setLanguage(telegramId: number, language: Language): Promise<void> {
      await UserModel.updateOne({ telegramId }, { $set: { language } });
    },

    async setAdmin(telegramId: number, isAdmin: boolean): Promise<User> {
      return upsertUser(telegramId, { isAdmin });
    },

    /** Removes a role held in a scope; null when the person does not hold exactly that role there. */
    async unbindUser(telegramId: number, role: Role, scopeId: string): Promise<User | null> {
      const d = await UserModel.findOneAndUpdate(
        { telegramId, role, scopeId: new Types.ObjectId(scopeId) },
        { $unset: { role: 1, scope: 1, scopeId: 1 } },
      ).lean<UserDoc>();
      return d ? toUser(d) : null;
    },

    async usersInScope(scopeId: string): Promise<User[]> {
      return (await UserModel.find({ scopeId: new Types.ObjectId(scopeId) }).lean<UserDoc[]>()).map(toUser);
    },

    async usersInScopes(scopeIds: string[]): Promise<User[]> {
      if (scopeIds.length === 0) return [];
      const ids = scopeIds.map((id) => new Types.ObjectId(id));
      return (await UserModel.find({ scopeId: { $in: ids } }).lean<UserDoc[]>()).map(toUser);
    },

    /** Everyone with this role (coordinators: a few hundred at most). */
    async usersWithRole(role: Role): Promise<User[]> {
      return (await UserModel.find({ role }).lean<UserDoc[]>()).map(toUser);
    },

    /** Inserts a new invite; false when the code is taken (the caller draws another). */
    async insertInvite(invite: Omit<Invite, 'uses' | 'revokedAt' | 'createdAt'> & { createdBy?: string }): Promise<Invite | null> {
      try {
        const d = await InviteModel.create({ ...invite, scope: fromScope(invite.scope), uses: 0 });
        return toInvite(d.toObject());
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
    },

    async getInvite(code: string): Promise<Invite | null> {
      const d = await InviteModel.findOne({ code }).lean<InviteDoc>();
      return d ? toInvite(d) : null;
    },

    async revokeInvite(code: string, now: Date): Promise<'revoked' | 'already_revoked' | 'not_found'> {
      const res = await InviteModel.updateOne({ code, revokedAt: null }, { $set: { revokedAt: now } });
      if (res.matchedCount === 1) return 'revoked';
      return (await InviteModel.exists({ code })) ? 'already_revoked' : 'not_found';
    },

    async listInvites(filter: { scopeId?: string } = {}): Promise<Invite[]> {
      const q = filter.scopeId ? { 'scope.id': new Types.ObjectId(filter.scopeId) } : {};
      return (await InviteModel.find(q).sort({ createdAt: -1 }).lean<InviteDoc[]>()).map(toInvite);
    },

    /**
     * Claims a use of an invite for a person. An invite for N people has slots n1..nN, one for unlimited use a slot
     * per person; both are unique per (code, slot) and per (code, person), so neither two people racing for the
     * last use nor one person pressing twice can go past the limit. Returns 'claimed' for a new claim, 'mine' when
     * this person already holds one, 'taken' when no slot is left.
     */
    async claimRedemption(code: string, maxUses: number, telegramId: number, now: Date): Promise<'claimed' | 'mine' | 'taken'> {
      const slots = maxUses > 0 ? Array.from({ length: maxUses }, (_, i) => `n${i + 1}`) : [`t${telegramId}`];
      for (const slot of slots) {
        try {
          await RedemptionModel.create({ code, slot, telegramId, at: now });
          await InviteModel.updateOne({ code }, { $inc: { uses: 1 } });
          return 'claimed';
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          if (await RedemptionModel.exists({ code, telegramId })) return 'mine';
        }
      }
      return 'taken';
    },

    async redemptionOf(code: string, telegramId: number) {
      return RedemptionModel.findOne({ code, telegramId }).lean();
    },
  };
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>;
