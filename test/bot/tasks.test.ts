import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { User as TgUser } from 'grammy/types';
import { draftRoadmap } from '../../src/domain/roadmap/roadmap-build';
import { readRoadmapDocument } from '../../src/domain/roadmap/roadmap-file';
import { parseRoadmap } from '../../src/domain/roadmap/roadmap-parse';
import { callbackUpdate, documentUpdate, person, textUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;
const SEED_000 = join(__dirname, '..', 'fixtures', 'seeds', '000_d37c693b162ac2fd.txt');

const visible = (h: Harness, who: TgUser) => h.telegram.visibleButtons(who.id);

/** Publishes seed 000 for Bodaibo, as the coordinator's import would. */
async function publishSeed(h: Harness, territory: Territory) {
  const read = await readRoadmapDocument('000.txt', await readFile(SEED_000));
  if (!read.ok) throw new Error('seed 000 not read');
  const parsed = parseRoadmap(read.document);
  if ('error' in parsed) throw new Error('seed 000 not parsed');
  const draft = draftRoadmap(parsed, { ownerLevel: 'municipality', period: parsed.period!, referenceDate: parsed.documentDate! });
  return h.services.roadmap.publish(draft, { level: 'municipality', id: territory.bodaibo.id }, 'test');
}

describe('roadmap tasks in the bot: a school marks a task done with evidence, the coordinator accepts or returns it', () => {
  let h: Harness;
  let territory: Territory;
  const head = person(9801);
  const curator = person(9802);
  const coordinator = person(9803);
  const otherHead = person(9804);
  const otherCoordinator = person(9805);

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(curator, 'curator', { level: 'organization', id: territory.school1.id }, 'Петрова Анна Ивановна');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Михайлова Елена Викторовна');
    await h.register(otherHead, 'head', { level: 'organization', id: territory.school8.id });
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id });
    await publishSeed(h, territory);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  const siteTaskId = async () => {
    const tasks = await h.services.roadmap.tasksOf(territory.school1.id);
    return tasks.find((x) => x.item.name.startsWith('Создание раздела на сайте'))!.task.id;
  };

  it('/tasks lists the school’s tasks, overdue first with marks, and a card says what, by when and which document', async () => {
    await h.send(head, '/tasks');
    const list = h.telegram.lastTextTo(head.id);
    // The test clock is 23.11.2026: everything of the 2021–2024 roadmap is overdue.
    expect(list).toMatch(/Задачи дорожной карты: открыто \d+, из них просрочено \d+; выполнено 0\. Страница 1 из \d+\./);
    const buttons = visible(h, head);
    expect(buttons.filter((b) => b.data.startsWith('task:c:'))).toHaveLength(8);
    expect(buttons[0]!.text).toMatch(/^🔴 30\.06\.2021 · 3 Проведение совещания/);
    await h.pressText(head, 'Создание раздела на сайте');
    const card = h.telegram.lastTextTo(head.id);
    expect(card).toContain('Пункт 2: Создание раздела на сайте МКУ «Ресурсный центр»');
    expect(card).toContain('Раздел: I Организационно-координационные мероприятия');
    expect(card).toMatch(/Срок: до 30\.09\.2021 — просрочено на \d+ дн\./);
    expect(card).toContain('Ожидаемый документ: Ресурс на сайте МКУ «Ресурсный центр»');
    expect(card).toContain('Статус: 🔴 в работе');
  });

  it('a comment alone is not enough where a document is expected; a file goes to the coordinator with Accept and Return', async () => {
    const taskId = await siteTaskId();
    await h.handle(callbackUpdate(head, `task:d:${taskId}`, 1));
    expect(h.telegram.lastTextTo(head.id)).toContain('Для этого пункта нужен документ');
    await h.pressText(head, 'Отправить на проверку');
    expect(h.telegram.lastTextTo(head.id)).toContain('Сначала пришлите подтверждение');
    await h.send(head, 'Раздел создан');
    expect(h.telegram.lastTextTo(head.id)).toContain('💬 Раздел создан');
    await h.pressText(head, 'Отправить на проверку');
    expect(h.telegram.lastTextTo(head.id)).toBe('Для этого пункта нужен документ: пришлите файл или ссылку (комментарий можно добавить).');
    await h.handle(documentUpdate(head, { fileId: 'scan-photo', fileName: 'фото.heif.exe', fileSize: 1000 }));
    expect(h.telegram.lastTextTo(head.id)).toContain('Такой файл не подходит');
    // Each step below runs on a fresh bot, as after a restart: what was sent so far is kept.
    await h.handle(documentUpdate(head, { fileId: 'order-scan', fileName: 'приказ № 45.pdf', fileSize: 250_000, mimeType: 'application/pdf' }));
    expect(h.telegram.lastTextTo(head.id)).toContain('📎 файл: приказ № 45.pdf (244 КБ)');
    expect(await h.services.roadmap.taskOf(territory.school1.id, taskId)).toMatchObject({ task: { status: 'open' } });
    await h.pressText(head, 'Отправить на проверку');
    expect(h.telegram.lastTextTo(head.id)).toBe('Отправлено на проверку координатору. Его решение придёт сюда.');

    // The coordinator gets the file as it was sent, then the card with the buttons.
    const docs = h.telegram.callsOf('sendDocument').filter((c) => c.payload.chat_id === coordinator.id);
    expect(docs.map((c) => c.payload.document)).toEqual(['order-scan']);
    const review = h.telegram.lastTextTo(coordinator.id);
    expect(review).toContain('📥 На проверку');
    expect(review).toContain('Исполнитель: МБОУ СОШ № 1');
    expect(review).toContain('💬 Раздел создан');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['✅ Принять', '↩️ Вернуть']);
    expect(h.telegram.textsTo(otherCoordinator.id)).toHaveLength(0);
  });

  it('nobody else can open, mark or review it by guessing the task id', async () => {
    const taskId = await siteTaskId();
    for (const data of [`task:c:${taskId}`, `task:d:${taskId}`]) {
      h.telegram.clear();
      await h.handle(callbackUpdate(otherHead, data, 1));
      expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Такой задачи у вас нет.');
    }
    for (const data of [`rv:ok:${taskId}`, `rv:back:${taskId}`]) {
      await h.handle(callbackUpdate(otherCoordinator, data, 1));
      await h.handle(callbackUpdate(head, data, 1));
    }
    expect(await h.services.roadmap.taskOf(territory.school1.id, taskId)).toMatchObject({ task: { status: 'submitted' } });
  });

  it('Return asks for the reason; the head and the curator are told it, and the task opens again', async () => {
    const taskId = await siteTaskId();
    await h.send(coordinator, '/review');
    expect(h.telegram.textsTo(coordinator.id)[0]).toBe('Ждут проверки: 1.');
    await h.pressText(coordinator, 'Вернуть');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Почему возвращаете?');
    await h.send(coordinator, 'ок');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Напишите причину подробнее');
    await h.send(coordinator, 'Нужна ссылка на сам раздел на сайте школы');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Возвращено на доработку с причиной: Нужна ссылка на сам раздел на сайте школы');
    for (const who of [head, curator]) {
      expect(h.telegram.lastTextTo(who.id)).toContain('Координатор вернул пункт 2 Создание раздела на сайте');
      expect(h.telegram.lastTextTo(who.id)).toContain('Причина: Нужна ссылка на сам раздел на сайте школы');
    }
    await h.handle(callbackUpdate(head, `task:c:${taskId}`, 1));
    expect(h.telegram.lastTextTo(head.id)).toContain('Статус: ↩️ возвращено на доработку');
    expect(h.telegram.lastTextTo(head.id)).toContain('Координатор вернул: Нужна ссылка на сам раздел на сайте школы');
  });

  it('the curator sends a link, the coordinator accepts from /review, and the school hears it', async () => {
    const taskId = await siteTaskId();
    await h.handle(callbackUpdate(curator, `task:d:${taskId}`, 1));
    await h.send(curator, 'https://school1.bodaibo.example/nastavnichestvo раздел «Наставничество»');
    expect(h.telegram.lastTextTo(curator.id)).toContain('🔗 ссылка: https://school1.bodaibo.example/nastavnichestvo');
    await h.pressText(curator, 'Отправить на проверку');
    h.telegram.clear();
    await h.send(coordinator, '/review');
    expect(h.telegram.textsTo(coordinator.id)[0]).toBe('Ждут проверки: 1.');
    await h.pressText(coordinator, 'Принять');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('✅ Принято.');
    expect(h.telegram.lastTextTo(head.id)).toContain('✅ Координатор принял выполнение пункта 2 Создание раздела на сайте');
    // A second press on the old card changes nothing.
    await h.pressText(coordinator, 'Принять').catch(() => undefined);
    const found = await h.services.roadmap.taskOf(territory.school1.id, taskId);
    expect(found?.task.status).toBe('accepted');
    expect(found?.task.reviews.map((r) => r.decision)).toEqual(['returned', 'accepted']);
    await h.send(head, '/tasks');
    expect(h.telegram.lastTextTo(head.id)).toMatch(/выполнено 1\./);
  });

  it('a coordinator marks their own task done with a link, and it is done at once', async () => {
    await h.send(coordinator, '/tasks');
    await h.pressText(coordinator, 'Разработка и утверждение Дорожной карты');
    await h.pressText(coordinator, 'Отметить выполненным');
    await h.handle(textUpdate(coordinator, 'https://bodaibo-edu.example/docs/prikaz-243.pdf'));
    await h.pressText(coordinator, 'Отправить на проверку');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Задача отмечена выполненной.');
    await h.send(coordinator, '/tasks');
    expect(h.telegram.lastTextTo(coordinator.id)).toMatch(/выполнено 1\./);
  });

  it('someone who had blocked the bot and writes to it again can be reached again', async () => {
    await h.services.people.markUnreachable(head.id);
    expect((await h.services.people.getUser(head.id))?.unreachableAt).toBeDefined();
    await h.send(head, '/tasks');
    expect((await h.services.people.getUser(head.id))?.unreachableAt).toBeUndefined();
  });
});
