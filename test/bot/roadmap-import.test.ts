import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { User as TgUser } from 'grammy/types';
import { readRoadmapDocument } from '../../src/domain/roadmap/roadmap-file';
import { buildDocx, preambleParagraphs } from '../helpers/docx';
import { documentUpdate, filePathOf, person, photoUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;
const seed = (name: string) => readFile(join(__dirname, '..', 'fixtures', 'seeds', name));

describe('a coordinator imports a roadmap by sending the file to the bot', () => {
  let h: Harness;
  let territory: Territory;
  const coordinator = person(9901);
  const artemCoordinator = person(9902);
  const head = person(9903);
  let fileSeq = 0;

  async function send(from: TgUser, fileName: string, data: Buffer, fileSize = data.length) {
    const fileId = `roadmap-${++fileSeq}`;
    h.files.set(filePathOf(fileId), data);
    await h.handle(documentUpdate(from, { fileId, fileName, fileSize }));
  }
  const last = (who: TgUser) => h.telegram.lastTextTo(who.id);

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id });
    await h.register(artemCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id });
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('seed 000: a preview with the counts, nothing stored before «Опубликовать», then the schools have their tasks', async () => {
    await send(coordinator, 'Приказ 243 дорожная карта.txt', await seed('000_d37c693b162ac2fd.txt'));
    const preview = last(coordinator);
    expect(preview).toContain('Период: 01.01.2021 – 31.12.2024; сроки без года считаются от 28.05.2021.');
    expect(preview).toContain('Найдено 16 мероприятий в 6 разделах; сроки распознаны у 16, у 0 нужен ваш ввод.');
    expect(await h.services.roadmap.roadmapsOf([territory.bodaibo.id])).toHaveLength(0);
    await h.pressText(coordinator, 'Все пункты');
    expect(h.telegram.textsTo(coordinator.id).join('\n')).toContain('Пункт 4: Консультирование педагогических работников');
    await h.pressText(coordinator, 'Опубликовать');
    expect(last(coordinator)).toMatch(/Дорожная карта опубликована: пунктов 16; задач создано \d+/);
    await h.send(head, '/tasks');
    expect(last(head)).toMatch(/Задачи дорожной карты: открыто \d+/);
  });

  it('the same roadmap again is offered as an update and duplicates nothing', async () => {
    const before = (await h.services.roadmap.tasksOf(territory.school1.id)).length;
    await send(coordinator, 'дорожная карта (копия).txt', await seed('000_d37c693b162ac2fd.txt'));
    expect(last(coordinator)).toContain('Эта дорожная карта уже опубликована');
    await h.pressText(coordinator, 'Обновить опубликованную');
    expect(last(coordinator)).toMatch(/Дорожная карта обновлена: новых пунктов 0, обновлено 16, удалено 0; задач создано 0, сохранено \d+, удалено 0\./);
    expect((await h.services.roadmap.tasksOf(territory.school1.id)).length).toBe(before);
    expect(await h.services.roadmap.roadmapsOf([territory.bodaibo.id])).toHaveLength(1);
  });

  it('seed 002 names no period in its title: the bot asks for it, re-asks a bad one, and keeps the rest', async () => {
    await send(artemCoordinator, 'План ЦМН.txt', await seed('002_eec7bd9caed78b60.txt'));
    expect(last(artemCoordinator)).toContain('В заголовке нет периода дорожной карты');
    await h.send(artemCoordinator, 'до победного');
    // The reason, then the same question again.
    expect(h.telegram.textsTo(artemCoordinator.id).at(-2)).toContain('Не понял период');
    expect(last(artemCoordinator)).toContain('В заголовке нет периода дорожной карты');
    await h.send(artemCoordinator, '2020-2024');
    expect(last(artemCoordinator)).toContain('Найдено 20 мероприятий в 5 разделах');
    await h.pressText(artemCoordinator, 'Отмена');
    expect(last(artemCoordinator)).toBe('Загрузка дорожной карты отменена, ничего не опубликовано.');
    expect(await h.services.roadmap.roadmapsOf([territory.artemovsky.id])).toHaveLength(0);
  });

  it('unknown headers are asked column by column; an unreadable deadline and a missing responsible are fixed in the preview', async () => {
    const text = [
      'План мероприятий школы наставничества на 2025-2026 годы',
      '',
      'п/п\tЧто делаем\tКогда\tКто отвечает\tЧем подтверждаем',
      '1\tЗаседание школы наставничества\tкогда-нибудь осенью\tРуководители МОО\tПротокол',
      '2\tАнализ работы за год\tдо 31.05.2026\t\tАналитическая справка',
    ].join('\n');
    await send(coordinator, 'план.txt', Buffer.from(text, 'utf8'));
    expect(last(coordinator)).toBe('Какой столбец — наименование мероприятия?');
    await h.pressText(coordinator, 'Что делаем');
    await h.pressText(coordinator, 'Когда');
    await h.pressText(coordinator, 'Кто отвечает');
    await h.pressText(coordinator, 'Чем подтверждаем');
    const preview = last(coordinator);
    expect(preview).toContain('Найдено 2 мероприятий в 0 разделах; сроки распознаны у 1, у 2 нужен ваш ввод.');
    expect(preview).toContain('⚠️ 1 Заседание школы наставничества: срок');
    expect(preview).toContain('⚠️ 2 Анализ работы за год: ответственный');

    await h.pressText(coordinator, 'п. 1');
    await h.pressText(coordinator, 'Срок');
    await h.send(coordinator, 'в ближайшее время');
    expect(h.telegram.textsTo(coordinator.id).at(-2)).toContain('Этот срок бот тоже не понял');
    await h.send(coordinator, 'до 01.10.2025');
    expect(h.telegram.textsTo(coordinator.id).join('\n')).toContain('Срок: до 01.10.2025.');
    await h.pressText(coordinator, 'п. 2');
    await h.pressText(coordinator, 'Ответственный');
    await h.pressText(coordinator, 'Каждой организации территории');
    expect(last(coordinator)).toContain('сроки распознаны у 2, у 0 нужен ваш ввод.');
    await h.pressText(coordinator, 'Опубликовать');
    expect(last(coordinator)).toContain('Дорожная карта опубликована: пунктов 2');
    const tasks = await h.services.roadmap.tasksOf(territory.school1.id);
    expect(tasks.filter((x) => x.item.name === 'Анализ работы за год').map((x) => x.task.due)).toEqual(['2026-05-31']);
    expect(tasks.filter((x) => x.item.name === 'Заседание школы наставничества').map((x) => x.task.due)).toEqual(['2025-10-01']);
  });

  it('a DOCX roadmap (seed 003 as Word would have it) imports for a region, with item 8’s two deadlines', async () => {
    const irkutskCoordinator = person(9904);
    await h.register(irkutskCoordinator, 'coordinator', { level: 'region', id: territory.irkutsk.id });
    const text = await readRoadmapDocument('003.txt', await seed('003_21b4394417a6f63c.txt'));
    if (!text.ok) throw new Error('seed 003 not read');
    const docx = await buildDocx({ paragraphs: preambleParagraphs(text.document.textBefore), title: text.document.title, tables: [text.document.tables[0]!.rows] });
    await send(irkutskCoordinator, 'Дорожная карта РА.docx', docx);
    expect(last(irkutskCoordinator)).toContain('Найдено 29 мероприятий');
    await h.pressText(irkutskCoordinator, 'Опубликовать');
    const tasks = await h.services.roadmap.tasksOf(territory.bodaibo.id);
    const item8 = tasks.filter((x) => x.item.name.startsWith('Разработка и утверждение дорожных карт'));
    expect(item8.map((x) => x.task.due)).toEqual(['2020-08-10']);
    const schoolItem8 = (await h.services.roadmap.tasksOf(territory.school1.id)).filter((x) => x.item.name.startsWith('Разработка и утверждение дорожных карт'));
    expect(schoolItem8.map((x) => x.task.due)).toEqual(['2020-08-20']);
  });

  it('answers a photo, a PDF, a file over 20 MB and a document without a table with what to send instead', async () => {
    await h.handle(photoUpdate(coordinator));
    expect(last(coordinator)).toContain('Фото дорожной карты бот прочитать не сможет');
    await send(coordinator, 'приказ.pdf', Buffer.from('%PDF-1.4 …'));
    expect(last(coordinator)).toContain('Дорожную карту можно прислать как DOCX, XLSX или текст');
    await send(coordinator, 'большой.docx', Buffer.from('PK'), 20 * 1024 * 1024 + 1);
    expect(last(coordinator)).toContain('Файл больше 20 МБ');
    await send(coordinator, 'распоряжение 125.txt', await seed('004_140aef21c564b531.txt'));
    expect(last(coordinator)).toContain('В документе нет таблицы мероприятий');
  });
});
