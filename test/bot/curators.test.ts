import { callbackUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;


describe("a school's mentoring curator", () => {
  let h: Harness;
  let territory: Territory;
  const head = person(9701);
  const curator = person(9702);
  const otherHead = person(9703);

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(otherHead, 'head', { level: 'organization', id: territory.school8.id });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('is invited by the head in the bot, registers through the link and gets the register commands', async () => {
    await h.send(head, '/curators');
    expect(h.telegram.lastTextTo(head.id)).toContain('Кураторов пока нет.');
    await h.pressText(head, 'Пригласить куратора');
    const invite = h.telegram.lastTextTo(head.id);
    expect(invite).toContain('Приглашение для куратора наставничества');
    expect(invite).toContain('Средняя общеобразовательная школа № 1 г. Бодайбо');
    const code = /start=([A-Za-z0-9_-]+)/.exec(invite)?.[1];
    expect(code).toBeDefined();

    await h.send(curator, `/start ${code}`);
    expect(h.telegram.textsTo(curator.id).join('\n')).toContain('Приглашение для роли: куратор наставничества образовательной организации');
    await h.send(curator, 'Петрова Анна Ивановна');
    await h.send(curator, 'заместитель директора по УВР');
    await h.pressText(curator, 'Согласен');
    expect(h.telegram.lastTextTo(curator.id)).toContain('Готово!');
    const menu = h.telegram.callsOf('setMyCommands').pop()!;
    expect(menu.payload.commands.map((c: { command: string }) => c.command)).toEqual(['status', 'indicators', 'tasks', 'mentors', 'counts', 'practice', 'template', 'export', 'me', 'help', 'lang', 'cancel']);

    // The link was for one person.
    const stranger = person(9709);
    await h.send(stranger, `/start ${code}`);
    expect(h.telegram.lastTextTo(stranger.id)).toContain('уже зарегистрировался другой человек');

    await h.send(curator, '/help');
    expect(h.telegram.lastTextTo(curator.id)).toContain('куратор наставничества');
    await h.send(curator, '/curators');
    expect(h.telegram.lastTextTo(curator.id)).toContain('недоступна для вашей роли');

    await h.send(head, '/curators');
    expect(h.telegram.lastTextTo(head.id)).toMatch(/1\. Петрова Анна Ивановна — заместитель директора по УВР, с \d\d\.\d\d\.\d{4}/);
  });

  it('keeps the register of the school as the head does: adds a pair, and the audit names the curator', async () => {
    await h.send(curator, '/mentors');
    await h.pressText(curator, 'Добавить пару');
    await h.pressText(curator, 'Подтверждаю'); // the school's consent confirmation, once
    await h.send(curator, '/mentors');
    await h.pressText(curator, 'Добавить пару');
    await h.send(curator, 'Смирнова Елена Викторовна');
    await h.pressText(curator, 'педагог');
    await h.send(curator, 'учитель русского языка');
    await h.send(curator, 'Орлов Денис Сергеевич');
    await h.pressText(curator, 'молодой специалист');
    await h.pressText(curator, 'учитель – учитель');
    await h.send(curator, 'Первые шаги в профессии');
    await h.pressText(curator, 'Сегодня');
    await h.pressText(curator, 'Сохранить');
    expect(h.telegram.lastTextTo(curator.id)).toContain('Пара сохранена в реестре');

    // The head sees the curator's pair in the same register.
    await h.send(head, '/mentors');
    expect(h.telegram.visibleButtons(head.id).map((b) => b.text).join('\n')).toContain('Орлов Денис Сергеевич');
    const audit = await h.services.register.auditOf(territory.school1.id);
    expect(audit.find((a) => a.action === 'create')?.actor).toBe(curator.id);
  });

  it("cannot be removed by another school's head guessing the button", async () => {
    await h.handle(callbackUpdate(otherHead, `cur:rmy:${curator.id}`, 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toContain('уже нет среди кураторов');
    expect((await h.services.people.getUser(curator.id))?.role).toBe('curator');
  });

  it('loses access when the head removes them, even in the middle of a dialogue, and is told so', async () => {
    await h.send(curator, '/counts');
    await h.pressText(curator, 'Подать');
    await h.send(curator, '300');

    await h.send(head, '/curators');
    await h.pressText(head, 'Отключить: 1. Петрова Анна Ивановна');
    expect(h.telegram.lastTextTo(head.id)).toContain('Отключить Петрова Анна Ивановна от реестра школы?');
    await h.pressText(head, 'Не отключать');
    expect(h.telegram.lastTextTo(head.id)).toContain('1. Петрова Анна Ивановна');
    await h.pressText(head, 'Отключить: 1. Петрова Анна Ивановна');
    await h.pressText(head, 'Да, отключить');
    expect(h.telegram.lastTextTo(head.id)).toContain('Петрова Анна Ивановна больше не куратор школы.');
    expect(h.telegram.lastTextTo(head.id)).toContain('Кураторов пока нет.');
    expect(h.telegram.lastTextTo(curator.id)).toContain('Руководитель отключил вам доступ к реестру наставничества');

    // The dialogue the curator had open does not save anything now.
    for (const n of ['100', '2', '5', '1']) await h.send(curator, n);
    expect(h.telegram.lastTextTo(curator.id)).toContain('недоступна для вашей роли');
    expect(await h.services.register.getCounts(territory.school1.id)).toBeNull();

    await h.send(curator, '/mentors');
    expect(h.telegram.lastTextTo(curator.id)).toContain('Эта команда доступна только зарегистрированным');
    // What the curator entered stays in the register.
    expect((await h.services.register.listPairs(territory.school1.id, 0, 10)).total).toBe(1);
  });
});
