import { Writable } from 'node:stream';
import { CONSENT_DATA } from '../../src/bot/conversations/onboarding';
import type { Services } from '../../src/domain/services';
import { createLogger } from '../../src/logger';
import { callbackUpdate, person, TEST_TOKEN, textUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

describe('everyday commands', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const logLines: string[] = [];
  const coordinator = person(8001);
  const head = person(8002);

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    h = await createHarness({ logger: createLogger('info', sink) });
    territory = await seedTerritory(h.services);
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Григорьева Алла Викторовна');
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванов Пётр Сергеевич');
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('/help tells each role its own commands', async () => {
    await h.send(head, '/help');
    expect(h.telegram.lastTextTo(head.id)).toContain('Вы — руководитель образовательной организации');
    expect(h.telegram.lastTextTo(head.id)).not.toContain('/orgs');
    await h.send(coordinator, '/help');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('/orgs');
    const guest = person(8003);
    await h.send(guest, '/help');
    expect(h.telegram.lastTextTo(guest.id)).toContain('Вы ещё не зарегистрированы');
  });

  it('/lang switches to English: the reply, the menu and later answers follow, and it is remembered', async () => {
    await h.send(head, '/lang');
    const buttons = h.telegram.lastButtons(head.id);
    expect(buttons.map((b) => b.text)).toEqual(['Русский', 'English']);
    await h.press(head, 'lang:en');
    expect(h.telegram.lastTextTo(head.id)).toBe('Language switched: English.');
    const menu = h.telegram.callsOf('setMyCommands').pop()!;
    expect(menu.payload.scope).toEqual({ type: 'chat', chat_id: head.id });
    expect(menu.payload.commands).toContainEqual({ command: 'help', description: 'What the bot can do' });
    expect((await h.services.people.getUser(head.id))?.language).toBe('en');
    await h.send(head, '/me');
    expect(h.telegram.lastTextTo(head.id)).toContain('Position: директор');
    await h.send(head, '/lang');
    await h.press(head, 'lang:ru');
    expect(h.telegram.lastTextTo(head.id)).toBe('Язык переключён: русский.');
  });

  it('/lang works for a guest too, before they register', async () => {
    const guest = person(8004);
    await h.send(guest, '/lang');
    await h.press(guest, 'lang:en');
    await h.send(guest, '/start');
    expect(h.telegram.lastTextTo(guest.id)).toContain('you need a personal invite link');
  });

  it('/orgs shows a coordinator the organizations of their municipality and who has registered', async () => {
    await h.send(coordinator, '/orgs');
    const text = h.telegram.lastTextTo(coordinator.id);
    expect(text).toContain('Организации (2):');
    expect(text).toContain('МБОУ СОШ № 1 — руководитель: Иванов Пётр Сергеевич');
    expect(text).toContain('МКДОУ д/с № 5 — руководитель не зарегистрирован');
    expect(text).not.toContain('МАОУ СОШ № 8'); // another municipality
  });

  it('/invite lets a coordinator issue a head invite that a head can then use', async () => {
    await h.send(coordinator, '/invite');
    const buttons = h.telegram.lastButtons(coordinator.id);
    expect(buttons.map((b) => b.text)).toEqual(['1. МБОУ СОШ № 1', '2. МКДОУ д/с № 5']);
    await h.press(coordinator, buttons[1]!.data);
    const reply = h.telegram.lastTextTo(coordinator.id);
    expect(reply).toContain('Детский сад № 5');
    const code = /start=([a-z0-9]+)/.exec(reply)?.[1];
    expect(reply).toContain(`https://t.me/cmn_test_bot?start=${code}`);
    const check = await h.services.people.checkInvite(code!);
    expect(check.status).toBe('ok');
    expect(check.status === 'ok' && check.invite).toMatchObject({ role: 'head', maxUses: 1, scope: { id: territory.kindergarten5.id } });
  });

  it('/invite with part of a name narrows the list, and an unknown name is explained', async () => {
    await h.send(coordinator, '/invite детский');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['1. МКДОУ д/с № 5']);
    await h.send(coordinator, 'гимназия');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Не нашёл организацию по «гимназия»');
    await h.send(coordinator, '/cancel');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Диалог отменён');
  });

  it('when the database fails at consent, then the person gets an error id, nothing typed is lost, and a retry works', async () => {
    const guest = person(8005);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.kindergarten5.id } });
    await h.send(guest, `/start ${invite.code}`);
    await h.send(guest, 'Павлова Ксения Андреевна');
    await h.send(guest, 'заведующая');
    const [agree] = h.telegram.lastButtons(guest.id);
    const failing: Services = {
      ...h.services,
      people: { ...h.services.people, redeemInvite: async () => Promise.reject(new Error('connection reset')) },
    };
    await h.handle(callbackUpdate(guest, CONSENT_DATA.agree, agree!.messageId), failing);
    const apology = h.telegram.lastTextTo(guest.id);
    const errorId = /Код ошибки: ([0-9a-f]{8})/.exec(apology)?.[1];
    expect(errorId).toBeDefined();
    expect(apology).toContain('Ваши ответы сохранены');
    const logged = logLines.find((l) => l.includes(errorId!));
    expect(logged).toBeDefined();
    expect(logged).not.toContain(TEST_TOKEN.split(':')[1]);

    // Same button, healthy database: the answers typed before the failure are the ones stored.
    await h.handle(callbackUpdate(guest, CONSENT_DATA.agree, agree!.messageId));
    expect(h.telegram.lastTextTo(guest.id)).toContain('Готово!');
    expect(await h.services.people.getUser(guest.id)).toMatchObject({ fullName: 'Павлова Ксения Андреевна', position: 'заведующая' });
  });

  it('when a handler fails outside a dialogue, then the error boundary apologises with an id and logs no personal data', async () => {
    const failing: Services = {
      ...h.services,
      people: { ...h.services.people, describeUserScope: async () => Promise.reject(new Error('boom')) },
    };
    await h.handle(textUpdate(head, '/me'), failing);
    const apology = h.telegram.lastTextTo(head.id);
    const errorId = /Код ошибки: ([0-9a-f]{8})/.exec(apology)?.[1];
    expect(errorId).toBeDefined();
    const logged = logLines.find((l) => l.includes(errorId!))!;
    expect(logged).toContain('"userId":8002');
    expect(logged).not.toContain('Иванов');
  });
});

describe('the command menu follows changes made outside the chat', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h.close());

  it('when the operator makes someone an admin, then their next message brings the operator menu, once', async () => {
    const who = person(8101);
    await h.send(who, '/lang');
    await h.press(who, 'lang:ru');
    expect(h.telegram.callsOf('setMyCommands').pop()!.payload.commands.map((c: { command: string }) => c.command)).toEqual([
      'start',
      'help',
      'lang',
      'cancel',
    ]);
    await h.services.people.makeAdmin(who.id);
    h.telegram.clear();
    await h.send(who, '/help');
    expect(h.telegram.lastTextTo(who.id)).toContain('Вы — оператор бота');
    const menus = h.telegram.callsOf('setMyCommands');
    expect(menus).toHaveLength(1);
    expect(menus[0]!.payload.commands.map((c: { command: string }) => c.command)).toEqual(['mentors', 'counts', 'export', 'orgs', 'invite', 'me', 'help', 'lang', 'cancel']);
    await h.send(who, '/help');
    expect(h.telegram.callsOf('setMyCommands')).toHaveLength(1);
  });
});

describe('dialogues follow the person', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const coordinator = person(8201);

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    // Nine schools in one district: more than fit as buttons.
    await h.services.territory.importTable({
      rows: Array.from({ length: 9 }, (_, i) => ({
        row: i + 1,
        cells: ['Республика Алтай', 'Майминский район', 'Asia/Barnaul', `МБОУ «Майминская СОШ № ${i + 1}»`, `Майминская СОШ № ${i + 1}`, 'школа'],
      })),
    });
    const maima = await h.services.territory.findMunicipality('Майминский район');
    if (maima.status !== 'found') throw new Error('the district was not imported');
    const invite = await h.services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: maima.value.id } });
    await h.services.people.redeemInvite({ code: invite.code, telegramId: coordinator.id, chatId: coordinator.id, fullName: 'Алтаева Айана', position: 'специалист', language: 'ru' });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('when a person switches to English in the middle of onboarding, then the rest is in English and English is saved', async () => {
    const guest = person(8202);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school1.id } });
    await h.send(guest, `/start ${invite.code}`);
    await h.send(guest, '/lang');
    await h.press(guest, 'lang:en');
    await h.send(guest, 'Ivanova Maria');
    expect(h.telegram.lastTextTo(guest.id)).toContain('What is your position?');
    await h.send(guest, 'principal');
    expect(h.telegram.lastTextTo(guest.id)).toContain('Role: head of an educational organization');
    await h.press(guest, CONSENT_DATA.agree);
    expect(h.telegram.lastTextTo(guest.id)).toContain('Done! You are registered.');
    expect((await h.services.people.getUser(guest.id))?.language).toBe('en');
    h.telegram.clear();
    await h.send(guest, '/help');
    expect(h.telegram.lastTextTo(guest.id)).toContain('You are the head of an educational organization');
    expect(h.telegram.callsOf('setMyCommands')).toHaveLength(0); // the menu was set at registration, once
  });

  it('when a territory has more organizations than buttons, then /invite asks for part of the name, and a number picks a button', async () => {
    await h.send(coordinator, '/invite');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Организаций на вашей территории: 9. Пришлите часть названия, например «СОШ № 1» или «детский сад».');
    expect(h.telegram.lastButtons(coordinator.id)).toEqual([]);
    await h.send(coordinator, 'СОШ № 1');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['1. Майминская СОШ № 1']);
    await h.send(coordinator, '1');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Майминская СОШ № 1»');
    expect(h.telegram.lastTextTo(coordinator.id)).toMatch(/start=[a-z0-9]{12}/);
  });

  it('when another command is sent during /invite, then the dialogue ends and the command is answered', async () => {
    await h.send(coordinator, '/invite СОШ');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('подходит организаций: 9');
    await h.send(coordinator, '/me');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Алтаева Айана');
    await h.send(coordinator, '/cancel');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Сейчас нечего отменять.');
  });
});
