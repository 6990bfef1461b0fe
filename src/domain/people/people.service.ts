import type { Clock } from '../shared/clock';
import { createTtlCache } from '../shared/ttl-cache';
import type { TerritoryService } from '../territory/territory.service';
import type { Scope, ScopeView } from '../territory/territory.types';
import { generateInviteCode, normalizeInviteCode } from './invite-code';
import type { Language, Role } from './people.model';
import type { PeopleRepository } from './people.repository';
import type { Invite, User } from './people.types';

/** Bumped whenever the consent text in locales/ changes, so we know which text each person agreed to. */
export const CONSENT_VERSION = '2026-11-23';

export type InviteCheck =
  | { status: 'ok'; invite: Invite; scope: ScopeView }
  | { status: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'used' | 'scope_gone' };

export type RedeemResult =
  | { status: 'bound'; user: User; scope: ScopeView }
  | { status: 'already_bound'; user: User; scope: ScopeView }
  | { status: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'used' | 'scope_gone' };

const ROLE_LEVELS: Record<Role, Scope['level'][]> = {
  head: ['organization'],
  curator: ['organization'],
  coordinator: ['municipality', 'region'],
};

export class InviteScopeError extends Error {
  constructor(role: Role, level: Scope['level']) {
    super(`a ${role} invite cannot be for a ${level}`);
    this.name = 'InviteScopeError';
  }
}

export interface PeopleServiceOptions {
  clock: Clock;
  inviteTtlDays: number;
  /**
   * How long a user record read for an update may be reused (every update needs it). Writes made through this
   * service are seen at once; a change made by another process (the CLI, another instance) within this time.
   */
  userCacheMs?: number;
}

/** Invites, onboarding and the people the bot knows. */
export function createPeopleService(repo: PeopleRepository, territory: TerritoryService, options: PeopleServiceOptions) {
  const { clock } = options;
  const users = createTtlCache<number, User | null>({ ttlMs: options.userCacheMs ?? 5000, maxEntries: 50_000 });

  async function check(rawCode: string, telegramId?: number): Promise<InviteCheck & { code?: string }> {
    const code = normalizeInviteCode(rawCode);
    if (!code) return { status: 'malformed' };
    const invite = await repo.getInvite(code);
    if (!invite) return { status: 'unknown' };
    if (invite.revokedAt) return { status: 'revoked' };
    if (invite.expiresAt.getTime() <= clock().getTime()) return { status: 'expired' };
    if (invite.maxUses > 0 && invite.uses >= invite.maxUses) {
      // The one who used it may open the link again and must not be told it is "used by someone".
      const mine = telegramId !== undefined && (await repo.redemptionOf(code, telegramId));
      if (!mine) return { status: 'used' };
    }
    const scope = await territory.describeScope(invite.scope);
    if (!scope) return { status: 'scope_gone' };
    return { status: 'ok', invite, scope, code };
  }

  async function createInvite(input: {
    role: Role;
    scope: Scope;
    maxUses?: number;
    ttlDays?: number;
    createdBy?: string;
  }): Promise<Invite> {
    if (!ROLE_LEVELS[input.role].includes(input.scope.level)) throw new InviteScopeError(input.role, input.scope.level);
    const ttlDays = input.ttlDays ?? options.inviteTtlDays;
    const expiresAt = new Date(clock().getTime() + ttlDays * 24 * 60 * 60 * 1000);
    const maxUses = input.maxUses ?? (input.role === 'coordinator' ? 0 : 1);
    for (let attempt = 0; attempt < 5; attempt++) {
      const invite = await repo.insertInvite({
        code: generateInviteCode(),
        role: input.role,
        scope: input.scope,
        maxUses,
        expiresAt,
        createdBy: input.createdBy,
      });
      if (invite) return invite;
    }
    throw new Error('could not draw a free invite code in 5 attempts');
  }

  async function peopleOf(organizationIds: string[], role: Role): Promise<Map<string, User[]>> {
    const found = await repo.usersInScopes(organizationIds);
    const map = new Map<string, User[]>();
    for (const u of found) {
      if (u.role !== role || !u.scope) continue;
      map.set(u.scope.id, [...(map.get(u.scope.id) ?? []), u]);
    }
    return map;
  }

  return {
    getUser(telegramId: number): Promise<User | null> {
      return users.get(telegramId, () => repo.getUser(telegramId));
    },

    /** What a person sees before onboarding: is the invite usable, and what is it for. */
    checkInvite(rawCode: string, telegramId?: number): Promise<InviteCheck> {
      return check(rawCode, telegramId);
    },

    createInvite,

    async revokeInvite(rawCode: string): Promise<'revoked' | 'already_revoked' | 'not_found'> {
      const code = normalizeInviteCode(rawCode);
      if (!code) return 'not_found';
      return repo.revokeInvite(code, clock());
    },

    listInvites: repo.listInvites,

    /**
     * Binds a Telegram account to the invite's role and scope after consent. Safe to call twice (a double press,
     * a retry after a crash): the second call finds the person's own redemption and reports 'already_bound'.
     */
    async redeemInvite(input: {
      code: string;
      telegramId: number;
      chatId: number;
      fullName: string;
      position: string;
      language: Language;
    }): Promise<RedeemResult> {
      const checked = await check(input.code, input.telegramId);
      if (checked.status !== 'ok' || !checked.code) return { status: checked.status === 'ok' ? 'unknown' : checked.status };
      const { invite, scope } = checked;
      const claim = await repo.claimRedemption(checked.code, invite.maxUses, input.telegramId, clock());
      if (claim === 'taken') return { status: 'used' };
      const existing = claim === 'mine' ? await repo.getUser(input.telegramId) : null;
      if (existing?.role === invite.role && existing.scope?.id === invite.scope.id) {
        return { status: 'already_bound', user: existing, scope };
      }
      // Either the first claim, or a repeat whose first attempt did not get as far as binding (a crash, a press
      // racing on another instance): binding is an idempotent upsert, so doing it again is safe.
      users.delete(input.telegramId);
      const user = await repo.bindUser({
        telegramId: input.telegramId,
        chatId: input.chatId,
        fullName: input.fullName,
        position: input.position,
        role: invite.role,
        scope: invite.scope,
        language: input.language,
        consentVersion: CONSENT_VERSION,
        inviteCode: checked.code,
        now: clock(),
      });
      users.delete(input.telegramId); // again: a read racing the write may have cached the old record
      if (claim === 'mine') return { status: 'already_bound', user, scope };
      return { status: 'bound', user, scope };
    },

    /** Telegram said the person blocked the bot: nudges skip them until they write again. */
    async markUnreachable(telegramId: number): Promise<void> {
      await repo.setUnreachable(telegramId, clock());
      users.delete(telegramId);
    },

    /** The person wrote to the bot: they can be reached again. */
    async markReachable(telegramId: number): Promise<void> {
      await repo.setUnreachable(telegramId, null);
      users.delete(telegramId);
    },

    async setLanguage(telegramId: number, language: Language): Promise<void> {
      await repo.setLanguage(telegramId, language);
      users.delete(telegramId);
    },

    async makeAdmin(telegramId: number): Promise<User> {
      const user = await repo.setAdmin(telegramId, true);
      users.delete(telegramId);
      return user;
    },

    async describeUserScope(user: User): Promise<ScopeView | null> {
      return user.scope ? territory.describeScope(user.scope) : null;
    },

    /** Heads already registered for each organization of a list, for a coordinator's overview. */
    async headsByOrganization(organizationIds: string[]): Promise<Map<string, User[]>> {
      return peopleOf(organizationIds, 'head');
    },

    /** Everyone the bot knows in one scope (an organization's head and curators, a territory's coordinators). */
    usersIn(scopeId: string): Promise<User[]> {
      return repo.usersInScope(scopeId);
    },

    /** Everyone the bot knows in any of these scopes, in one query. */
    usersInScopes(scopeIds: string[]): Promise<User[]> {
      return repo.usersInScopes(scopeIds);
    },

    /** Every coordinator (for their weekly digests). */
    coordinators(): Promise<User[]> {
      return repo.usersWithRole('coordinator');
    },

    /** The people of one school in the bot: its head(s) and its mentoring curators. */
    async schoolPeople(schoolId: string): Promise<{ heads: User[]; curators: User[] }> {
      const users = await repo.usersInScope(schoolId);
      const sort = (list: User[]) => list.sort((a, b) => (a.registeredAt?.getTime() ?? 0) - (b.registeredAt?.getTime() ?? 0));
      return {
        heads: sort(users.filter((u) => u.role === 'head' && u.scope?.level === 'organization')),
        curators: sort(users.filter((u) => u.role === 'curator' && u.scope?.level === 'organization')),
      };
    },

    /** A school's head invites a mentoring curator of the same school: a single-use link. */
    inviteCurator(schoolId: string, byTelegramId: number): Promise<Invite> {
      return createInvite({ role: 'curator', scope: { level: 'organization', id: schoolId }, createdBy: `telegram:${byTelegramId}` });
    },

    /**
     * Takes the curator's role away (the head's decision): the person stays known to the bot as a guest, with
     * their language. Only a curator of this very school is affected; returns the person, or null if they are
     * not (or no longer) a curator there.
     */
    async removeCurator(schoolId: string, telegramId: number): Promise<User | null> {
      const removed = await repo.unbindUser(telegramId, 'curator', schoolId);
      users.delete(telegramId);
      return removed;
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
