import type { User as TgUser } from 'grammy/types';
import { callbackUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;

describe('a coordinator builds a roadmap in the bot (seed 004 has no table) and changes its items', () => {
  let h: Harness;
  let territory: Territory;
  const coordinator = person(9951);
  const stranger = person(9952);

  const last = (who: TgUser) => h.telegram.lastTextTo(who.id);
  const roadmap = async () => (await h.services.roadmap.roadmapsOf([territory.bodaibo.id]))[0]!;

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Супрун Ольга Александровна');
    await h.register(stranger, 'coordinator', { level: 'municipality', id: territory.artemovsky.id });
  });
  afterAll(async () => h.close());

  it('makes the МШН roadmap: title, period, then items with their deadlines, parties and documents', async () => {
    await h.send(coordinator, '/roadmap');
    expect(last(coordinator)).toContain('Дорожных карт пока нет');
    await h.pressText(coordinator, 'Составить в боте');
    await h.send(coordinator, 'МШН');
    expect(last(coordinator)).toBe('Слишком коротко — напишите подробнее.');
    await h.send(coordinator, 'Дорожная карта муниципальной Школы наставничества на 2023-2024 годы');
    await h.send(coordinator, 'с сентября');
    await h.send(coordinator, '01.09.2023-31.12.2024');
    expect(last(coordinator)).toContain('создана. Добавьте пункты');

    await h.pressText(coordinator, 'Добавить пункт');
    await h.send(coordinator, 'Заседание муниципальной Школы наставничества');
    await h.send(coordinator, 'когда получится');
    expect(h.telegram.textsTo(coordinator.id).at(-1)).toContain('Этот срок бот тоже не понял');
    await h.send(coordinator, 'не реже 2-х раз за учебный год');
    await h.pressText(coordinator, 'Координатору');
    await h.send(coordinator, 'Протокол заседания');
    expect(last(coordinator)).toMatch(/Пункт «Заседание муниципальной Школы наставничества» добавлен, срок: каждый учебный год × 2, ближайший срок .*\. Задач создано: 3\./);

    await h.pressText(coordinator, 'Добавить пункт');
    await h.send(coordinator, 'Размещение документов по ЦМН на сайте организации');
    await h.send(coordinator, 'до 01.05.2024');
    await h.pressText(coordinator, 'Каждой организации');
    await h.send(coordinator, 'Ссылка на раздел сайта');
    expect(last(coordinator)).toContain('Задач создано: 2.');
    const schoolTasks = await h.services.roadmap.tasksOf(territory.school1.id);
    expect(schoolTasks.map((x) => [x.item.name, x.task.due, x.item.documentKind])).toEqual([['Размещение документов по ЦМН на сайте организации', '2024-05-01', 'Ссылка на раздел сайта']]);
  });

  it('changes an item’s deadline and whose task it is, and deletes one; the tasks follow each change', async () => {
    const { id } = await roadmap();
    await h.handle(callbackUpdate(coordinator, `rm:o:${id}:0`, 1));
    expect(last(coordinator)).toContain('Пунктов: 2');
    await h.pressText(coordinator, 'Размещение документов');
    expect(last(coordinator)).toContain('Срок в документе: «до 01.05.2024»');
    await h.pressText(coordinator, 'Срок');
    await h.send(coordinator, 'до 15.05.2024');
    expect(last(coordinator)).toContain('Сохранено. Задачи обновлены: новых 2, снято 2.');
    expect((await h.services.roadmap.tasksOf(territory.school1.id)).map((x) => x.task.due)).toEqual(['2024-05-15']);

    await h.handle(callbackUpdate(coordinator, `rm:o:${id}:0`, 1));
    await h.pressText(coordinator, 'Размещение документов');
    await h.pressText(coordinator, 'Кому');
    await h.pressText(coordinator, 'Координатору');
    expect(last(coordinator)).toContain('новых 1, снято 2');
    expect(await h.services.roadmap.tasksOf(territory.school1.id)).toHaveLength(0);

    await h.handle(callbackUpdate(coordinator, `rm:o:${id}:0`, 1));
    await h.pressText(coordinator, 'Заседание');
    await h.pressText(coordinator, 'Удалить пункт');
    expect(last(coordinator)).toContain('Удалить пункт 1 «Заседание муниципальной Школы наставничества»?');
    await h.pressText(coordinator, 'Да, удалить');
    expect(last(coordinator)).toBe('Пункт удалён. Снято открытых задач: 3.');
    expect(await h.services.roadmap.itemsOf(id)).toHaveLength(1);
  });

  it('another territory’s coordinator cannot open or change it by guessing ids', async () => {
    const { id } = await roadmap();
    const [item] = await h.services.roadmap.itemsOf(id);
    for (const data of [`rm:o:${id}:0`, `rm:i:${item!.id}`, `rm:dely:${item!.id}`, `rm:rt:${item!.id}:organizations`, `rm:add:${id}`]) {
      h.telegram.clear();
      await h.handle(callbackUpdate(stranger, data, 1));
      expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Этой дорожной карты или пункта уже нет.');
    }
    expect(await h.services.roadmap.itemsOf(id)).toHaveLength(1);
  });

  it('moves a task a school already sent to the new deadline with its documents, instead of asking for it again', async () => {
    const owner = { level: 'municipality' as const, id: territory.artemovsky.id };
    const context = { ownerLevel: 'municipality' as const, period: { start: '2026-09-01', end: '2027-06-30' }, referenceDate: '2026-09-01' };
    const item = withResponsible(newItem({ number: '1', section: null, name: 'Приказ о внедрении ЦМН', deadline: 'до 01.12.2026', responsible: 'ОО', documentKind: 'Приказ' }, context), 'organizations', 'ОО', context);
    const { roadmap: published } = await h.services.roadmap.publish({ title: 'Дорожная карта АГО', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, owner, 'test');
    const task = (await h.services.roadmap.tasksOf(territory.school8.id))[0]!.task;
    await h.services.roadmap.submit(territory.school8.id, task.id, [{ kind: 'link', url: 'https://school8.example/prikaz.pdf' }], 1);

    await h.handle(callbackUpdate(stranger, `rm:o:${published.id}:0`, 1));
    await h.pressText(stranger, 'Приказ о внедрении ЦМН');
    await h.pressText(stranger, 'Срок');
    await h.send(stranger, 'до 15.12.2026');
    expect(last(stranger)).toContain('Сохранено. Задачи обновлены: новых 0, снято 0.');
    expect(last(stranger)).toContain('перенесены на новый срок вместе с документами');
    const after = await h.services.roadmap.tasksOf(territory.school8.id);
    expect(after.map((x) => ({ id: x.task.id, due: x.task.due, status: x.task.status }))).toEqual([{ id: task.id, due: '2026-12-15', status: 'submitted' }]);
    expect(after[0]!.task.submissions[0]!.evidence).toEqual([{ kind: 'link', url: 'https://school8.example/prikaz.pdf' }]);
  });
});
