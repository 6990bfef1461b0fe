import { createPeopleRepository } from '../../src/domain/people/people.repository';
import { openTestDb, seedTerritory, testClock } from '../helpers/services';

describe('invites and people against FerretDB', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
  });
  afterAll(async () => db.close());

  const redeem = (code: string, telegramId: number) =>
    db.services.people.redeemInvite({ code, telegramId, chatId: telegramId, fullName: 'Тест Тестов', position: 'директор', language: 'ru' });

  it('when two people redeem one head invite at the same moment, then exactly one is bound', async () => {
    for (let round = 0; round < 5; round++) {
      const invite = await db.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school1.id } });
      const results = await Promise.all([redeem(invite.code, 100 + round * 2), redeem(invite.code, 101 + round * 2)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual(['bound', 'used']);
      const bound = await Promise.all([db.services.people.getUser(100 + round * 2), db.services.people.getUser(101 + round * 2)]);
      expect(bound.filter((u) => u?.role === 'head')).toHaveLength(1);
      expect((await db.services.people.checkInvite(invite.code)).status).toBe('used');
    }
  });

  it('when the same person redeems twice at once, then they are bound once and the invite counts one use', async () => {
    const invite = await db.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school8.id } });
    const results = await Promise.all([redeem(invite.code, 200), redeem(invite.code, 200)]);
    expect(results.map((r) => r.status).sort()).toEqual(['already_bound', 'bound']);
    const invites = await db.services.people.listInvites({ scopeId: territory.school8.id });
    expect(invites.find((i) => i.code === invite.code)?.uses).toBe(1);
  });

  it('invites expire after the configured days and can be revoked once', async () => {
    const invite = await db.services.people.createInvite({ role: 'coordinator', scope: { level: 'region', id: territory.irkutsk.id }, ttlDays: 3 });
    expect(invite.expiresAt.getTime() - time.clock().getTime()).toBe(3 * 24 * 3600 * 1000);
    expect(invite.maxUses).toBe(0);
    time.advanceDays(3);
    expect((await db.services.people.checkInvite(invite.code)).status).toBe('expired');
    time.advanceDays(-3);
    expect(await db.services.people.revokeInvite(invite.code)).toBe('revoked');
    expect(await db.services.people.revokeInvite(invite.code)).toBe('already_revoked');
    expect(await db.services.people.revokeInvite('nonexistent12')).toBe('not_found');
  });

  it('a head invite cannot be made for a municipality, nor a coordinator invite for a school', async () => {
    await expect(db.services.people.createInvite({ role: 'head', scope: { level: 'municipality', id: territory.bodaibo.id } })).rejects.toThrow(
      'a head invite cannot be for a municipality',
    );
    await expect(db.services.people.createInvite({ role: 'coordinator', scope: { level: 'organization', id: territory.school1.id } })).rejects.toThrow();
  });

  it('make-admin works for someone the bot has not met yet and keeps a later registration', async () => {
    await db.services.people.makeAdmin(300);
    expect(await db.services.people.getUser(300)).toMatchObject({ isAdmin: true, role: undefined });
    const invite = await db.services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: territory.bodaibo.id } });
    await redeem(invite.code, 300);
    expect(await db.services.people.getUser(300)).toMatchObject({ isAdmin: true, role: 'coordinator' });
  });

  it('users are unique by Telegram id even when first written concurrently', async () => {
    const repo = createPeopleRepository(db.conn);
    await Promise.all([repo.setAdmin(400, true), repo.setAdmin(400, true), repo.setLanguage(400, 'en')]);
    const count = await db.conn.collection('users').countDocuments({ telegramId: 400 });
    expect(count).toBe(1);
  });
});

describe('limited multi-use invites', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
  });
  afterAll(async () => db.close());

  it('when five people race for an invite for three, then exactly three are bound and the rest are told it is used', async () => {
    const invite = await db.services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: territory.bodaibo.id }, maxUses: 3 });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        db.services.people.redeemInvite({ code: invite.code, telegramId: 500 + i, chatId: 500 + i, fullName: 'Тест Тестов', position: 'специалист', language: 'ru' }),
      ),
    );
    expect(results.filter((r) => r.status === 'bound')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'used')).toHaveLength(2);
    const [stored] = (await db.services.people.listInvites({ scopeId: territory.bodaibo.id })).filter((i) => i.code === invite.code);
    expect(stored?.uses).toBe(3);
  });
});
