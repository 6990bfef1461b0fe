import ExcelJS from 'exceljs';
import type { User as TgUser } from 'grammy/types';
import { REGISTER_CONSENT_DATA } from '../../src/bot/features/register-consent';
import { pendingImportKey } from '../../src/bot/features/register-files';
import { buildTemplate } from '../../src/domain/register/register-file';
import { createLeases } from '../../src/domain/shared/lease';
import { createServices, type Services } from '../../src/domain/services';
import { callbackUpdate, documentUpdate, filePathOf, person, textUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;

/** The rows a head types into the template: four good ones, one with a bad date, one pupil too young. */
const SCHOOL1_ROWS: unknown[][] = [
  ['Петрова Анна Ивановна', 'педагог', 'учитель математики', 'Сидоров Олег Павлович', 'молодой специалист', '', '', 'учитель–учитель', 'Адаптация молодого педагога', '01.09.2026', ''],
  ['Петрова Анна Ивановна', 'педагог', 'учитель математики', 'Кузнецова Ирина Сергеевна', 'обучающийся', 14, '8Б', 'педагог–учащийся', 'Шаг вперёд', '01.09.2026', ''],
  ['Лебедев Пётр', 'обучающийся', '10А', 'Орлов Иван', 'обучающийся', 12, '5А', 'ученик–ученик', 'Читаем вместе', '31.02.2026', ''],
  ['Фёдоров Ян Ильич', 'представитель работодателя', 'инженер', 'Зайцев Глеб', 'обучающийся', 16, '10Б', 'работодатель–ученик', 'Профи', '01.02.2026', '01.06.2026'],
  ['Лебедев Пётр', 'обучающийся', '10А', 'Белова Мила', 'обучающийся', 9, '3А', 'ученик–ученик', 'Читаем вместе', '01.10.2026', ''],
];

/** The template, filled in from its third row, as Excel would save it. */
async function filledTemplate(rows: unknown[][], nameMode: 'full' | 'codes' = 'full'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await buildTemplate(nameMode)) as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  rows.forEach((cells, i) => (sheet.getRow(3 + i).values = cells as ExcelJS.CellValue[]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function openXlsx(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook;
}

const rowValues = (sheet: ExcelJS.Worksheet, n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('the register as files: template, upload with a report, confirmation, export', () => {
  let h: Harness;
  let territory: Territory;
  const head = person(9101);
  const head5 = person(9102);
  const head8 = person(9103);
  const coordinator = person(9104);
  const admin = person(9105);
  const guest = person(9106);
  let fileSeq = 0;

  /** The head attaches a file: its bytes are where the fake getFile points, and the update reaches the bot. */
  async function upload(from: TgUser, fileName: string, data: Buffer, options: { fileSize?: number; services?: Services } = {}) {
    const fileId = `file-${++fileSeq}`;
    h.files.set(filePathOf(fileId), data);
    await h.handle(documentUpdate(from, { fileId, fileName, fileSize: options.fileSize ?? data.length, mimeType: 'application/octet-stream' }), options.services);
  }

  const texts = (from: TgUser) => h.telegram.textsTo(from.id);
  const last = (from: TgUser) => h.telegram.lastTextTo(from.id);
  const button = (from: TgUser, prefix: string) => h.telegram.lastButtons(from.id).find((b) => b.data.startsWith(prefix));
  const pairsOf = async (schoolId: string) => (await h.services.register.listPairs(schoolId, 0, 100)).items;

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванов Пётр Сергеевич');
    await h.register(head5, 'head', { level: 'organization', id: territory.kindergarten5.id }, 'Смирнова Ольга');
    await h.register(head8, 'head', { level: 'organization', id: territory.school8.id }, 'Орлова Нина');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Григорьева Алла Викторовна');
    await h.services.people.makeAdmin(admin.id);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('when a head asks for /template, then they get the XLSX with a caption on how to fill it in', async () => {
    await h.send(head, '/template');
    const [doc] = h.telegram.documentsTo(head.id);
    expect(doc!.fileName).toBe('шаблон-реестра.xlsx');
    expect(doc!.caption).toContain('пришлите сюда сообщением');
    const workbook = await openXlsx(doc!.data);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Реестр', 'Справочник']);
    expect(workbook.worksheets[0]!.getCell('A1').value).toBe('ФИО наставника');
  });

  it('when a head sends their first file, then they are asked to confirm the consents first and nothing is read', async () => {
    await upload(head, 'реестр.xlsx', await filledTemplate(SCHOOL1_ROWS));
    expect(last(head)).toContain('подтвердите');
    expect(h.telegram.callsOf('getFile')).toHaveLength(0);
    await h.press(head, REGISTER_CONSENT_DATA);
    expect(last(head)).toContain('подтверждение сохранено');
  });

  it('when a head sends a filled template, then the report counts ready rows and lists each problem with row, column and reason', async () => {
    await upload(head, 'реестр.xlsx', await filledTemplate(SCHOOL1_ROWS));
    const report = last(head);
    expect(report).toContain('Файл «реестр.xlsx» проверен.');
    expect(report).toContain('Готово к загрузке: 4 строк. С ошибками: 1.');
    expect(report).toContain('строка 5, «Дата начала»: Дата — в виде ДД.ММ.ГГГГ, например 01.09.2026, или слово «сегодня».');
    expect(report).toContain('Предупреждения');
    expect(report).toContain('строка 7, «Возраст наставляемого»: Наставляемому-обучающемуся 9 лет');
    expect(h.telegram.lastButtons(head.id).map((b) => b.text)).toEqual(['✅ Загрузить (строк: 4)', 'Отмена']);
    expect(await pairsOf(territory.school1.id)).toHaveLength(0); // nothing saved before the head confirms
  });

  it('when the head presses «Загрузить», then the good rows are in the register and the answer counts them', async () => {
    await upload(head, 'реестр.xlsx', await filledTemplate(SCHOOL1_ROWS));
    await h.press(head, button(head, 'regimport:ok')!.data);
    expect(last(head)).toContain('Загружено: новых 4, обновлено 0, без изменений 0.');
    expect(h.telegram.callsOf('editMessageReplyMarkup')).toHaveLength(1); // the buttons are gone
    const pairs = await pairsOf(territory.school1.id);
    expect(pairs.map((p) => `${p.mentor.name} → ${p.mentee.name}: ${p.form}, ${p.status}`).sort()).toEqual([
      'Лебедев Пётр → Белова Мила: pupil_pupil, active',
      'Петрова Анна Ивановна → Кузнецова Ирина Сергеевна: teacher_pupil, active',
      'Петрова Анна Ивановна → Сидоров Олег Павлович: teacher_teacher, active',
      'Фёдоров Ян Ильич → Зайцев Глеб: employer_pupil, ended',
    ]);
    // One mentor for two mentees, not two records of the same person.
    expect(new Set(pairs.filter((p) => p.mentor.name === 'Петрова Анна Ивановна').map((p) => p.mentor.code)).size).toBe(1);
    expect(await h.redis.exists(pendingImportKey(head.id))).toBe(0);
  });

  it('when the same file is sent and loaded again, then nothing is duplicated; a changed row is updated', async () => {
    await upload(head, 'реестр.xlsx', await filledTemplate(SCHOOL1_ROWS));
    await h.press(head, button(head, 'regimport:ok')!.data);
    expect(last(head)).toContain('Загружено: новых 0, обновлено 0, без изменений 4.');
    expect(await pairsOf(territory.school1.id)).toHaveLength(4);

    const changed = SCHOOL1_ROWS.map((r, i) => (i === 0 ? [...r.slice(0, 8), 'Адаптация и рост', ...r.slice(9)] : r));
    await upload(head, 'реестр.xlsx', await filledTemplate(changed));
    await h.press(head, button(head, 'regimport:ok')!.data);
    expect(last(head)).toContain('Загружено: новых 0, обновлено 1, без изменений 3.');
    const pairs = await pairsOf(territory.school1.id);
    expect(pairs).toHaveLength(4);
    expect(pairs.find((p) => p.mentee.name === 'Сидоров Олег Павлович')!.programme).toBe('Адаптация и рост');
  });

  it('when the head presses «Отмена», then nothing is loaded and they are told so', async () => {
    await upload(head, 'новые.csv', Buffer.from('ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала\r\nНовикова Ева;педагог;Рыбин Лев;молодой специалист;учитель-учитель;Старт;01.09.2026\r\n'));
    expect(last(head)).toContain('Готово к загрузке: 1 строк. С ошибками: 0.');
    await h.press(head, button(head, 'regimport:no')!.data);
    expect(last(head)).toBe('Загрузка отменена, реестр не изменён.');
    expect(await pairsOf(territory.school1.id)).toHaveLength(4);
  });

  it('when the checked file waited too long, then «Загрузить» asks for the file again and loads nothing', async () => {
    await upload(head, 'новые.csv', Buffer.from('ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала\r\nНовикова Ева;педагог;Рыбин Лев;молодой специалист;учитель-учитель;Старт;01.09.2026\r\n'));
    const ttl = await h.redis.ttl(pendingImportKey(head.id));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    await h.redis.del(pendingImportKey(head.id)); // what Redis does when the hour is up
    await h.press(head, button(head, 'regimport:ok')!.data);
    expect(last(head)).toContain('Этот отчёт больше не действует');
    expect(await pairsOf(territory.school1.id)).toHaveLength(4);
  });

  it('when a head presses the button under the report of an earlier file, then the later file is not loaded by mistake', async () => {
    await upload(head, 'первый.csv', Buffer.from('ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала\r\nНовикова Ева;педагог;Рыбин Лев;молодой специалист;учитель-учитель;Старт;01.09.2026\r\n'));
    const first = button(head, 'regimport:ok')!;
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later file is checked at a later moment
    await upload(head, 'второй.csv', Buffer.from('ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала\r\nНовикова Ева;педагог;Тихонов Марк;молодой специалист;учитель-учитель;Старт;01.09.2026\r\n'));
    await h.handle(callbackUpdate(head, first.data, first.messageId));
    expect(last(head)).toContain('Это отчёт по одному из прежних файлов');
    expect(await pairsOf(territory.school1.id)).toHaveLength(4);
    await h.press(head, button(head, 'regimport:no')!.data);
  });

  it('when a file is of the wrong type or too large, then it is refused before it is downloaded', async () => {
    await upload(head, 'реестр.xls', Buffer.from('old excel'));
    expect(last(head)).toContain('Файл такого типа (.xls) не подходит');
    await upload(head, 'реестр.xlsx', Buffer.from('PK'), { fileSize: 11 * 1024 * 1024 });
    expect(last(head)).toBe('Файл больше 10 МБ. Разделите реестр на несколько файлов и пришлите их по очереди.');
    expect(h.telegram.callsOf('getFile')).toHaveLength(0);
  });

  it('when a file lacks required columns or is empty, then the answer says which columns or that it is empty', async () => {
    await upload(head, 'реестр.csv', Buffer.from('ФИО наставника;ФИО наставляемого;Программа\r\nПетрова Анна;Сидоров Олег;Старт\r\n'));
    expect(last(head)).toContain('не найдены обязательные столбцы: «Категория наставника», «Категория наставляемого», «Форма наставничества», «Дата начала»');
    await upload(head, 'реестр.csv', Buffer.alloc(0));
    expect(last(head)).toBe('Файл пустой. Заполните шаблон (/template) и пришлите снова.');
    expect(h.telegram.lastButtons(head.id)).toEqual([]);
  });

  it('when a file has no good row, then the report has no «Загрузить» button', async () => {
    await upload(head, 'реестр.csv', Buffer.from('ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала\r\nПетрова;директор;Сидоров Олег;ученик;учитель-учитель;Старт;вчера\r\n'));
    const report = last(head);
    expect(report).toContain('Готово к загрузке: 0 строк. С ошибками: 1.');
    expect(report).toContain('строка 2, «ФИО наставника»');
    expect(report).toContain('строка 2, «Категория наставника»: «директор» — не категория наставника.');
    expect(report).toContain('Загружать нечего');
    expect(h.telegram.callsOf('sendMessage').pop()!.payload.reply_markup).toBeUndefined();
  });

  it('when a file has many problems, then the report lists the first 30 and says how many more', async () => {
    const header = 'ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала';
    const lines = Array.from({ length: 45 }, () => 'Петрова Анна;педагог;Сидоров Олег;молодой специалист;учитель-учитель;Старт;31.02.2026');
    await upload(head, 'реестр.csv', Buffer.from([header, ...lines].join('\r\n')));
    const report = texts(head).join('\n');
    expect(report.match(/^строка \d+/gm)).toHaveLength(30);
    expect(report).toContain('…и ещё 15');
  });

  it('when someone who is not a head sends a file, then they are told who fills the register', async () => {
    // A coordinator's documents are read as roadmaps: a register file is recognised by its columns.
    await upload(coordinator, 'реестр.xlsx', await filledTemplate(SCHOOL1_ROWS));
    expect(last(coordinator)).toContain('Реестр заполняют образовательные организации');
    expect(await h.services.roadmap.roadmapsOf([territory.bodaibo.id])).toHaveLength(0);
    const downloads = h.telegram.callsOf('getFile').length;
    await upload(guest, 'реестр.xlsx', await filledTemplate(SCHOOL1_ROWS));
    expect(last(guest)).toContain('ссылку-приглашение');
    expect(h.telegram.callsOf('getFile')).toHaveLength(downloads);
  });

  it('when a head exports their school, then every cell of the XLSX holds the register as stored', async () => {
    await h.send(head, '/export');
    const [doc] = h.telegram.documentsTo(head.id);
    expect(doc!.fileName).toMatch(/^реестр-МБОУ-СОШ-№-1-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(doc!.caption).toContain('МБОУ СОШ № 1');
    expect(doc!.caption).toContain('Пар: 4.');
    const workbook = await openXlsx(doc!.data);
    const sheet = workbook.worksheets[0]!;
    expect(rowValues(sheet, 1)).toEqual([
      'Код наставника',
      'ФИО наставника',
      'Категория наставника',
      'Должность или класс наставника',
      'Код наставляемого',
      'ФИО наставляемого',
      'Категория наставляемого',
      'Возраст наставляемого',
      'Класс наставляемого',
      'Форма наставничества',
      'Программа',
      'Дата начала',
      'Дата окончания',
      'Статус',
    ]);
    expect(sheet.rowCount).toBe(5);
    const rows = [2, 3, 4, 5].map((n) => rowValues(sheet, n));
    const byMentee = (name: string) => rows.find((r) => r[5] === name)!;
    expect(byMentee('Сидоров Олег Павлович')).toEqual(['Н-001', 'Петрова Анна Ивановна', 'педагог', 'учитель математики', 'Я-001', 'Сидоров Олег Павлович', 'молодой специалист', undefined, undefined, 'учитель–учитель', 'Адаптация и рост', day('2026-09-01'), undefined, 'действует']);
    expect(byMentee('Кузнецова Ирина Сергеевна')).toEqual(['Н-001', 'Петрова Анна Ивановна', 'педагог', 'учитель математики', 'Я-002', 'Кузнецова Ирина Сергеевна', 'обучающийся', 14, '8Б', 'педагог–учащийся', 'Шаг вперёд', day('2026-09-01'), undefined, 'действует']);
    expect(byMentee('Зайцев Глеб')).toEqual(['Н-002', 'Фёдоров Ян Ильич', 'представитель работодателя', 'инженер', 'Я-003', 'Зайцев Глеб', 'обучающийся', 16, '10Б', 'работодатель–ученик', 'Профи', day('2026-02-01'), day('2026-06-01'), 'завершена']);
    expect(byMentee('Белова Мила')).toEqual(['Н-003', 'Лебедев Пётр', 'обучающийся', '10А', 'Я-004', 'Белова Мила', 'обучающийся', 9, '3А', 'ученик–ученик', 'Читаем вместе', day('2026-10-01'), undefined, 'действует']);
    expect(sheet.getCell('L2').numFmt).toBe('dd.mm.yyyy');
  });

  it('when a head exports an empty register, then they get a message instead of a file', async () => {
    await h.send(head8, '/export');
    expect(h.telegram.documentsTo(head8.id)).toEqual([]);
    expect(last(head8)).toContain('Реестр организации пока пуст');
  });

  it('when a coordinator exports their municipality, then pairs of both schools, the summary by form and the repeated mentee are in the file', async () => {
    const register = h.services.register;
    await register.importDrafts(
      territory.kindergarten5.id,
      [
        { mentor: { name: 'Воронина Дарья', category: 'teacher', position: 'воспитатель' }, mentee: { name: 'Кузнецова Ирина Сергеевна', category: 'pupil', age: 14 }, form: 'teacher_pupil', programme: 'Вместе', startDate: '2026-09-15' },
        { mentor: { name: 'Воронина Дарья', category: 'teacher', position: 'воспитатель' }, mentee: { name: 'Ершова Юлия', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-15' },
      ],
      1,
    );
    await register.importDrafts(territory.school8.id, [{ mentor: { name: 'Гусев Андрей', category: 'teacher' }, mentee: { name: 'Кузнецова Ирина Сергеевна', category: 'pupil', age: 14 }, form: 'teacher_pupil', programme: 'Другой округ', startDate: '2026-09-01' }], 1);

    await h.send(coordinator, '/export');
    const [doc] = h.telegram.documentsTo(coordinator.id);
    expect(doc!.fileName).toMatch(/^реестр-г\.-Бодайбо-и-район-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(doc!.caption).toContain('г. Бодайбо и район');
    expect(doc!.caption).toContain('Пар: 6, организаций: 2.');
    expect(doc!.caption).toContain('Числятся наставляемыми сразу в нескольких организациях: 1');
    const workbook = await openXlsx(doc!.data);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Пары', 'Сводка', 'Повторы']);

    const pairs = workbook.getWorksheet('Пары')!;
    expect(rowValues(pairs, 1).slice(0, 4)).toEqual(['Муниципалитет', 'Организация', 'Код наставника', 'ФИО наставника']);
    expect(pairs.rowCount).toBe(7);
    const lines = [2, 3, 4, 5, 6, 7].map((n) => rowValues(pairs, n));
    expect(lines.filter((l) => l[1] === 'МБОУ СОШ № 1')).toHaveLength(4);
    expect(lines.find((l) => l[1] === 'МКДОУ д/с № 5' && l[7] === 'Кузнецова Ирина Сергеевна')).toEqual([
      'г. Бодайбо и район', 'МКДОУ д/с № 5', 'Н-001', 'Воронина Дарья', 'педагог', 'воспитатель', 'Я-001', 'Кузнецова Ирина Сергеевна', 'обучающийся', 14, undefined, 'педагог–учащийся', 'Вместе', day('2026-09-15'), undefined, 'действует',
    ]);
    expect(lines.some((l) => l[1] === 'МАОУ СОШ № 8')).toBe(false);

    const summary = workbook.getWorksheet('Сводка')!;
    expect(rowValues(summary, 1)).toEqual(['Муниципалитет', 'Организация', 'ученик–ученик', 'учитель–учитель', 'студент–ученик', 'работодатель–ученик', 'работодатель–студент', 'педагог–учащийся', 'Всего пар', 'Из них действующих']);
    expect(rowValues(summary, 2)).toEqual(['г. Бодайбо и район', 'МБОУ СОШ № 1', 1, 1, 0, 1, 0, 1, 4, 3]);
    expect(rowValues(summary, 3)).toEqual(['г. Бодайбо и район', 'МКДОУ д/с № 5', 0, 1, 0, 0, 0, 1, 2, 2]);
    expect(rowValues(summary, 4)).toEqual(['Итого', undefined, 1, 2, 0, 1, 0, 2, 6, 5]);
    expect(summary.rowCount).toBe(4);

    const repeats = workbook.getWorksheet('Повторы')!;
    expect(rowValues(repeats, 2)).toEqual(['Кузнецова Ирина Сергеевна', 2, 'МБОУ СОШ № 1; МКДОУ д/с № 5']);
    expect(repeats.rowCount).toBe(2);
  });

  it('when the operator exports, then the file holds every territory', async () => {
    await h.send(admin, '/export');
    const [doc] = h.telegram.documentsTo(admin.id);
    expect(doc!.caption).toContain('все территории');
    expect(doc!.caption).toContain('Пар: 7, организаций: 3.');
    // In another municipality too now: the same name in three organizations.
    expect(doc!.caption).toContain('Числятся наставляемыми сразу в нескольких организациях: 1');
    const workbook = await openXlsx(doc!.data);
    expect(workbook.getWorksheet('Пары')!.rowCount).toBe(8);
    expect(rowValues(workbook.getWorksheet('Повторы')!, 2)).toEqual(['Кузнецова Ирина Сергеевна', 3, 'МАОУ СОШ № 8; МБОУ СОШ № 1; МКДОУ д/с № 5']);
  });

  describe('a deployment that keeps codes instead of names', () => {
    let codes: Services;
    beforeAll(async () => {
      codes = createServices(h.conn, { clock: h.time.clock, inviteTtlDays: 14, nameMode: 'codes' }).services;
      await codes.register.confirmConsent(territory.school8.id, head8.id);
    });

    it('when a head fills in codes, then known codes update their people, blank codes add people, and unknown codes are refused', async () => {
      await h.handle(documentUpdate(head8, { fileId: 'none' }), codes); // a document without a name is not a table
      expect(last(head8)).toContain('Файл такого типа (—) не подходит');

      await h.send(head8, '/export');
      expect(h.telegram.documentsTo(head8.id)).toHaveLength(1); // the pair imported above by name
      const rows: unknown[][] = [
        ['Н-001', 'педагог', 'учитель истории', 'Я-001', 'обучающийся', 15, '9А', 'педагог–учащийся', 'Другой округ', '01.09.2026', ''],
        ['', 'студент', '', '', 'обучающийся', 13, '7В', 'студент–ученик', 'Летняя школа', '01.06.2026', ''],
        ['Н-077', 'педагог', '', '', 'молодой специалист', '', '', 'учитель–учитель', 'Старт', '01.09.2026', ''],
      ];
      await upload(head8, 'коды.xlsx', await filledTemplate(rows, 'codes'), { services: codes });
      const report = last(head8);
      expect(report).toContain('Готово к загрузке: 2 строк. С ошибками: 1.');
      expect(report).toContain('строка 5, «Код наставника»: Кода Н-077 нет в реестре организации.');
      expect(report).toContain('Строк без кода (бот добавит новых людей и присвоит им коды): 1.');
      const load = button(head8, 'regimport:ok')!;
      await h.handle(callbackUpdate(head8, load.data, load.messageId), codes);
      expect(last(head8)).toContain('Загружено: новых 1, обновлено 1, без изменений 0.');

      h.telegram.clear();
      await h.handle(textUpdate(head8, '/export'), codes);
      const doc = h.telegram.documentsTo(head8.id).pop()!;
      const sheet = (await openXlsx(doc.data)).worksheets[0]!;
      expect(rowValues(sheet, 1)).not.toContain('ФИО наставника');
      expect(rowValues(sheet, 2).slice(0, 6)).toEqual(['Н-001', 'педагог', 'учитель истории', 'Я-001', 'обучающийся', 15]);
      expect(rowValues(sheet, 3).slice(0, 4)).toEqual(['Н-002', 'студент', undefined, 'Я-002']);
    });
  });

  it('when another file of the same school is being loaded, then «Загрузить» asks to wait and keeps the checked rows', async () => {
    const file = Buffer.from('ФИО наставника;Категория наставника;ФИО наставляемого;Категория наставляемого;Форма;Программа;Дата начала\r\nНовикова Ева;педагог;Тихонов Марк;молодой специалист;учитель-учитель;Старт;01.09.2026\r\n');
    await upload(head, 'тихонов.csv', file);
    const load = button(head, 'regimport:ok')!;
    // The curator's (or another instance's) import of this school holds the school's lease meanwhile.
    await createLeases(h.conn, h.time.clock).run(`register-import:${territory.school1.id}`, 60_000, async () => {
      await h.handle(callbackUpdate(head, load.data, load.messageId));
    });
    expect(last(head)).toContain('Сейчас загружается другой файл реестра вашей организации');
    expect(await pairsOf(territory.school1.id)).toHaveLength(4);
    // The same button, once the other import is over.
    await h.handle(callbackUpdate(head, load.data, load.messageId));
    expect(last(head)).toContain('Загружено: новых 1');
    expect(await pairsOf(territory.school1.id)).toHaveLength(5);
  });
});
