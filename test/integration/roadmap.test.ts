import { join } from 'node:path';
import { Types } from 'mongoose';
import { roadmapModels } from '../../src/domain/roadmap/roadmap.model';
import { createRoadmapRepository } from '../../src/domain/roadmap/roadmap.repository';
import { createServices } from '../../src/domain/services';
import { runAdmin } from '../../src/cli/commands';
import { createSettingsRepository } from '../../src/domain/shared/settings.repository';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { openTestDb, seedTerritory, testClock } from '../helpers/services';

const ROOT = join(__dirname, '..', '..');
const SEED = (name: string) => join(ROOT, 'test', 'fixtures', 'seeds', name);
const SEED_000 = SEED('000_d37c693b162ac2fd.txt');
const SEED_002 = SEED('002_eec7bd9caed78b60.txt');
const SEED_003 = SEED('003_21b4394417a6f63c.txt');
const SEED_004 = SEED('004_140aef21c564b531.txt');

describe('roadmaps: import from the command line, publish, fan out into tasks, submit and review', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    await admin(['import-orgs', join(ROOT, 'scripts', 'samples', 'organizations.csv')]);
  });
  afterAll(async () => db.close());

  async function admin(argv: string[]) {
    const lines: string[] = [];
    const code = await runAdmin(argv, { services: db.services, settings: createSettingsRepository(db.conn), out: (l) => lines.push(l), lang: 'ru', now: time.clock, cwd: ROOT });
    return { code, lines, text: lines.join('\n') };
  }

  it('a dry run prints one line per item, starting with its number, then «N items», and publishes nothing', async () => {
    const r = await admin(['import-roadmap', SEED_000, '--municipality', 'г. Бодайбо и район', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toBe('16 items');
    expect(r.text).toContain('Период: 01.01.2021 – 31.12.2024; сроки без года считаются от 28.05.2021');
    const itemLines = r.lines.filter((l) => /^\d+\.?\s+\[/.test(l));
    expect(itemLines).toHaveLength(16);
    expect(itemLines[0]).toMatch(/^1\.?\s+\[I\] Разработка и утверждение Дорожной карты/);
    expect(itemLines[0]).toContain('«I квартал 2021 г.» → 01.01.2021–31.03.2021');
    expect(r.text).toMatch(/каждая организация \(образовательные организации\): «III квартал 2021 г\.» → 01\.07\.2021–30\.09\.2021/);
    expect(await db.services.roadmap.roadmapsOf([(await db.services.territory.listMunicipalities()).find((m) => m.name === 'г. Бодайбо и район')!.id])).toHaveLength(0);
  });

  it('publishing fans items out: one task per school for «образовательные организации», the coordinator’s own for named bodies', async () => {
    const bodaibo = (await db.services.territory.listMunicipalities()).find((m) => m.name === 'г. Бодайбо и район')!;
    const schools = await db.services.territory.organizationsIn({ level: 'municipality', id: bodaibo.id });
    expect(schools).toHaveLength(5);
    const r = await admin(['import-roadmap', SEED_000, '--municipality', 'г. Бодайбо и район']);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/Опубликовано: пунктов новых 16, обновлено 0, удалено 0; задач создано \d+/);
    const [roadmap] = await db.services.roadmap.roadmapsOf([bodaibo.id]);
    const tasks = await db.services.roadmap.tasksOfRoadmap(roadmap!.id);
    // Item I.2 «Создание раздела на сайте …»: МКУ «Ресурсный центр» (the coordinator) and each of the 5 schools, by 30.09.2021.
    const items = await db.services.roadmap.itemsOf(roadmap!.id);
    const site = items.find((i) => i.name.startsWith('Создание раздела на сайте'))!;
    const siteTasks = tasks.filter((t) => t.itemId === site.id);
    expect(siteTasks.filter((t) => t.target.level === 'organization').map((t) => t.due)).toEqual(Array(5).fill('2021-09-30'));
    expect(siteTasks.filter((t) => t.target.level === 'coordinator')).toHaveLength(1);
    // Item III.2 names one school: МКУ «Ресурсный центр» (the coordinator) and that school get it, the others do not.
    const pedClass = items.find((i) => i.name.startsWith('Реализация муниципального проекта «Педагогический класс»'))!;
    const school3 = schools.find((s) => s.shortName === 'МКОУ «СОШ № 3 г. Бодайбо»')!;
    expect(tasks.filter((t) => t.itemId === pedClass.id).map((t) => t.target)).toEqual(
      expect.arrayContaining([{ level: 'coordinator', id: bodaibo.id }, { level: 'organization', id: school3.id }]),
    );
    expect(tasks.filter((t) => t.itemId === pedClass.id)).toHaveLength(2);
    // Item IV.2 «Ежегодно»: one task per occurrence, the end of each year from 2021 to 2024.
    const yearly = items.find((i) => i.name.startsWith('Участие в региональных мероприятиях'))!;
    const school = schools[0]!;
    expect(tasks.filter((t) => t.itemId === yearly.id && t.target.id === school.id).map((t) => t.due).sort()).toEqual(['2021-12-31', '2022-12-31', '2023-12-31', '2024-12-31']);

    // The same roadmap again: updated, nothing duplicated.
    const again = await admin(['import-roadmap', SEED_000, '--municipality', 'г. Бодайбо и район']);
    expect(again.text).toMatch(/обновлена: пунктов новых 0, обновлено 16, удалено 0; задач создано 0, сохранено \d+, удалено 0/);
    expect((await db.services.roadmap.tasksOfRoadmap(roadmap!.id)).length).toBe(tasks.length);
    expect(await db.services.roadmap.roadmapsOf([bodaibo.id])).toHaveLength(1);
  });

  it('a head submits evidence for a school task, the coordinator returns it with a reason, then accepts the second try', async () => {
    const bodaibo = (await db.services.territory.listMunicipalities()).find((m) => m.name === 'г. Бодайбо и район')!;
    const [school, other] = await db.services.territory.organizationsIn({ level: 'municipality', id: bodaibo.id });
    const mine = await db.services.roadmap.tasksOf(school!.id);
    expect(mine.length).toBeGreaterThan(0);
    // Sorted by due date, open-ended last.
    expect(mine.map((m) => m.task.due ?? '9999')).toEqual([...mine.map((m) => m.task.due ?? '9999')].sort());
    const withDocument = mine.find((m) => m.item.documentKind.trim() !== '')!;
    const taskId = withDocument.task.id;

    // A comment alone is not enough where a document is expected; another school cannot touch it.
    expect(await db.services.roadmap.submit(school!.id, taskId, [{ kind: 'comment', text: 'сделано' }], 1)).toEqual({ status: 'needs_document' });
    expect(await db.services.roadmap.submit(other!.id, taskId, [{ kind: 'link', url: 'https://school.example/nastavnichestvo' }], 2)).toEqual({ status: 'not_found' });
    const submitted = await db.services.roadmap.submit(school!.id, taskId, [{ kind: 'link', url: 'https://school.example/nastavnichestvo' }], 1);
    expect(submitted.status).toBe('submitted');
    expect(await db.services.roadmap.submit(school!.id, taskId, [{ kind: 'link', url: 'https://x.example' }], 1)).toEqual({ status: 'not_open' });

    // A coordinator of another municipality does not reach it; this one returns it.
    const artemovsky = (await db.services.territory.listMunicipalities()).find((m) => m.name === 'Артемовский городской округ')!;
    expect(await db.services.roadmap.review({ level: 'municipality', id: artemovsky.id }, taskId, 'accepted', 9)).toEqual({ status: 'not_found' });
    const returned = await db.services.roadmap.review({ level: 'municipality', id: bodaibo.id }, taskId, 'returned', 9, 'Нужен приказ со всеми подписями');
    expect(returned.status === 'done' && returned.task.status).toBe('returned');
    const again = await db.services.roadmap.submit(school!.id, taskId, [{ kind: 'file', fileId: 'AgAD-file', fileName: 'приказ.pdf', fileSize: 120_000, mimeType: 'application/pdf' }], 1);
    expect(again.status).toBe('submitted');
    const accepted = await db.services.roadmap.review({ level: 'municipality', id: bodaibo.id }, taskId, 'accepted', 9);
    expect(accepted.status === 'done' && accepted.task).toMatchObject({ status: 'accepted', submissions: [{ by: 1 }, { by: 1 }], reviews: [{ decision: 'returned', reason: 'Нужен приказ со всеми подписями' }, { decision: 'accepted' }] });
  });

  it('imports the other seeds with their item counts; a regional roadmap fans out per municipality; seed 004 has no table', async () => {
    const artem = await admin(['import-roadmap', SEED_002, '--municipality', 'Артемовский городской округ', '--period', '2020-11-02..2024-12-31', '--dry-run']);
    expect(artem.code).toBe(0);
    expect(artem.lines.at(-1)).toBe('20 items');
    expect(artem.text).toContain('«До 09.11.2020 Далее- по мере необходимости»');

    const altai = await admin(['import-roadmap', SEED_003, '--region', 'Республика Алтай']);
    expect(altai.code).toBe(0);
    // 28 numbered items and one the document left unnumbered («Школа успеха», between 15 and 16).
    expect(altai.lines.at(-1)).toBe('29 items');
    const region = (await db.services.territory.listRegions()).find((r) => r.name === 'Республика Алтай')!;
    const [roadmap] = await db.services.roadmap.roadmapsOf([region.id]);
    const items = await db.services.roadmap.itemsOf(roadmap!.id);
    const item8 = items.find((i) => i.name.startsWith('Разработка и утверждение дорожных карт'))!;
    const tasks = (await db.services.roadmap.tasksOfRoadmap(roadmap!.id)).filter((t) => t.itemId === item8.id);
    // Two municipalities by 10 August, five organizations by 20 August.
    expect(tasks.filter((t) => t.target.level === 'municipality').map((t) => t.due)).toEqual(['2020-08-10', '2020-08-10']);
    expect(tasks.filter((t) => t.target.level === 'organization').map((t) => t.due)).toEqual(Array(5).fill('2020-08-20'));

    const kirov = await admin(['import-roadmap', SEED_004, '--municipality', 'Кировский муниципальный район']);
    expect(kirov.code).toBe(1);
    expect(kirov.text).toContain('В документе нет таблицы мероприятий');
  });

  it('refuses a bad command line with exit 2 and a missing period with a hint', async () => {
    expect((await admin(['import-roadmap', SEED_000])).code).toBe(2);
    expect((await admin(['import-roadmap', SEED_000, '--municipality', 'г. Бодайбо и район', '--period', '2024-01-01..2021-01-01'])).code).toBe(2);
    const noPeriod = await admin(['import-roadmap', SEED_002, '--municipality', 'Артемовский городской округ', '--dry-run']);
    expect(noPeriod.code).toBe(1);
    expect(noPeriod.text).toContain('--period 2021-01-01..2024-12-31');
  });
});

describe('appending one item to a roadmap (data requests, the monitoring)', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    await seedTerritory(db.services);
  });
  afterAll(async () => db.close());

  it('makes the roadmap once, fans each item out to every organization, and two appends at once keep both items', async () => {
    const bodaibo = (await db.services.territory.listMunicipalities()).find((m) => m.name === 'г. Бодайбо и район')!;
    const owner = { level: 'municipality' as const, id: bodaibo.id };
    const orgs = await db.services.territory.organizationsIn(owner);
    const context = { ownerLevel: 'municipality' as const, period: { start: '2026-11-23', end: '2027-11-23' }, referenceDate: '2026-11-23' };
    const item = (key: string, name: string, deadline: string) => ({ ...withResponsible(newItem({ number: key, section: null, name, deadline, responsible: 'ОО', documentKind: '' }, context), 'organizations', 'ОО', context), key });
    const [a, b] = await Promise.all([
      db.services.roadmap.appendItem(owner, 'Запросы координатора', item('request|a', 'Сведения о наставниках', 'до 09.12.2026'), 1),
      db.services.roadmap.appendItem(owner, 'Запросы координатора', item('request|b', 'Скан-копии приказов', 'до 15.12.2026'), 2),
    ]);
    const roadmaps = await db.services.roadmap.roadmapsOf([bodaibo.id]);
    expect(roadmaps.filter((r) => r.title === 'Запросы координатора')).toHaveLength(1);
    const items = await db.services.roadmap.itemsOf(roadmaps[0]!.id);
    expect(items.map((i) => i.key).sort()).toEqual(['request|a', 'request|b']);
    expect(a.tasksCreated + b.tasksCreated).toBe(2 * orgs.length);
    // Appending the same key again replaces the item and makes no second set of tasks.
    const again = await db.services.roadmap.appendItem(owner, 'Запросы координатора', item('request|a', 'Сведения о наставниках (уточнено)', 'до 09.12.2026'), 1);
    expect(again.tasksCreated).toBe(0);
    expect(again.item.name).toBe('Сведения о наставниках (уточнено)');
    expect(await db.services.roadmap.tasksOfRoadmap(roadmaps[0]!.id)).toHaveLength(2 * orgs.length);
  });
});

describe('tasks stored before targetId existed', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb(time.clock);
  });
  afterAll(async () => db.close());

  it('get it at the next start, once, and show in the party’s list again', async () => {
    const { Task } = roadmapModels(db.conn);
    const school = new Types.ObjectId();
    // A task as an earlier version stored it: the party only inside `target`.
    await Task.collection.insertOne({ roadmapId: new Types.ObjectId(), itemId: new Types.ObjectId(), target: { level: 'organization', id: school }, regionId: new Types.ObjectId(), key: 'old|1', due: '2026-12-01', start: null, status: 'open', submissions: [], reviews: [] });
    const settings = createSettingsRepository(db.conn);
    await db.conn.collection('settings').deleteOne({ _id: 'roadmap.tasks.targetId' } as never);
    const repo = createRoadmapRepository(db.conn);
    expect(await repo.tasksOf(String(school))).toHaveLength(0);
    await createServices(db.conn, { clock: time.clock, inviteTtlDays: 14 }).ensureIndexes();
    expect((await repo.tasksOf(String(school))).map((t) => t.due)).toEqual(['2026-12-01']);
    expect(await settings.get('roadmap.tasks.targetId')).not.toBeNull();
  });
});
