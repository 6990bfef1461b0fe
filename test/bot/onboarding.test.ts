import { createHarness, type Harness } from '../helpers/harness';
import { callbackUpdate, person, photoUpdate, textUpdate } from '../helpers/fake-telegram';
import { seedTerritory } from '../helpers/services';
import { CONSENT_DATA } from '../../src/bot/conversations/onboarding';

describe('onboarding by invite', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  const headInvite = () =>
    h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school1.id } });

  it('when a head opens the link and agrees, then the bot binds them to the school and shows their menu', async () => {
    const head = person(5001);
    const invite = await headInvite();
    await h.send(head, `/start ${invite.code}`);
    const greeting = h.telegram.textsTo(head.id);
    expect(greeting[0]).toContain('руководитель образовательной организации');
    expect(greeting[0]).toContain('Средняя общеобразовательная школа № 1 г. Бодайбо');
    expect(greeting[0]).toContain('г. Бодайбо и район, Иркутская область');
    expect(h.telegram.lastTextTo(head.id)).toContain('фамилию, имя и отчество');

    await h.send(head, 'Иванова   Мария Петровна');
    expect(h.telegram.lastTextTo(head.id)).toContain('должность');
    await h.send(head, 'директор');
    const consent = h.telegram.lastTextTo(head.id);
    expect(consent).toContain('ФИО: Иванова Мария Петровна');
    expect(consent).toContain('Должность: директор');
    expect(consent).toContain('152-ФЗ');
    expect(consent).toMatch(/Что хранится/);
    expect(consent).toMatch(/Как отозвать согласие/);
    // Nothing is stored before the person agrees.
    expect(await h.services.people.getUser(head.id)).toBeNull();

    await h.press(head, CONSENT_DATA.agree);
    expect(h.telegram.lastTextTo(head.id)).toContain('Готово! Вы зарегистрированы.');
    const user = await h.services.people.getUser(head.id);
    expect(user).toMatchObject({
      fullName: 'Иванова Мария Петровна',
      position: 'директор',
      role: 'head',
      scope: { level: 'organization', id: territory.school1.id },
      language: 'ru',
    });
    const menu = h.telegram.callsOf('setMyCommands').pop()!;
    expect(menu.payload.scope).toEqual({ type: 'chat', chat_id: head.id });
    expect(menu.payload.commands.map((c: { command: string }) => c.command)).toEqual(['status', 'indicators', 'tasks', 'mentors', 'counts', 'practice', 'template', 'export', 'curators', 'me', 'help', 'lang', 'cancel']);

    h.telegram.clear();
    await h.send(head, '/me');
    const me = h.telegram.lastTextTo(head.id);
    expect(me).toContain('Иванова Мария Петровна');
    expect(me).toContain('Должность: директор');
    expect(me).toContain('Средняя общеобразовательная школа № 1');
    expect(me).toContain('Asia/Irkutsk');
  });

  it('when an English-speaking coordinator registers, then every message is in English', async () => {
    const coordinator = person(5002, 'en', 'John');
    const invite = await h.services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: territory.bodaibo.id } });
    await h.send(coordinator, `/start ${invite.code}`);
    expect(h.telegram.textsTo(coordinator.id)[0]).toContain('This invite is for the role: municipal coordinator');
    await h.send(coordinator, 'Petrov Ivan');
    await h.send(coordinator, 'Head of the mentoring school');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Federal Law No. 152-FZ');
    await h.press(coordinator, CONSENT_DATA.agree);
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('You are registered');
    const user = await h.services.people.getUser(coordinator.id);
    expect(user).toMatchObject({ role: 'coordinator', scope: { level: 'municipality', id: territory.bodaibo.id }, language: 'en' });
    const menu = h.telegram.callsOf('setMyCommands').pop()!;
    expect(menu.payload.commands.map((c: { command: string }) => c.command)).toEqual(['status', 'overdue', 'schools', 'indicators', 'tasks', 'review', 'roadmap', 'request', 'monitoring', 'report', 'reminders', 'settings', 'mentors', 'counts', 'banks', 'meeting', 'export', 'orgs', 'invite', 'me', 'help', 'lang', 'cancel']);
    expect(menu.payload.commands.find((c: { command: string }) => c.command === 'help').description).toBe('What the bot can do');
  });

  it('when a name or position is bad, then the bot explains and keeps what was already typed', async () => {
    const head = person(5003);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.kindergarten5.id } });
    await h.send(head, `/start ${invite.code}`);
    await h.send(head, 'Иванова');
    expect(h.telegram.lastTextTo(head.id)).toBe('Укажите хотя бы фамилию и имя — два слова.');
    await h.send(head, 'Иванова 123');
    expect(h.telegram.lastTextTo(head.id)).toContain('только буквы');
    await h.handle(photoUpdate(head));
    expect(h.telegram.lastTextTo(head.id)).toBe('Пожалуйста, ответьте текстовым сообщением.');
    await h.send(head, 'Сидорова Анна Ильинична');
    await h.send(head, '1');
    expect(h.telegram.lastTextTo(head.id)).toBe('Слишком короткое название должности.');
    await h.send(head, 'заведующий');
    expect(h.telegram.lastTextTo(head.id)).toContain('ФИО: Сидорова Анна Ильинична');
    // A message instead of a button press is answered and the consent stays open.
    await h.send(head, 'да');
    expect(h.telegram.lastTextTo(head.id)).toContain('Нажмите одну из кнопок');
    await h.press(head, CONSENT_DATA.edit);
    expect(h.telegram.lastTextTo(head.id)).toContain('фамилию, имя и отчество');
    await h.send(head, 'Сидорова Анна Ильинична');
    await h.send(head, 'заведующая');
    await h.press(head, CONSENT_DATA.agree);
    expect((await h.services.people.getUser(head.id))?.position).toBe('заведующая');
  });

  it('when the person declines consent, then nothing is stored and the invite still works', async () => {
    const head = person(5004);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school8.id } });
    await h.send(head, `/start ${invite.code}`);
    await h.send(head, 'Орлова Елена Викторовна');
    await h.send(head, 'директор');
    await h.press(head, CONSENT_DATA.decline);
    expect(h.telegram.lastTextTo(head.id)).toContain('регистрация невозможна');
    expect(await h.services.people.getUser(head.id)).toBeNull();
    expect((await h.services.people.checkInvite(invite.code)).status).toBe('ok');
  });

  it('when /cancel is sent in the middle, then the dialogue ends and later text is not taken as an answer', async () => {
    const head = person(5005);
    const invite = await headInvite();
    await h.send(head, `/start ${invite.code}`);
    await h.send(head, 'Кузнецова Ольга Игоревна');
    await h.send(head, '/cancel');
    expect(h.telegram.lastTextTo(head.id)).toBe('Диалог отменён. Введённые в нём данные не сохранены.');
    await h.send(head, 'директор');
    expect(h.telegram.lastTextTo(head.id)).toContain('Я пока не знаю вас');
    await h.send(head, '/cancel');
    expect(h.telegram.lastTextTo(head.id)).toBe('Сейчас нечего отменять.');
    expect(await h.services.people.getUser(head.id)).toBeNull();
  });

  it('when the bot restarts in the middle of onboarding, then the next answer continues the dialogue', async () => {
    // Every update in this harness is handled by a new bot instance over the same Redis; here we also
    // drop the process's module-level state by building each bot explicitly.
    const head = person(5006);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.kindergarten5.id } });
    await h.newBot().handleUpdate(textUpdate(head, `/start ${invite.code}`));
    await h.newBot().handleUpdate(textUpdate(head, 'Морозова Вера Павловна'));
    expect(h.telegram.lastTextTo(head.id)).toContain('должность');
    const keys = await h.redis.keys('*');
    expect(keys.some((k) => k.endsWith(`conversation:${head.id}`))).toBe(true);
    await h.newBot().handleUpdate(textUpdate(head, 'заместитель директора по УВР'));
    expect(h.telegram.lastTextTo(head.id)).toContain('ФИО: Морозова Вера Павловна');
  });

  it('when the consent button is pressed twice, then the person is bound once', async () => {
    const head = person(5007);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school8.id } });
    await h.send(head, `/start ${invite.code}`);
    await h.send(head, 'Белова Ирина Сергеевна');
    await h.send(head, 'директор');
    const [agree] = h.telegram.lastButtons(head.id);
    await Promise.all([
      h.newBot().handleUpdate(callbackUpdate(head, CONSENT_DATA.agree, agree!.messageId)),
      h.newBot().handleUpdate(callbackUpdate(head, CONSENT_DATA.agree, agree!.messageId)),
    ]);
    const done = h.telegram.textsTo(head.id).filter((t) => t.startsWith('Готово!'));
    expect(done).toHaveLength(1);
    const stored = await h.services.people.listInvites({ scopeId: territory.school8.id });
    expect(stored.find((i) => i.code === invite.code)?.uses).toBe(1);
    expect(h.telegram.callsOf('answerCallbackQuery')).toHaveLength(2);
    expect((await h.services.people.getUser(head.id))?.role).toBe('head');
  });
});
