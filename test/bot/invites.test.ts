import { CONSENT_DATA } from '../../src/bot/conversations/onboarding';
import { person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

describe('bad invites get a clear answer and no crash', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  const headInvite = () => h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school1.id } });
  const register = async (id: number, code: string) => {
    const who = person(id);
    await h.send(who, `/start ${code}`);
    await h.send(who, 'Смирнова Дарья Олеговна');
    await h.send(who, 'директор');
    await h.press(who, CONSENT_DATA.agree);
    return who;
  };

  it('when /start has no code, then the bot explains how to get an invite', async () => {
    const guest = person(6001);
    await h.send(guest, '/start');
    expect(h.telegram.lastTextTo(guest.id)).toContain('нужна персональная ссылка-приглашение');
    expect(h.telegram.lastTextTo(guest.id)).toContain('координатор');
  });

  it.each([
    ['malformed', 'abc', 'Ссылка-приглашение повреждена'],
    ['malformed with odd characters', '../../etc', 'Ссылка-приглашение повреждена'],
    ['unknown', 'zzzzzzzzzzzz', 'Такого приглашения нет'],
  ])('when the code is %s, then the bot says so', async (_case, code, expected) => {
    const guest = person(6002);
    await h.send(guest, `/start ${code}`);
    expect(h.telegram.lastTextTo(guest.id)).toContain(expected);
    expect(h.telegram.textsTo(guest.id)).toHaveLength(1);
  });

  it('when the invite has expired, then the bot says to ask for a new one', async () => {
    const invite = await headInvite();
    h.time.advanceDays(15);
    try {
      const guest = person(6003);
      await h.send(guest, `/start ${invite.code}`);
      expect(h.telegram.lastTextTo(guest.id)).toBe(
        'Срок действия приглашения истёк. Попросите того, кто его выдал (координатора или руководителя организации), прислать новую ссылку.',
      );
    } finally {
      h.time.advanceDays(-15);
    }
  });

  it('when the invite expires while the person is typing, then agreeing says it expired and binds nothing', async () => {
    const invite = await headInvite();
    const guest = person(6004);
    await h.send(guest, `/start ${invite.code}`);
    await h.send(guest, 'Смирнова Дарья Олеговна');
    await h.send(guest, 'директор');
    h.time.advanceDays(15);
    try {
      await h.press(guest, CONSENT_DATA.agree);
      expect(h.telegram.lastTextTo(guest.id)).toContain('Срок действия приглашения истёк');
      expect(await h.services.people.getUser(guest.id)).toBeNull();
    } finally {
      h.time.advanceDays(-15);
    }
  });

  it('when the invite was revoked, then the bot says so', async () => {
    const invite = await headInvite();
    expect(await h.services.people.revokeInvite(invite.code)).toBe('revoked');
    const guest = person(6005);
    await h.send(guest, `/start ${invite.code}`);
    expect(h.telegram.lastTextTo(guest.id)).toContain('отозвано');
  });

  it('when a head invite was used by someone else, then a second person is refused, and the first is recognised', async () => {
    const invite = await headInvite();
    const first = await register(6006, invite.code);
    expect(h.telegram.lastTextTo(first.id)).toContain('Готово!');

    const second = person(6007);
    await h.send(second, `/start ${invite.code}`);
    expect(h.telegram.lastTextTo(second.id)).toContain('уже зарегистрировался другой человек');

    await h.send(first, `/start ${invite.code}`);
    expect(h.telegram.lastTextTo(first.id)).toContain('Вы уже зарегистрированы по этому приглашению');
  });

  it('when two people fill in the same head invite at once, then only the first to agree is bound', async () => {
    const invite = await headInvite();
    const a = person(6008);
    const b = person(6009);
    for (const who of [a, b]) {
      await h.send(who, `/start ${invite.code}`);
      await h.send(who, 'Лебедева Нина Юрьевна');
      await h.send(who, 'директор');
    }
    await h.press(a, CONSENT_DATA.agree);
    await h.press(b, CONSENT_DATA.agree);
    expect(h.telegram.lastTextTo(a.id)).toContain('Готово!');
    expect(h.telegram.lastTextTo(b.id)).toContain('уже зарегистрировался другой человек');
    expect(await h.services.people.getUser(b.id)).toBeNull();
  });

  it('when a coordinator invite is shared by two specialists, then both are bound to the municipality', async () => {
    const invite = await h.services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: territory.artemovsky.id } });
    await register(6010, invite.code);
    await register(6011, invite.code);
    for (const id of [6010, 6011]) {
      expect(await h.services.people.getUser(id)).toMatchObject({ role: 'coordinator', scope: { id: territory.artemovsky.id } });
    }
  });

  it('when a guest pastes the whole link as a message, then onboarding starts', async () => {
    const invite = await headInvite();
    const guest = person(6012);
    await h.send(guest, `https://t.me/cmn_test_bot?start=${invite.code}`);
    expect(h.telegram.textsTo(guest.id)[0]).toContain('Приглашение для роли: руководитель образовательной организации');
  });

  it('when a head opens a coordinator invite, then the greeting warns that the role will change', async () => {
    const invite = await headInvite();
    const head = await register(6013, invite.code);
    const coordinatorInvite = await h.services.people.createInvite({ role: 'coordinator', scope: { level: 'region', id: territory.irkutsk.id } });
    h.telegram.clear();
    await h.send(head, `/start ${coordinatorInvite.code}`);
    const greeting = h.telegram.textsTo(head.id)[0]!;
    expect(greeting).toContain('региональный координатор');
    expect(greeting).toContain('Сейчас вы зарегистрированы как руководитель образовательной организации');
  });
});
