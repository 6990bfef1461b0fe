import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { runAdmin } from '../../src/cli/commands';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { createSettingsRepository } from '../../src/domain/shared/settings.repository';
import { person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

async function open(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook;
}

/** The values of a sheet's rows as text, row by row (row 1 is the header). */
function rows(sheet: ExcelJS.Worksheet): string[][] {
  const out: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)));
    out.push(values);
  });
  return out;
}

/**
 * /report and `npm run admin -- report`: one XLSX of the territory — the roadmap as items × organizations, the
 * register, the indicators, the monitoring answers and the School of Mentoring's banks — named with the territory
 * and the date, built while a progress message shows.
 */
describe('the territory report', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const head = person(9971);
  const coordinator = person(9972);
  const kindergartenHead = person(9973);

  beforeAll(async () => {
    h = await createHarness(); // 23.11.2026
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(kindergartenHead, 'head', { level: 'organization', id: territory.kindergarten5.id }, 'Лебедева Анна');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Михайлова Елена Викторовна');
    const context = { ownerLevel: 'municipality' as const, period: { start: '2026-09-01', end: '2027-06-30' }, referenceDate: '2026-09-01' };
    const item = (number: string, name: string, deadline: string) =>
      withResponsible(newItem({ number, section: null, name, deadline, responsible: 'ОО', documentKind: '' }, context), 'organizations', 'ОО', context);
    await h.services.roadmap.publish(
      { title: 'Дорожная карта 2026/27', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item('1', 'Приказ о наставничестве', 'до 10.11.2026'), item('2', 'Положение о наставничестве', 'до 28.11.2026')] },
      { level: 'municipality', id: territory.bodaibo.id },
      'test',
    );
    // The region's roadmap: one item for the municipal departments, one for every school of the region.
    const regional = { ownerLevel: 'region' as const, period: context.period, referenceDate: context.referenceDate };
    const regionalItem = (number: string, name: string, target: 'municipalities' | 'organizations') =>
      withResponsible(newItem({ number, section: null, name, deadline: 'до 20.12.2026', responsible: 'МОУО', documentKind: '' }, regional), target, 'МОУО', regional);
    await h.services.roadmap.publish(
      { title: 'Региональная дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [regionalItem('1', 'Назначить муниципального куратора', 'municipalities'), regionalItem('2', 'Разместить положение на сайте', 'organizations')] },
      { level: 'region', id: territory.irkutsk.id },
      'test',
    );
    // School 1 sent item 2 and it was accepted; item 1 is overdue everywhere.
    const task2 = (await h.services.roadmap.tasksOf(territory.school1.id)).find((x) => x.item.number === '2')!.task;
    await h.services.roadmap.submit(territory.school1.id, task2.id, [{ kind: 'comment', text: 'Положение утверждено' }], head.id);
    await h.services.roadmap.review({ level: 'municipality', id: territory.bodaibo.id }, task2.id, 'accepted', coordinator.id);
    await h.services.register.confirmConsent(territory.school1.id, head.id);
    await h.services.register.createPair(
      territory.school1.id,
      { mentor: { name: 'Соколова Анна Ивановна', category: 'teacher', position: 'учитель' }, mentee: { name: 'Ким Олег Юрьевич', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' },
      head.id,
    );
    await h.services.register.saveCounts(territory.school1.id, { pupils_11_18: 300, pupils_15_18: 120, young_specialists: 2, pupils_ovz: 5, pupils_at_risk: 3 }, head.id);
    // The quarter's monitoring: school 1 answered.
    const scope = { level: 'municipality' as const, id: territory.bodaibo.id };
    await h.services.monitoring.start(scope, await h.services.monitoring.currentQuarter(scope), coordinator.id);
    const monitoringTask = (await h.services.roadmap.tasksOf(territory.school1.id)).find((x) => x.item.key.startsWith('monitoring|'))!.task;
    const participants = { pupil_pupil: 0, teacher_teacher: 2, student_pupil: 0, employer_pupil: 0, employer_student: 0, teacher_pupil: 0 };
    const saved = await h.services.monitoring.submit(
      territory.school1.id,
      monitoringTask.id,
      { programmes: 1, participants, wentWell: 'Молодой педагог провёл открытый урок', obstacles: null, satisfaction: 8, siteSection: true, independentAssessment: false },
      head.id,
      'Анкета',
    );
    expect(saved).toBe('saved');
  });
  afterAll(async () => h.close());

  it('a coordinator gets one XLSX named with the territory and the date, after a progress message', async () => {
    h.telegram.clear();
    await h.send(coordinator, '/report');
    const documents = h.telegram.documentsTo(coordinator.id);
    expect(documents).toHaveLength(1);
    expect(documents[0]!.fileName).toBe('Отчёт ЦМН г. Бодайбо и район 23.11.2026.xlsx');
    expect(documents[0]!.caption).toContain('📊 Отчёт ЦМН: г. Бодайбо и район на 23.11.2026.');
    // The progress message was sent first and edited step by step, ending «готов».
    const progress = h.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === coordinator.id)[0]!;
    expect(progress.payload.text).toBe('⏳ Готовлю отчёт «г. Бодайбо и район»: дорожная карта (1 из 6)…');
    const edits = h.telegram.callsOf('editMessageText').filter((c) => c.payload.chat_id === coordinator.id).map((c) => c.payload.text as string);
    expect(edits).toContain('⏳ Готовлю отчёт «г. Бодайбо и район»: реестр (2 из 6)…');
    expect(edits.at(-1)).toBe('✅ Отчёт готов: Отчёт ЦМН г. Бодайбо и район 23.11.2026.xlsx');

    const workbook = await open(documents[0]!.data);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Дорожная карта', 'Реестр', 'Целевые показатели', 'Мониторинг', 'Практики', 'Программы', 'Молодые педагоги', 'Заседания МШН']);

    // The matrix: a row per item, a column per organization, status and dates in the cells.
    const matrix = rows(workbook.getWorksheet('Дорожная карта')!);
    const head1 = matrix[0]!;
    const school = head1.indexOf('МБОУ СОШ № 1');
    const kindergarten = head1.indexOf('МКДОУ д/с № 5');
    expect(school).toBeGreaterThan(5);
    expect(kindergarten).toBeGreaterThan(5);
    const item1 = matrix.find((r) => r[0] === 'Дорожная карта 2026/27' && r[1] === '1')!;
    expect(item1[2]).toBe('Приказ о наставничестве');
    expect(item1[4]).toBe('10.11.2026');
    expect(item1[5]).toBe('0 / 2');
    expect(item1[school]).toBe('просрочено (срок 10.11.2026)');
    const item2 = matrix.find((r) => r[0] === 'Дорожная карта 2026/27' && r[1] === '2')!;
    expect(item2[5]).toBe('1 / 2');
    expect(item2[school]).toBe('принято 23.11.2026');
    expect(item2[kindergarten]).toBe('не выполнено');
    // The region's roadmap shows with this municipality's parties: the municipality itself in the coordinator's column.
    const coordinatorColumn = head1.indexOf('Координатор');
    const regional1 = matrix.find((r) => r[0] === 'Региональная дорожная карта' && r[1] === '1')!;
    expect(regional1[coordinatorColumn]).toBe('не выполнено');
    expect(regional1[5]).toBe('0 / 1');
    const regional2 = matrix.find((r) => r[0] === 'Региональная дорожная карта' && r[1] === '2')!;
    expect(regional2[5]).toBe('0 / 2');
    expect(regional2[school]).toBe('не выполнено');
    // The monitoring round is a roadmap too, with school 1 done.
    expect(matrix.some((r) => r[0] === 'Мониторинг реализации ЦМН' && r[school]?.startsWith('принято'))).toBe(true);

    const register = rows(workbook.getWorksheet('Реестр')!);
    expect(register).toHaveLength(2);
    expect(register[1]!.slice(0, 8)).toEqual(['МБОУ СОШ № 1', 'Н-001', 'Соколова Анна Ивановна', 'педагог', 'учитель', 'Я-001', 'Ким Олег Юрьевич', 'молодой специалист']);

    // Indicator 4: 1 young specialist with a mentor of 2 reported = 50 %, red; indicator 11 from the monitoring: 1 of 1.
    const indicators = rows(workbook.getWorksheet('Целевые показатели')!);
    const four = indicators.find((r) => r[0] === '4')!;
    expect(four[1]).toContain('молодых специалистов');
    expect(Number(four[2])).toBe(1);
    expect(Number(four[4])).toBeCloseTo(0.5);
    expect(four[5]).toBe('ниже цели');
    expect(four.slice(6, 8)).toEqual(['1', '2']);
    const eleven = indicators.find((r) => r[0] === '11')!;
    expect(Number(eleven[4])).toBe(1);
    expect(eleven[5]).toBe('достигнуто');
    const two = indicators.find((r) => r[0] === '2')!;
    expect(two[4]).toBe('нет данных');
    expect(indicators.some((r) => r[1] === 'Дети 11–18 лет, проживающие на территории' && r[2] === 'не введено')).toBe(true);

    const monitoring = rows(workbook.getWorksheet('Мониторинг')!);
    // School 1's answer, then the kindergarten that has not answered the quarter.
    expect(monitoring).toHaveLength(3);
    expect(monitoring[2]!.slice(0, 3)).toEqual(['МКДОУ д/с № 5', monitoring[1]![1]!, 'нет ответа']);
    expect(monitoring[1]![0]).toBe('МБОУ СОШ № 1');
    expect(monitoring[1]).toContain('Молодой педагог провёл открытый урок');
    expect(monitoring[1]!.slice(-3)).toEqual(['8', 'да', 'нет']);
  });

  it('a head may not ask for it', async () => {
    await h.send(head, '/report');
    expect(h.telegram.lastTextTo(head.id)).toContain('недоступна');
    expect(h.telegram.documentsTo(head.id)).toHaveLength(0);
  });

  it('the operator builds the same report from the command line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'));
    const lines: string[] = [];
    const admin = (argv: string[]) => runAdmin(argv, { services: h.services, settings: createSettingsRepository(h.conn), out: (l) => lines.push(l), lang: 'ru', now: h.time.clock, cwd: dir });
    try {
      expect(await admin(['report', '--out', 'x.xlsx'])).toBe(2);
      expect(lines.at(-1)).toContain('Укажите территорию');
      expect(await admin(['report', '--municipality', 'г. Бодайбо и район', '--out', 'bodaibo.xlsx'])).toBe(0);
      expect(lines).toContain('1/6 дорожная карта…');
      expect(lines.at(-1)).toMatch(/^Отчёт сохранён: .*bodaibo\.xlsx \(\d+ КБ\)$/);
      const workbook = await open(await readFile(join(dir, 'bodaibo.xlsx')));
      expect(workbook.getWorksheet('Дорожная карта')).toBeDefined();
      expect(rows(workbook.getWorksheet('Реестр')!)).toHaveLength(2);
      // A region's report has each municipality's indicators too.
      expect(await admin(['report', '--region', 'Иркутская область', '--out', 'irkutsk.xlsx'])).toBe(0);
      const region = await open(await readFile(join(dir, 'irkutsk.xlsx')));
      expect(rows(region.getWorksheet('Показатели по муниципалитетам')!).map((r) => r[0])).toContain('г. Бодайбо и район');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
