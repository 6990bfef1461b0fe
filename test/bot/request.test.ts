import type { User as TgUser } from 'grammy/types';
import { createNudgeDelivery, createPacer } from '../../src/bot/nudges';
import { drain, sweep, type SweepDeps } from '../../src/domain/reminders/sweep';
import { atLocal } from '../../src/domain/reminders/working-time';
import { REQUESTS_TITLE } from '../../src/domain/roadmap/request';
import type { Services } from '../../src/domain/services';
import { silentLogger } from '../../src/logger';
import { callbackUpdate, documentUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

// Seed 002: «в срок до 09.11.2020 обеспечить предоставление информации о наставниках и наставляемых по установленной
// форме и скан-копий приказов»; here with the test clock's year (23.11.2026).
const SEED_002_REQUEST = 'Информацию о наставниках и наставляемых по установленной форме и скан-копии приказов';
const IRKUTSK = 'Asia/Irkutsk'; // Bodaibo, UTC+8

/** /request: a coordinator's data request to every school of the territory, a task for each, followed like any task. */
describe('/request: a coordinator asks every school for information by a date', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const coordinator = person(9601);
  const head = person(9602);
  const curator = person(9603);
  const otherHead = person(9604);
  const otherCoordinator = person(9605);

  const requestsOf = async (ownerId: string) => {
    const roadmap = await h.services.roadmap.findRoadmap({ level: 'municipality', id: ownerId }, REQUESTS_TITLE);
    return roadmap ? h.services.roadmap.itemsOf(roadmap.id) : [];
  };
  const taskOf = async (schoolId: string, number: string) => (await h.services.roadmap.tasksOf(schoolId)).find((x) => x.item.number === number)!;
  /** Presses a button of the last message to this person through a bot over other services (a failing database). */
  const pressWith = async (who: TgUser, text: string, services: Services) => {
    const button = h.telegram.lastButtons(who.id).find((b) => b.text.includes(text))!;
    h.telegram.clear();
    await h.handle(callbackUpdate(who, button.data, button.messageId), services);
  };

  /** What the running bot's deliverer does when a request is queued: the outbox is delivered through the real Api. */
  const deliver = async () => {
    const pacer = createPacer({ perSecond: 1000, perChatMs: 0 });
    return drain({ services: h.services, sent: h.services.reminders.sent, deliver: createNudgeDelivery(h.newBot().api, silentLogger, pacer) }, h.services.clock());
  };

  beforeAll(async () => {
    h = await createHarness(); // the clock: 23.11.2026, 17:00 in Bodaibo
    territory = await seedTerritory(h.services);
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Михайлова Елена Викторовна');
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(curator, 'curator', { level: 'organization', id: territory.school1.id }, 'Петрова Анна Ивановна');
    await h.register(otherHead, 'head', { level: 'organization', id: territory.school8.id }, 'Орлова Нина Петровна');
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
  });
  afterAll(async () => h.close());

  it('a head typing /request is refused', async () => {
    h.telegram.clear();
    await h.send(head, '/request');
    expect(h.telegram.lastTextTo(head.id)).toBe('Эта команда недоступна для вашей роли. /help покажет, что вы можете сделать.');
  });

  it('/cancel in the middle leaves nothing behind', async () => {
    await h.send(coordinator, '/request');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Шаг 1 из 3. Что нужно предоставить?');
    await h.send(coordinator, SEED_002_REQUEST);
    await h.send(coordinator, '/cancel');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Диалог отменён. Введённые в нём данные не сохранены.');
    expect(await requestsOf(territory.bodaibo.id)).toHaveLength(0);
  });

  it('a short text, a past, an unreadable and a non-day deadline are re-asked; the text typed before is what is sent', async () => {
    h.telegram.clear();
    await h.send(coordinator, '/request');
    await h.send(coordinator, 'инфо');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Слишком коротко: нужно не меньше 5 символов. Напишите, что именно нужно предоставить.');
    await h.send(coordinator, SEED_002_REQUEST);
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Шаг 2 из 3. До какого числа? Напишите дату, например «07.12.2026» или «до 9 декабря».');
    await h.send(coordinator, 'До 09.11.2020');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Дата 09.11.2020 уже прошла (сегодня 23.11.2026). Укажите сегодняшнюю или более позднюю дату.\nТекст запроса сохранён — напишите только срок.');
    await h.send(coordinator, 'как получится');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Не понял срок «как получится». Напишите дату: «07.12.2026» или «до 9 декабря».\nТекст запроса сохранён — напишите только срок.');
    await h.send(coordinator, 'декабрь 2026');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('«декабрь 2026» — это не один день.');
    await h.send(coordinator, '09.12.2026');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Шаг 3 из 3. Какой документ ожидаете');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['Скан-копия приказа', 'Таблица (XLSX)', 'Ссылка', 'Без документа']);
    await h.pressText(coordinator, 'Скан-копия приказа');
    const schools = (await h.services.territory.organizationsIn({ level: 'municipality', id: territory.bodaibo.id })).length;
    expect(h.telegram.lastTextTo(coordinator.id)).toBe(
      `📨 Запрос уйдёт всем организациям территории (их ${schools}). Каждая получит задачу, руководители и кураторы — сообщение.\n\n` +
        `Что: ${SEED_002_REQUEST}\nСрок: до 09.12.2026\nДокумент: Скан-копия приказа\n\nОтправить?`,
    );
    // «Изменить срок» asks the date again and keeps the rest; «до 9 декабря» is the same day of this year.
    await h.pressText(coordinator, 'Изменить срок');
    await h.send(coordinator, 'до 9 декабря');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain(`Что: ${SEED_002_REQUEST}\nСрок: до 09.12.2026\nДокумент: Скан-копия приказа`);
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['📤 Отправить', '📅 Изменить срок', 'Отмена']);
  });

  it('a failing database keeps everything typed; «Отправить» again sends it once, as З-1, and the schools are told', async () => {
    const failing = { ...h.services, roadmap: { ...h.services.roadmap, appendItem: () => Promise.reject(new Error('the database is down')) } } as Services;
    await pressWith(coordinator, 'Отправить', failing);
    // An apology with the error id, and the same preview again with its buttons.
    const [apology, preview] = h.telegram.textsTo(coordinator.id);
    expect(apology).toMatch(/^Извините, что-то пошло не так\. Код ошибки: \w+/);
    expect(preview).toContain(`Что: ${SEED_002_REQUEST}\nСрок: до 09.12.2026\nДокумент: Скан-копия приказа`);
    expect(await requestsOf(territory.bodaibo.id)).toHaveLength(0);
    await h.pressText(coordinator, 'Отправить');
    const schools = (await h.services.territory.organizationsIn({ level: 'municipality', id: territory.bodaibo.id })).length;
    expect(h.telegram.lastTextTo(coordinator.id)).toBe(
      [
        `✅ Запрос З-1 отправлен: задача со сроком до 09.12.2026 появилась у всех организаций территории (их ${schools}).`,
        'Сообщение уходит руководителям и кураторам, получателей: 2 (бот рассылает их в темпе, который разрешает Telegram).',
        'Организаций, где ещё никого нет в боте: 1 — задача ждёт их в /tasks; пригласите руководителей: /invite.',
        '',
        'Ход выполнения — /request, присланное на проверку — /review.',
      ].join('\n'),
    );
    const items = await requestsOf(territory.bodaibo.id);
    expect(items.map((i) => [i.number, i.name, i.deadline, i.documentKind])).toEqual([['З-1', SEED_002_REQUEST, 'до 09.12.2026', 'Скан-копия приказа']]);

    // The head and the curator of school 1 are told through the outbox, with the task one press away; the other
    // territory hears nothing. Sending again tells nobody twice (one key per task and person).
    expect((await deliver()).map((m) => m.outcome.status)).toEqual(['sent', 'sent']);
    expect(await deliver()).toHaveLength(0);
    for (const who of [head, curator]) {
      const text = h.telegram.lastTextTo(who.id);
      expect(text).toContain('📨 Запрос координатора (г. Бодайбо и район), пункт З-1:');
      expect(text).toContain(SEED_002_REQUEST);
      expect(text).toContain('Срок: до 09.12.2026\nОжидаемый документ: Скан-копия приказа');
      expect(h.telegram.lastButtons(who.id).map((b) => b.text)).toEqual(['📄 Открыть задачу', '✅ Отметить выполненным']);
    }
    expect(h.telegram.textsTo(otherHead.id)).toHaveLength(0);
    expect(h.telegram.textsTo(otherCoordinator.id)).toHaveLength(0);
    expect(await h.services.roadmap.tasksOf(territory.school8.id)).toHaveLength(0);
  });

  it('the head opens the task from the message, sees it in /tasks, and sends the scan; the coordinator accepts it in /review', async () => {
    await h.pressText(head, 'Открыть задачу');
    const card = h.telegram.lastTextTo(head.id);
    expect(card).toContain('Дорожная карта: Запросы координатора');
    expect(card).toContain(`Пункт З-1: ${SEED_002_REQUEST}`);
    expect(card).toContain('Срок: до 09.12.2026 — осталось 16 дн.');
    expect(card).toContain('Ожидаемый документ: Скан-копия приказа');
    await h.send(head, '/tasks');
    expect(h.telegram.visibleButtons(head.id).map((b) => b.text)).toContainEqual(expect.stringMatching(/^⚪ 09\.12\.2026 · З-1 Информацию о наставниках/));

    const { task } = await taskOf(territory.school1.id, 'З-1');
    await h.handle(callbackUpdate(head, `task:d:${task.id}`, 1));
    expect(h.telegram.lastTextTo(head.id)).toContain('Для этого пункта нужен документ');
    await h.handle(documentUpdate(head, { fileId: 'order-235-scan', fileName: 'приказ № 235.pdf', fileSize: 300_000, mimeType: 'application/pdf' }));
    await h.pressText(head, 'Отправить на проверку');
    expect(h.telegram.lastTextTo(head.id)).toBe('Отправлено на проверку координатору. Его решение придёт сюда.');

    h.telegram.clear();
    await h.send(coordinator, '/review');
    expect(h.telegram.textsTo(coordinator.id)[0]).toBe('Ждут проверки: 1.');
    expect(h.telegram.callsOf('sendDocument').map((c) => c.payload.document)).toEqual(['order-235-scan']);
    expect(h.telegram.lastTextTo(coordinator.id)).toContain(`З-1: ${SEED_002_REQUEST}`);
    await h.pressText(coordinator, 'Принять');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('✅ Принято.');
    expect(h.telegram.lastTextTo(head.id)).toContain('✅ Координатор принял выполнение пункта З-1');
  });

  it('/request then lists the request with 1 of N sent; «➕ Новый запрос» makes З-2, shown first; a failing chat is counted', async () => {
    const schools = (await h.services.territory.organizationsIn({ level: 'municipality', id: territory.bodaibo.id })).length;
    h.telegram.clear();
    await h.send(coordinator, '/request');
    const list = h.telegram.lastTextTo(coordinator.id);
    expect(list).toContain('📨 Ваши запросы: 1.');
    expect(list).toContain(`🕓 З-1 · до 09.12.2026 · ${SEED_002_REQUEST}\nДокумент: Скан-копия приказа\nПрислали: 1 из ${schools} · принято: 1 · просрочено: 0`);
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['➕ Новый запрос']);

    await h.pressText(coordinator, 'Новый запрос');
    await h.send(coordinator, 'План работы школьного наставничества на 2026/27 учебный год');
    await h.send(coordinator, '15.12.2026');
    await h.send(coordinator, 'Утверждённый план');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Документ: Утверждённый план');
    await h.pressText(coordinator, 'Отправить');
    const report = h.telegram.lastTextTo(coordinator.id);
    expect(report).toContain('✅ Запрос З-2 отправлен: задача со сроком до 15.12.2026');
    expect(report).toContain('получателей: 2');
    // Telegram refuses one of the two chats: the other still gets it, and /reminders shows which did not arrive.
    h.telegram.failNext('sendMessage', 400, 'Bad Request: chat not found');
    expect((await deliver()).map((m) => m.outcome.status).sort()).toEqual(['failed', 'sent']);
    const log = await h.services.reminders.logOf(territory.bodaibo.id, 5);
    expect(log.filter((e) => e.kind === 'request').map((e) => e.status).sort()).toEqual(['failed', 'sent', 'sent', 'sent']);

    await h.send(coordinator, '/request');
    const again = h.telegram.lastTextTo(coordinator.id);
    expect(again).toContain('📨 Ваши запросы: 2.');
    expect(again.indexOf('З-2 · до 15.12.2026')).toBeLessThan(again.indexOf('З-1 · до 09.12.2026'));
    expect(again).toContain(`Прислали: 0 из ${schools} · принято: 0 · просрочено: 0`);
  });

  it('the reminder sweep nudges the head before the deadline of a request', async () => {
    const pacer = createPacer({ perSecond: 1000, perChatMs: 0 });
    const deps: SweepDeps = { services: h.services, sent: h.services.reminders.sent, deliver: createNudgeDelivery(h.newBot().api, silentLogger, pacer) };
    h.telegram.clear();
    await sweep(deps, atLocal('2026-12-08', 9 * 60 + 1, IRKUTSK)); // a week before 15.12
    const nudge = h.telegram.textsTo(head.id).find((t) => t.includes('З-2'));
    expect(nudge).toContain('⏰ Напоминание: через 7 дн. срок по пункту З-2 План работы школьного наставничества');
    expect(nudge).toContain('до 15.12.2026');
    expect(nudge).toContain('Дорожная карта: Запросы координатора');
    // З-1 is done and accepted at school 1: nothing about it.
    expect(h.telegram.textsTo(head.id).some((t) => t.includes('З-1'))).toBe(false);
    expect(h.telegram.textsTo(otherHead.id)).toHaveLength(0);
  });

  it('a region’s coordinator asks every organization of the region', async () => {
    const regional = person(9606);
    await h.register(regional, 'coordinator', { level: 'region', id: territory.irkutsk.id }, 'Региональный Координатор');
    const orgs = await h.services.territory.organizationsIn({ level: 'region', id: territory.irkutsk.id });
    h.telegram.clear();
    await h.send(regional, '/request');
    await h.send(regional, 'Сведения о школьных программах наставничества');
    await h.send(regional, '20.12.2026');
    await h.pressText(regional, 'Без документа');
    expect(h.telegram.lastTextTo(regional.id)).toContain(`Запрос уйдёт всем организациям территории (их ${orgs.length}).`);
    expect(h.telegram.lastTextTo(regional.id)).toContain('Документ: не нужен (достаточно комментария)');
    await h.pressText(regional, 'Отправить');
    expect(h.telegram.lastTextTo(regional.id)).toContain(`✅ Запрос З-1 отправлен: задача со сроком до 20.12.2026 появилась у всех организаций территории (их ${orgs.length}).`);
    await deliver();
    expect(h.telegram.lastTextTo(head.id)).toContain('📨 Запрос координатора (Иркутская область), пункт З-1:');
    expect(h.telegram.textsTo(otherHead.id)).toHaveLength(0);
    for (const org of orgs) expect((await h.services.roadmap.tasksOf(org.id)).some((x) => x.item.name === 'Сведения о школьных программах наставничества')).toBe(true);
  });
});
