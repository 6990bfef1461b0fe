import { rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import {
  buildTemplate,
  MAX_DATA_ROWS,
  parseCode,
  parseMenteeCategory,
  parseMentorCategory,
  parseRegisterFile,
  REGISTER_COLUMNS,
  rejectUnknownCodes,
  templateColumns,
  TEMPLATE_FIRST_ROW,
  writeSchoolExport,
  writeTerritoryExport,
} from '../../src/domain/register/register-file';
import { translator } from '../../src/bot/i18n';
import type { NameMode, Pair, Person } from '../../src/domain/register/register.types';

const TODAY = '2026-11-23';
const HEADERS = templateColumns('full').map((c) => c.header);
const GOOD = ['Петрова Анна Ивановна', 'педагог', 'учитель математики', 'Сидоров Олег Павлович', 'молодой специалист', '', '', 'учитель–учитель', 'Адаптация молодого педагога', '01.09.2026', ''];

async function xlsx(rows: unknown[][], sheetName = 'Реестр'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csv = (rows: string[][]) => Buffer.from(rows.map((r) => r.map((c) => (/[;"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';')).join('\r\n'), 'utf8');
const parse = (name: string, data: Buffer, nameMode: NameMode = 'full') => parseRegisterFile(name, data, { nameMode, today: TODAY });
/** GOOD with some cells changed, by header. */
const row = (changes: Record<string, string> = {}) => HEADERS.map((h, i) => (h in changes ? changes[h]! : GOOD[i]!));

describe('the register template', () => {
  it('when a head opens the template, then it has the headers, a hint line, and lists to choose categories and forms from', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildTemplate('full')) as unknown as ArrayBuffer);
    const [sheet, reference] = workbook.worksheets;
    expect(sheet!.name).toBe('Реестр');
    expect(reference!.name).toBe('Справочник');
    expect((sheet!.getRow(1).values as unknown[]).slice(1)).toEqual([
      'ФИО наставника',
      'Категория наставника',
      'Должность или класс наставника',
      'ФИО наставляемого',
      'Категория наставляемого',
      'Возраст наставляемого',
      'Класс наставляемого',
      'Форма наставничества',
      'Программа',
      'Дата начала',
      'Дата окончания',
    ]);
    expect(sheet!.getCell('J2').value).toBe('ДД.ММ.ГГГГ');
    expect(sheet!.getColumn(1).width).toBeGreaterThan(20);

    const validations = (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
    const listValues = (address: string) => {
      const rule = validations[address]!;
      expect(rule.type).toBe('list');
      const m = /^'Справочник'!\$([A-Z])\$(\d+):\$[A-Z]\$(\d+)$/.exec(String(rule.formulae[0]))!;
      const values: unknown[] = [];
      for (let r = Number(m[2]); r <= Number(m[3]); r++) values.push(reference!.getCell(`${m[1]}${r}`).value);
      return values;
    };
    expect(listValues(`B${TEMPLATE_FIRST_ROW}`)).toEqual(['педагог', 'обучающийся', 'студент', 'представитель работодателя']);
    expect(listValues(`E${TEMPLATE_FIRST_ROW}`)).toEqual([
      'молодой специалист',
      'педагог',
      'обучающийся',
      'обучающийся с ОВЗ',
      'состоящий на учёте или в социально опасном положении',
      'студент',
    ]);
    expect(listValues('H10002')).toEqual(['ученик–ученик', 'учитель–учитель', 'студент–ученик', 'работодатель–ученик', 'работодатель–студент', 'педагог–учащийся']);
    expect(validations['F500']).toMatchObject({ type: 'whole', operator: 'between', formulae: [5, 80] });
    expect(validations['A3']).toBeUndefined(); // names are free text
  });

  it('when the deployment keeps codes, then the template has code columns in place of names', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildTemplate('codes')) as unknown as ArrayBuffer);
    const headers = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(headers[0]).toBe('Код наставника');
    expect(headers[3]).toBe('Код наставляемого');
    expect(headers).not.toContain('ФИО наставника');
    expect(headers).not.toContain('ФИО наставляемого');
  });

  it('when the template is filled in Excel and sent back, then its hint line is skipped and dates typed as dates are read', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildTemplate('full')) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    sheet.getRow(3).values = [...GOOD.slice(0, 9), new Date(Date.UTC(2026, 8, 1)), new Date(Date.UTC(2027, 4, 31))];
    sheet.getRow(4).values = row({ 'ФИО наставляемого': 'Кузнецова Ирина', 'Категория наставляемого': 'обучающийся', 'Возраст наставляемого': '14', 'Класс наставляемого': '8б', 'Форма наставничества': 'педагог–учащийся' });
    const parsed = await parse('реестр.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(parsed.fatal).toBeUndefined();
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        row: 3,
        draft: {
          mentor: { name: 'Петрова Анна Ивановна', category: 'teacher', position: 'учитель математики' },
          mentee: { name: 'Сидоров Олег Павлович', category: 'young_specialist' },
          form: 'teacher_teacher',
          programme: 'Адаптация молодого педагога',
          startDate: '2026-09-01',
          endDate: '2027-05-31',
        },
      },
      {
        row: 4,
        draft: {
          mentor: { name: 'Петрова Анна Ивановна', category: 'teacher', position: 'учитель математики' },
          mentee: { name: 'Кузнецова Ирина', category: 'pupil', age: 14, grade: '8Б' },
          form: 'teacher_pupil',
          programme: 'Адаптация молодого педагога',
          startDate: '2026-09-01',
        },
      },
    ]);
  });
});

describe('reading a filled-in register', () => {
  it('when headers differ in case, ё, spaces and order and values are written the way schools write them, then the rows are read', async () => {
    const parsed = await parse(
      'реестр.csv',
      csv([
        ['  фио НАСТАВЛЯЕМОГО ', 'Категория  наставляемого', 'ФИО наставника', 'Категория наставника', 'Форма', 'Программа наставничества', 'Дата начала (ДД.ММ.ГГГГ)', 'Возраст'],
        ['Кузнецова Ирина', 'ОВЗ', 'Петрова А. И.', 'Учитель', 'педагог-учащийся', 'Шаг вперёд', '1/9/26', '12 лет'],
        ['Орлов Иван', 'учащийся', 'Лебедев Пётр', 'ученик', 'учащийся-учащийся', 'Шаг вперёд', 'сегодня', '13'],
        ['Смирнова Ольга', 'молодой педагог', 'Петрова А. И.', 'педагог', 'педагог-педагог', 'Шаг вперёд', '2026-10-01', ''],
        ['Зайцев Глеб', 'pupil_at_risk', 'Фёдоров Ян', 'employer', 'Работодатель – ученик', 'Профи', '15.10.2026', '16'],
      ]),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => [r.row, r.draft.mentee.category, r.draft.mentor.category, r.draft.form, r.draft.startDate, r.draft.mentee.age])).toEqual([
      [2, 'pupil_ovz', 'teacher', 'teacher_pupil', '2026-09-01', 12],
      [3, 'pupil', 'pupil', 'pupil_pupil', TODAY, 13],
      [4, 'young_specialist', 'teacher', 'teacher_teacher', '2026-10-01', undefined],
      [5, 'pupil_at_risk', 'employer', 'employer_pupil', '2026-10-15', 16],
    ]);
  });

  it('when categories are written as words, variants or the English codes, then they map onto the codes', () => {
    expect(parseMentorCategory('Представитель работодателя')).toBe('employer');
    expect(parseMentorCategory('student')).toBe('student');
    expect(parseMentorCategory('директор')).toBeNull();
    expect(parseMenteeCategory('Состоящий на учёте или в социально опасном положении')).toBe('pupil_at_risk');
    expect(parseMenteeCategory('состоящий на учете')).toBe('pupil_at_risk');
    expect(parseMenteeCategory('обучающийся (11-18 лет)')).toBe('pupil');
    expect(parseMenteeCategory('young_specialist')).toBe('young_specialist');
    expect(parseMenteeCategory('Обучающийся с ОВЗ')).toBe('pupil_ovz');
  });

  const BAD: [string, string, string][] = [
    ['ФИО наставника', '', 'register.errors.required'],
    ['ФИО наставника', 'Петрова', 'register.errors.name_words'],
    ['ФИО наставника', 'Петрова 2 Анна', 'register.errors.name_letters'],
    ['ФИО наставника', `Петрова ${'а'.repeat(150)}`, 'register.errors.name_too_long'],
    ['Категория наставника', '', 'register.errors.required'],
    ['Категория наставника', 'директор', 'register.errors.mentor_category'],
    ['Должность или класс наставника', 'у', 'onboarding.errors.position_short'],
    ['Должность или класс наставника', '12345', 'onboarding.errors.position_letters'],
    ['ФИО наставляемого', '', 'register.errors.required'],
    ['ФИО наставляемого', 'Сидоров', 'register.errors.name_words'],
    ['Категория наставляемого', 'родитель', 'register.errors.mentee_category'],
    ['Возраст наставляемого', 'десять', 'register.errors.age_number'],
    ['Возраст наставляемого', '3', 'register.errors.age_range'],
    ['Класс наставляемого', '12Б', 'register.errors.grade'],
    ['Форма наставничества', '', 'register.errors.required'],
    ['Форма наставничества', 'родитель–ребёнок', 'register.errors.form'],
    ['Программа', '', 'register.errors.required'],
    ['Программа', 'А', 'register.errors.programme_short'],
    ['Программа', 'П'.repeat(201), 'register.errors.programme_long'],
    ['Дата начала', '', 'register.errors.required'],
    ['Дата начала', '31.02.2026', 'register.errors.date_format'],
    ['Дата начала', '01.09.1999', 'register.errors.date_range'],
    ['Дата окончания', 'вчера', 'register.errors.date_format'],
    ['Дата окончания', '01.05.2026', 'register.errors.dates_reversed'],
  ];

  it.each(BAD)('when «%s» is «%s», then that row is left out with the reason %s and the other rows are ready', async (column, value, reason) => {
    const parsed = await parse('реестр.xlsx', await xlsx([HEADERS, row(), row({ 'ФИО наставляемого': 'Другой Ученик', [column]: value }), row({ 'ФИО наставляемого': 'Третий Ученик' })]));
    expect(parsed.fatal).toBeUndefined();
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 4]);
    expect(parsed.errors).toEqual([expect.objectContaining({ row: 3, column, reason })]);
  });

  it('when a reason is reported, then both locales explain it in words, not as a key', async () => {
    const keys = new Set(BAD.map(([, , reason]) => reason));
    keys.add('register.errors.duplicate_row').add('register.errors.code_format').add('register.errors.code_unknown');
    for (const language of ['ru', 'en'] as const) {
      const t = translator(language);
      for (const key of keys) expect(t(key, { value: 'x', row: 2, code: 'Н-001', example: 'Н-001', startDate: '01.09.2026', endDate: '01.05.2026' })).not.toBe(key);
    }
  });

  it('when end date comes before the start, then the reason names both dates as a person writes them', async () => {
    const parsed = await parse('r.csv', csv([HEADERS, row({ 'Дата окончания': '01.05.2026' })]));
    expect(parsed.errors[0]).toMatchObject({ column: 'Дата окончания', params: { startDate: '01.09.2026', endDate: '01.05.2026' } });
  });

  it('when a form does not fit the categories or a pupil is young or has no age, then the row is ready and the report warns', async () => {
    const parsed = await parse(
      'r.csv',
      csv([
        HEADERS,
        row({ 'Категория наставляемого': 'обучающийся', 'Возраст наставляемого': '14' }),
        row({ 'ФИО наставляемого': 'Малышев Петя', 'Категория наставляемого': 'обучающийся', 'Возраст наставляемого': '8', 'Форма наставничества': 'педагог–учащийся' }),
        row({ 'ФИО наставляемого': 'Безвозрастный Ян', 'Категория наставляемого': 'обучающийся', 'Форма наставничества': 'педагог–учащийся' }),
      ]),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(3);
    expect(parsed.warnings).toEqual([
      { row: 2, column: 'Форма наставничества', reason: 'register.warnings.form_mentee_category', params: { form: 'teacher_teacher', category: 'pupil' } },
      { row: 3, column: 'Возраст наставляемого', reason: 'register.warnings.pupil_too_young', params: { age: 8 } },
      { row: 4, column: 'Возраст наставляемого', reason: 'register.warnings.pupil_age_missing' },
    ]);
  });

  it('when the same pair is written twice in one file, then the second row is an error naming the first', async () => {
    const parsed = await parse('r.csv', csv([HEADERS, row(), row({ 'ФИО наставляемого': 'сидоров олег павлович', 'Программа': 'Другая программа' })]));
    expect(parsed.rows.map((r) => r.row)).toEqual([2]);
    expect(parsed.errors).toEqual([{ row: 3, column: 'ФИО наставляемого', reason: 'register.errors.duplicate_row', params: { row: 2 } }]);
  });

  it('when a mentor’s position or a mentee’s age is written only on their first row, then later rows of that person keep it', async () => {
    const parsed = await parse(
      'r.csv',
      csv([
        HEADERS,
        row({ 'ФИО наставляемого': 'Орлов Иван', 'Категория наставляемого': 'обучающийся', 'Возраст наставляемого': '13', 'Класс наставляемого': '7А', 'Форма наставничества': 'педагог–учащийся' }),
        row({ 'Должность или класс наставника': '', 'ФИО наставляемого': 'Белова Мила', 'Категория наставляемого': 'обучающийся', 'Возраст наставляемого': '12', 'Форма наставничества': 'педагог–учащийся' }),
        row({ 'ФИО наставника': 'Лебедев Пётр', 'Категория наставника': 'обучающийся', 'Должность или класс наставника': '10А', 'ФИО наставляемого': 'орлов иван', 'Категория наставляемого': 'обучающийся', 'Форма наставничества': 'ученик–ученик' }),
      ]),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[1]!.draft.mentor.position).toBe('учитель математики');
    expect(parsed.rows[2]!.draft.mentee).toMatchObject({ age: 13, grade: '7А' });
    expect(parsed.warnings).toEqual([]); // the age came from row 2, so no «age missing»
  });

  it('when names are kept as initials, then a full name and its initials are the same person within a file', async () => {
    const parsed = await parse('r.csv', csv([HEADERS, row(), row({ 'ФИО наставляемого': 'Сидоров О. П.' })]), 'initials');
    expect(parsed.errors.map((e) => e.reason)).toEqual(['register.errors.duplicate_row']);
  });

  it('when the workbook has a sheet of instructions before the register, then the register sheet is read', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Инструкция').addRow(['Заполните лист «Реестр»']);
    const sheet = workbook.addWorksheet('Реестр');
    sheet.addRow(HEADERS);
    sheet.addRow(row());
    const parsed = await parse('r.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(parsed.rows.map((r) => r.draft.mentee.name)).toEqual(['Сидоров Олег Павлович']);
  });

  it('when a date cell holds an Excel day number, then it is read as that day; and a CSV saved by Russian Excel in Windows-1251 is read', async () => {
    const parsed = await parse('r.xlsx', await xlsx([HEADERS, row({ 'Дата начала': '46266' })]));
    expect(parsed.rows[0]!.draft.startDate).toBe('2026-09-01');
    const text = [HEADERS.join(';'), row().join(';')].join('\r\n');
    const bytes = Buffer.from([...text].map((ch) => win1251(ch)));
    const fromWindows = await parse('r.csv', bytes);
    expect(fromWindows.rows[0]!.draft.mentor.name).toBe('Петрова Анна Ивановна');
  });
});

/** Windows-1251 for the letters these tests use (А-я, Ё ё, ASCII), enough to write a file as Russian Excel does. */
function win1251(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code;
  if (code >= 0x410 && code <= 0x44f) return code - 0x350;
  if (ch === 'Ё') return 0xa8;
  if (ch === 'ё') return 0xb8;
  if (ch === '–') return 0x96;
  throw new Error(`no cp1251 for ${ch}`);
}

describe('files refused as a whole', () => {
  it.each([['реестр.xls'], ['реестр.pdf'], ['реестр'], ['реестр.xlsx.exe']])('when the file is %s, then it is refused as the wrong type', async (name) => {
    expect((await parse(name, Buffer.from('x'))).fatal?.reason).toBe('register_files.fatal.wrong_type');
  });

  it('when the file is empty, or has nothing but blank lines, then it is refused as empty', async () => {
    expect((await parse('r.csv', Buffer.alloc(0))).fatal?.reason).toBe('register_files.fatal.empty');
    expect((await parse('r.csv', Buffer.from('\r\n;;;\r\n\r\n'))).fatal?.reason).toBe('register_files.fatal.empty');
    expect((await parse('r.xlsx', await xlsx([]))).fatal?.reason).toBe('register_files.fatal.empty');
  });

  it('when the file has headers and no data, or only the template hint line, then it is refused for having no rows', async () => {
    expect((await parse('r.csv', csv([HEADERS]))).fatal?.reason).toBe('register_files.fatal.no_rows');
    expect((await parse('r.xlsx', await buildTemplate('full'))).fatal?.reason).toBe('register_files.fatal.no_rows');
  });

  it('when the file is over 10 MB, then it is refused at once without being read', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
    const started = performance.now();
    const parsed = await parse('r.xlsx', big);
    expect(parsed.fatal).toEqual({ reason: 'register_files.fatal.too_large', params: { max: 10 } });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('when required columns are missing, then the answer names them', async () => {
    const parsed = await parse('r.csv', csv([['ФИО наставника', 'Категория наставника', 'ФИО наставляемого', 'Программа'], ['Петрова Анна', 'педагог', 'Сидоров Олег', 'Шаг']]));
    expect(parsed.fatal).toEqual({
      reason: 'register_files.fatal.missing_columns',
      params: { columns: '«Категория наставляемого», «Форма наставничества», «Дата начала»' },
    });
    const t = translator('ru');
    expect(t(parsed.fatal!.reason, parsed.fatal!.params)).toContain('«Категория наставляемого», «Форма наставничества», «Дата начала»');
    const none = await parse('r.csv', csv([['a', 'b'], ['1', '2']]));
    expect(none.fatal?.reason).toBe('register_files.fatal.missing_columns');
  });

  it('when a file called .xlsx is not a spreadsheet, then it is refused as unreadable', async () => {
    expect((await parse('r.xlsx', Buffer.from('это не таблица'))).fatal?.reason).toBe('register_files.fatal.unreadable');
    const zipOfNothing = Buffer.from('504b0506000000000000000000000000000000000000', 'hex');
    expect((await parse('r.xlsx', zipOfNothing)).fatal?.reason).toBe('register_files.fatal.unreadable');
  });

  it('when the file has more than 10,000 rows, then it is refused with the limit', async () => {
    const rows = Array.from({ length: MAX_DATA_ROWS + 1 }, (_, i) => row({ 'ФИО наставляемого': `Ученик ${letters(i)}` }));
    const parsed = await parse('r.xlsx', await xlsx([HEADERS, ...rows]));
    expect(parsed.fatal).toEqual({ reason: 'register_files.fatal.too_many_rows', params: { max: 10000 } });
  });

  it('when the file has exactly 10,000 rows, then every one is ready, read in well under 10 seconds', async () => {
    const rows = Array.from({ length: MAX_DATA_ROWS }, (_, i) => row({ 'ФИО наставляемого': `Ученик ${letters(i)}`, 'Категория наставляемого': 'обучающийся', 'Возраст наставляемого': String(10 + (i % 8)), 'Форма наставничества': 'педагог–учащийся' }));
    const data = await xlsx([HEADERS, ...rows]);
    const started = performance.now();
    const parsed = await parse('r.xlsx', data);
    const ms = performance.now() - started;
    expect(parsed.fatal).toBeUndefined();
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(MAX_DATA_ROWS);
    expect(parsed.rows[9999]!.draft.mentee.name).toBe(`Ученик ${letters(9999)}`);
    expect(ms).toBeLessThan(10_000);
  });
});

/** A distinct name-like word for a number (names may not have digits): 0 → «Ааа», 1 → «Ааб». */
function letters(n: number): string {
  const abc = 'абвгдежзиклмнопрстуф';
  let s = '';
  for (let i = 0; i < 4; i++) {
    s = abc[n % abc.length] + s;
    n = Math.floor(n / abc.length);
  }
  return s[0]!.toUpperCase() + s.slice(1);
}

describe('a register kept by codes', () => {
  const CODE_HEADERS = templateColumns('codes').map((c) => c.header);
  const codeRow = (mentor: string, mentee: string, extra: Partial<Record<string, string>> = {}) =>
    CODE_HEADERS.map((h) => (h === 'Код наставника' ? mentor : h === 'Код наставляемого' ? mentee : (extra[h] ?? GOOD[HEADERS.indexOf(h)] ?? '')));

  it('when codes are written loosely, then they are read as the bot writes them, and a blank code means a new person', async () => {
    const parsed = await parse('r.csv', csv([CODE_HEADERS, codeRow('н-7', 'Я 12'), codeRow('H-007', ''), codeRow('', '')]), 'codes');
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => [r.draft.mentorCode, r.draft.menteeCode, r.draft.mentor.name])).toEqual([
      ['Н-007', 'Я-012', undefined],
      ['Н-007', undefined, undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it('when a code is of the wrong kind, then the row is an error; when it is not in the school, then rejectUnknownCodes makes it one', async () => {
    const parsed = await parse('r.csv', csv([CODE_HEADERS, codeRow('Я-001', ''), codeRow('Н-001', 'Я-002'), codeRow('Н-009', '')]), 'codes');
    expect(parsed.errors).toEqual([{ row: 2, column: 'Код наставника', reason: 'register.errors.code_format', params: { example: 'Н-001' } }]);
    const checked = rejectUnknownCodes(parsed, { mentors: new Set(['Н-001']), mentees: new Set(['Я-002']) });
    expect(checked.rows.map((r) => r.row)).toEqual([3]);
    expect(checked.errors.map((e) => [e.row, e.reason, e.params])).toEqual([
      [2, 'register.errors.code_format', { example: 'Н-001' }],
      [4, 'register.errors.code_unknown', { code: 'Н-009' }],
    ]);
  });

  it('when a file in codes mode has names, then they are not read and the report says so; without code columns it is refused', async () => {
    const withNames = await parse('r.csv', csv([[...CODE_HEADERS, 'ФИО наставника'], [...codeRow('', ''), 'Петрова Анна']]), 'codes');
    expect(withNames.rows[0]!.draft.mentor.name).toBeUndefined();
    expect(withNames.notices).toEqual([{ reason: 'register_files.notices.names_ignored' }]);
    const noCodes = await parse('r.csv', csv([HEADERS, row()]), 'codes');
    expect(noCodes.fatal).toEqual({ reason: 'register_files.fatal.missing_columns', params: { columns: '«Код наставника», «Код наставляемого»' } });
  });

  it('parses codes on their own', () => {
    expect(parseCode('Н-1000', 'mentor')).toBe('Н-1000');
    expect(parseCode('я-5', 'mentee')).toBe('Я-005');
    expect(parseCode('Н-5', 'mentee')).toBeNull();
    expect(parseCode('N-5', 'mentor')).toBeNull();
    expect(REGISTER_COLUMNS.mentorCode.header).toBe('Код наставника');
  });
});

describe('exports read school by school or batch by batch, to the same file', () => {
  const org = (id: string, shortName: string, municipalityId = 'm1') => ({ id, regionId: 'r1', municipalityId, fullName: shortName, shortName, kind: 'school' as const });
  const organizations = [org('s2', 'СОШ № 10'), org('s1', 'СОШ № 2'), org('s3', 'Лицей', 'm2')];
  const municipalities = [
    { id: 'm1', regionId: 'r1', name: 'Город', timezone: 'Asia/Irkutsk' },
    { id: 'm2', regionId: 'r1', name: 'Район', timezone: 'Asia/Irkutsk' },
  ];
  const people = new Map<string, Person>();
  const pairs: Pair[] = [];
  const add = (schoolId: string, n: number, menteeName: string, form: Pair['form'] = 'teacher_pupil') => {
    const mentor: Person = { id: `${schoolId}-t${n}`, schoolId, kind: 'mentor', code: `Н-00${n}`, name: `Учителева ${schoolId} ${n}`, category: 'teacher', position: 'учитель' };
    const mentee: Person = { id: `${schoolId}-p${n}`, schoolId, kind: 'mentee', code: `Я-00${n}`, name: menteeName, category: 'pupil', age: 12, grade: '6А' };
    people.set(mentor.id, mentor).set(mentee.id, mentee);
    pairs.push({ id: `${schoolId}-${n}`, schoolId, mentorId: mentor.id, menteeId: mentee.id, form, programme: 'Шаг', startDate: '2026-09-01', status: n === 3 ? 'ended' : 'active', ...(n === 3 ? { endDate: '2026-10-01' } : {}) });
  };
  add('s1', 1, 'Орлов Иван');
  add('s2', 1, 'орлов иван'); // the same person, written otherwise, in another school
  add('s2', 2, 'Белова Мила', 'pupil_pupil');
  add('s3', 3, 'Орлов Иван');
  add('s1', 2, 'Белова Мила');
  const byBatches = {
    async *pairBatches(filter: { schoolId?: string }) {
      const list = pairs.filter((p) => !filter.schoolId || p.schoolId === filter.schoolId);
      for (let i = 0; i < list.length; i += 2) yield list.slice(i, i + 2);
    },
    async peopleByIds(ids: string[]) {
      return new Map(ids.filter((id) => people.has(id)).map((id) => [id, people.get(id)!]));
    },
  };
  const bySchool = {
    ...byBatches,
    async peopleOfSchool(schoolId: string) {
      return new Map([...people].filter(([, p]) => p.schoolId === schoolId));
    },
  };
  const sheets = async (path: string) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    await rm(path);
    return Object.fromEntries(workbook.worksheets.map((w) => [w.name, w.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1))]));
  };

  it('when a territory is exported, then pairs, the summary by school and form and the repeated mentees are the same both ways', async () => {
    const options = { nameMode: 'full' as const, filter: {}, organizations, municipalities };
    const a = await writeTerritoryExport(bySchool, options);
    const b = await writeTerritoryExport(byBatches, options);
    expect([a.pairs, a.repeatedMentees]).toEqual([5, 2]);
    expect([b.pairs, b.repeatedMentees]).toEqual([5, 2]);
    const [sa, sb] = [await sheets(a.path), await sheets(b.path)];
    const sorted = (rows: unknown[][]) => [...rows].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sorted(sa['Пары']!)).toEqual(sorted(sb['Пары']!));
    expect(sa['Сводка']).toEqual(sb['Сводка']);
    expect(sa['Сводка']).toEqual([
      ['Муниципалитет', 'Организация', 'ученик–ученик', 'учитель–учитель', 'студент–ученик', 'работодатель–ученик', 'работодатель–студент', 'педагог–учащийся', 'Всего пар', 'Из них действующих'],
      ['Город', 'СОШ № 2', 0, 0, 0, 0, 0, 2, 2, 2],
      ['Город', 'СОШ № 10', 1, 0, 0, 0, 0, 1, 2, 2],
      ['Район', 'Лицей', 0, 0, 0, 0, 0, 1, 1, 0],
      ['Итого', undefined, 1, 0, 0, 0, 0, 4, 5, 4],
    ]);
    // School by school, the lines come in the summary's order.
    expect(sa['Пары']!.slice(1).map((r) => r[1])).toEqual(['СОШ № 2', 'СОШ № 2', 'СОШ № 10', 'СОШ № 10', 'Лицей']);
    expect(sorted(sa['Повторы']!.slice(1))).toEqual([
      ['Белова Мила', 2, 'СОШ № 2; СОШ № 10'],
      [expect.stringMatching(/^орлов иван$/i), 3, 'Лицей; СОШ № 2; СОШ № 10'],
    ]);
  });

  it('when pairs carry cards of their people, then the export reads no people and writes the same file', async () => {
    const card = (id: string) => {
      const { id: _id, schoolId: _school, kind: _kind, ...rest } = people.get(id)!;
      return rest;
    };
    const withCards = pairs.map((p) => ({ ...p, mentorCard: card(p.mentorId), menteeCard: card(p.menteeId) }));
    const noPeople = {
      async *pairBatches(filter: { schoolId?: string }) {
        const list = withCards.filter((p) => !filter.schoolId || p.schoolId === filter.schoolId);
        for (let i = 0; i < list.length; i += 2) yield list.slice(i, i + 2);
      },
      peopleByIds: async () => Promise.reject(new Error('people read')),
      peopleOfSchool: async () => Promise.reject(new Error('people read')),
    };
    const options = { nameMode: 'full' as const, filter: {}, organizations, municipalities };
    const a = await writeTerritoryExport(noPeople, options);
    const b = await writeTerritoryExport(bySchool, options);
    expect([a.pairs, a.repeatedMentees]).toEqual([5, 2]);
    expect(await sheets(a.path)).toEqual(await sheets(b.path));
  });

  it('when names are not kept, then the export has no name columns and no «Повторы» sheet', async () => {
    const result = await writeTerritoryExport(bySchool, { nameMode: 'codes', filter: {}, organizations, municipalities });
    const s = await sheets(result.path);
    expect(Object.keys(s)).toEqual(['Пары', 'Сводка']);
    expect(s['Пары']![0]).not.toContain('ФИО наставника');
    expect(result.repeatedMentees).toBe(0);
  });

  it('when one school is exported, then only its pairs are in the file, both ways', async () => {
    for (const source of [bySchool, byBatches]) {
      const result = await writeSchoolExport(source, 's2', { nameMode: 'initials' });
      const rows = (await sheets(result.path))['Реестр']!;
      expect(rows.slice(1).map((r) => r[5])).toEqual(['орлов иван', 'Белова Мила']);
      expect(rows[1]).toEqual(['Н-001', 'Учителева s2 1', 'педагог', 'учитель', 'Я-001', 'орлов иван', 'обучающийся', 12, '6А', 'педагог–учащийся', 'Шаг', new Date('2026-09-01T00:00:00Z'), undefined, 'действует']);
    }
  });
});
