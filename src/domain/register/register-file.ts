import { zipUnpackedSize } from '../shared/zip';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import { nameKey } from '../shared/names';
import type { Municipality, Organization } from '../territory/territory.types';
import { decodeText, parseCsv } from '../territory/territory-file';
import type { Table } from '../territory/territory-import';
import { ageSchema, dateSchema, gradeSchema, isoDay, personNameSchema, positionSchema, programmeSchema, showDay, storedName } from './register-input';
import { checkPairRules, parseForm } from './register-rules';
import type { ImportDraft, RegisterService } from './register.service';
import {
  FORMS,
  MENTEE_CATEGORIES,
  MENTOR_CATEGORIES,
  type MenteeCategory,
  type MentorCategory,
  type MentoringForm,
  type NameMode,
  type Pair,
  type PairStatus,
  type Person,
  type PersonKind,
} from './register.types';

/*
 * The register as a file: the template a head fills in, the reader of what they send back, and the exports.
 * The column headers and the words of the lists are the file's format, read back by the parser, so they live
 * here rather than in locales/: a file filled in by an English-speaking user is the same file.
 */

/** A file bigger than this is refused before it is downloaded or read. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Data rows one file may hold. */
export const MAX_DATA_ROWS = 10_000;
/**
 * What the parts of an XLSX may unpack to: guards against a small file that unzips to gigabytes. A filled-in
 * template of 10,000 rows unpacks to 5-7 MB; 40 MB loads in about 2.5 s and 200 MB of memory at worst.
 */
const MAX_UNPACKED_BYTES = 40 * 1024 * 1024;

export type ColumnKey =
  | 'mentorName'
  | 'mentorCode'
  | 'mentorCategory'
  | 'mentorPosition'
  | 'menteeName'
  | 'menteeCode'
  | 'menteeCategory'
  | 'menteeAge'
  | 'menteeGrade'
  | 'form'
  | 'programme'
  | 'startDate'
  | 'endDate';

export interface RegisterColumn {
  key: ColumnKey;
  /** The header the template writes, and the one a report names. */
  header: string;
  /** Other headers accepted for it (compared by nameKey, without anything in parentheses). */
  aliases: string[];
  /** The grey line under the header in the template. */
  hint: string;
  width: number;
}

/** Russian words for the codes of register.types.ts; the first is what the template's lists and exports write. */
export const MENTOR_CATEGORY_WORDS: Record<MentorCategory, string[]> = {
  teacher: ['педагог', 'учитель', 'преподаватель', 'педагогический работник', 'воспитатель'],
  pupil: ['обучающийся', 'ученик', 'учащийся', 'школьник', 'обучающаяся', 'ученица', 'учащаяся'],
  student: ['студент', 'студентка'],
  employer: [
    'представитель работодателя',
    'работодатель',
    'представитель предприятия',
    'представитель работодателя или предприятия',
    'представитель организации',
  ],
};

export const MENTEE_CATEGORY_WORDS: Record<MenteeCategory, string[]> = {
  young_specialist: ['молодой специалист', 'молодой педагог', 'молодой учитель', 'педагог молодой специалист', 'учитель молодой специалист'],
  teacher: ['педагог', 'учитель', 'преподаватель', 'педагогический работник', 'воспитатель'],
  pupil: ['обучающийся', 'ученик', 'учащийся', 'школьник', 'обучающийся 11-18 лет', 'обучающаяся', 'ученица', 'учащаяся'],
  pupil_ovz: ['обучающийся с ОВЗ', 'ученик с ОВЗ', 'учащийся с ОВЗ', 'ОВЗ', 'обучающийся с ограниченными возможностями здоровья', 'ребенок с ОВЗ'],
  pupil_at_risk: [
    'состоящий на учёте или в социально опасном положении',
    'состоящий на учёте',
    'состоящий на учете',
    'в социально опасном положении',
    'находящийся в социально опасном положении',
    'обучающийся, состоящий на учёте',
    'обучающийся в социально опасном положении',
    'состоящий на учёте или в СОП',
    'СОП',
    'группа риска',
  ],
  student: ['студент', 'студентка'],
};

/** Forms as the template lists them and the exports write them (Р-145 names with a dash). */
export const FORM_WORDS: Record<MentoringForm, string> = {
  pupil_pupil: 'ученик–ученик',
  teacher_teacher: 'учитель–учитель',
  student_pupil: 'студент–ученик',
  employer_pupil: 'работодатель–ученик',
  employer_student: 'работодатель–студент',
  teacher_pupil: 'педагог–учащийся',
};

export const STATUS_WORDS: Record<PairStatus, string> = { active: 'действует', ended: 'завершена' };

export const REGISTER_COLUMNS: Record<ColumnKey, RegisterColumn> = {
  mentorName: { key: 'mentorName', header: 'ФИО наставника', aliases: ['наставник', 'фио наставника полностью', 'mentor', 'mentor name', 'mentor full name'], hint: 'Фамилия Имя Отчество', width: 32 },
  mentorCode: { key: 'mentorCode', header: 'Код наставника', aliases: ['код', 'mentor code'], hint: 'Н-001; пусто — новый наставник', width: 16 },
  mentorCategory: { key: 'mentorCategory', header: 'Категория наставника', aliases: ['mentor category'], hint: 'выберите из списка', width: 28 },
  mentorPosition: {
    key: 'mentorPosition',
    header: 'Должность или класс наставника',
    aliases: ['должность наставника', 'должность', 'должность/класс наставника', 'должность, класс наставника', 'mentor position'],
    hint: 'например, учитель математики; для ученика — класс',
    width: 30,
  },
  menteeName: { key: 'menteeName', header: 'ФИО наставляемого', aliases: ['наставляемый', 'mentee', 'mentee name', 'mentee full name'], hint: 'Фамилия Имя Отчество', width: 32 },
  menteeCode: { key: 'menteeCode', header: 'Код наставляемого', aliases: ['mentee code'], hint: 'Я-001; пусто — новый наставляемый', width: 18 },
  menteeCategory: { key: 'menteeCategory', header: 'Категория наставляемого', aliases: ['mentee category'], hint: 'выберите из списка', width: 34 },
  menteeAge: { key: 'menteeAge', header: 'Возраст наставляемого', aliases: ['возраст', 'mentee age', 'age'], hint: 'полных лет, для обучающихся', width: 14 },
  menteeGrade: { key: 'menteeGrade', header: 'Класс наставляемого', aliases: ['класс', 'mentee class', 'mentee grade', 'grade', 'class'], hint: 'например, 7А', width: 12 },
  form: { key: 'form', header: 'Форма наставничества', aliases: ['форма', 'form', 'form of mentoring'], hint: 'выберите из списка', width: 24 },
  programme: {
    key: 'programme',
    header: 'Программа',
    aliases: ['программа наставничества', 'наименование программы', 'название программы', 'programme', 'program'],
    hint: 'название программы наставничества',
    width: 36,
  },
  startDate: { key: 'startDate', header: 'Дата начала', aliases: ['начало', 'дата начала наставничества', 'start date', 'start'], hint: 'ДД.ММ.ГГГГ', width: 14 },
  endDate: {
    key: 'endDate',
    header: 'Дата окончания',
    aliases: ['окончание', 'дата завершения', 'дата окончания наставничества', 'end date', 'end'],
    hint: 'ДД.ММ.ГГГГ, если пара завершена',
    width: 16,
  },
};

const PERSON_COLUMNS: ColumnKey[] = ['mentorCategory', 'mentorPosition', 'menteeCategory', 'menteeAge', 'menteeGrade'];

/** The template's columns in order: names, or in `codes` mode the codes in their place. */
export function templateColumns(nameMode: NameMode): RegisterColumn[] {
  const mentor: ColumnKey = nameMode === 'codes' ? 'mentorCode' : 'mentorName';
  const mentee: ColumnKey = nameMode === 'codes' ? 'menteeCode' : 'menteeName';
  const keys: ColumnKey[] = [mentor, ...PERSON_COLUMNS.slice(0, 2), mentee, ...PERSON_COLUMNS.slice(2), 'form', 'programme', 'startDate', 'endDate'];
  return keys.map((k) => REGISTER_COLUMNS[k]);
}

/** Columns a file must have; position, age, class and end date may be left out. */
export function requiredColumns(nameMode: NameMode): ColumnKey[] {
  const people: ColumnKey[] = nameMode === 'codes' ? ['mentorCode', 'menteeCode'] : ['mentorName', 'menteeName'];
  return [people[0]!, 'mentorCategory', people[1]!, 'menteeCategory', 'form', 'programme', 'startDate'];
}

const headerKey = (text: string) =>
  nameKey(text)
    .replace(/\(.*?\)/g, ' ')
    .replace(/[*:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const HEADER_INDEX = new Map<string, ColumnKey>();
for (const column of Object.values(REGISTER_COLUMNS)) {
  for (const text of [column.header, ...column.aliases, column.key]) {
    const key = headerKey(text);
    if (!HEADER_INDEX.has(key)) HEADER_INDEX.set(key, column.key);
  }
}

/** Category words are compared without case, ё, punctuation or underscores («pupil_ovz» = «pupil ovz»). */
const wordKey = (text: string) =>
  nameKey(text)
    .replace(/[_,;/()-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function wordIndex<C extends string>(words: Record<C, string[]>): Map<string, C> {
  const index = new Map<string, C>();
  for (const [code, list] of Object.entries(words) as [C, string[]][]) {
    for (const w of [code, code.replace(/_/g, ' '), ...list]) index.set(wordKey(w), code);
  }
  return index;
}

const MENTOR_WORDS = wordIndex(MENTOR_CATEGORY_WORDS);
const MENTEE_WORDS = wordIndex({ ...MENTEE_CATEGORY_WORDS, young_specialist: [...MENTEE_CATEGORY_WORDS.young_specialist, 'young specialist'], pupil_ovz: [...MENTEE_CATEGORY_WORDS.pupil_ovz, 'pupil with disabilities'], pupil_at_risk: [...MENTEE_CATEGORY_WORDS.pupil_at_risk, 'at risk'] });

export function parseMentorCategory(text: string): MentorCategory | null {
  return MENTOR_WORDS.get(wordKey(text)) ?? null;
}

export function parseMenteeCategory(text: string): MenteeCategory | null {
  return MENTEE_WORDS.get(wordKey(text)) ?? null;
}

export const mentorCategoryWord = (c: string) => MENTOR_CATEGORY_WORDS[c as MentorCategory]?.[0] ?? c;
export const menteeCategoryWord = (c: string) => MENTEE_CATEGORY_WORDS[c as MenteeCategory]?.[0] ?? c;
export const formWord = (f: string) => FORM_WORDS[f as MentoringForm] ?? f;

const CODE_LETTER: Record<PersonKind, string> = { mentor: 'Н', mentee: 'Я' };

/** «н-14», «Н 014», «H-014» (a Latin H) → «Н-014», the way the bot writes codes; null when it is not one. */
export function parseCode(text: string, kind: PersonKind): string | null {
  const m = /^([НнHhЯя])\s*[-–—]?\s*(\d{1,6})$/u.exec(text.trim());
  if (!m) return null;
  const letter = /[HhНн]/u.test(m[1]!) ? 'Н' : 'Я';
  if (letter !== CODE_LETTER[kind]) return null;
  return `${letter}-${String(Number(m[2])).padStart(3, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a file

export interface FileProblem {
  /** A locale key. */
  reason: string;
  params?: Record<string, unknown>;
}

export interface RowProblem extends FileProblem {
  row: number;
  /** The header of the column as the template writes it. */
  column: string;
}

export interface ParsedRegisterFile {
  rows: { row: number; draft: ImportDraft }[];
  /** Rows with these are left out. */
  errors: RowProblem[];
  /** Rows with these are loaded; the head should look at them. Forms and categories come as codes. */
  warnings: RowProblem[];
  /** The file as a whole is refused. */
  fatal?: FileProblem;
  /** Things about the whole file worth saying (e.g. names ignored in `codes` mode). */
  notices: FileProblem[];
}

export interface ParseOptions {
  nameMode: NameMode;
  /** The school's calendar day, 'YYYY-MM-DD', for «сегодня». */
  today: string;
}

const fatal = (reason: string, params?: Record<string, unknown>): ParsedRegisterFile => ({
  rows: [],
  errors: [],
  warnings: [],
  notices: [],
  fatal: { reason: `register_files.fatal.${reason}`, ...(params ? { params } : {}) },
});


/** What a spreadsheet cell holds, as text: dates as 'YYYY-MM-DD', formulas by their result. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
    return '';
  }
  return String(value);
}

/**
 * The rows of the worksheet that holds the register: the first one with the register's headers near the top (a
 * sheet of instructions before it is passed over), else the first that is not the «Справочник» of allowed values.
 * The whole workbook is loaded: exceljs's streaming reader decodes each inflated chunk on its own and garbles a
 * Cyrillic letter split between two chunks («Пёт\uFFFD\uFFFD»), so it cannot be used here; the unpacked-size check
 * before this keeps the load bounded.
 */
async function readXlsxRows(data: Buffer): Promise<Table['rows']> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  const sheets = workbook.worksheets.filter((w) => headerKey(w.name) !== headerKey(REFERENCE_SHEET)).map(sheetRows);
  return sheets.find((rows) => findHeader(rows) >= 0) ?? sheets[0] ?? [];
}

function sheetRows(sheet: ExcelJS.Worksheet): Table['rows'] {
  const rows: Table['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
    if (cells.some((c) => c.trim() !== '')) rows.push({ row: rowNumber, cells });
  });
  return rows;
}

/** The header is the first of the first ten rows that names at least two known columns; -1 when none does. */
function findHeader(rows: Table['rows']): number {
  return rows.slice(0, 10).findIndex((r) => r.cells.filter((c) => HEADER_INDEX.has(headerKey(c))).length >= 2);
}

const problemOf = (result: { success: false; error: z.ZodError }) => result.error.issues[0]?.message ?? 'errors.invalid';

/** An Excel day number (the cell was a date without a date format) → 'YYYY-MM-DD'. */
function excelSerialDay(text: string): string | null {
  if (!/^\d{5}(\.\d+)?$/.test(text)) return null;
  const serial = Math.floor(Number(text));
  if (serial < 36526 || serial > 73415) return null; // 2000-01-01 … 2100-12-31
  const d = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  return isoDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * Reads a filled-in register: XLSX or CSV, headers in any order and spelling close to the template's. Returns the
 * rows ready to import, the rows left out with row, column and reason, warnings for rows that load anyway, or a
 * reason the whole file is refused. Nothing is saved here.
 */
export async function parseRegisterFile(fileName: string, data: Buffer, options: ParseOptions): Promise<ParsedRegisterFile> {
  const ext = extname(fileName).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.csv') return fatal('wrong_type', { ext: ext || '—' });
  if (data.length > MAX_FILE_BYTES) return fatal('too_large', { max: MAX_FILE_BYTES / 1024 / 1024 });
  if (data.length === 0) return fatal('empty');

  let table: Table['rows'];
  if (ext === '.xlsx') {
    const unpacked = zipUnpackedSize(data);
    if (unpacked === null) return fatal('unreadable');
    if (unpacked > MAX_UNPACKED_BYTES) return fatal('too_large', { max: MAX_FILE_BYTES / 1024 / 1024 });
    try {
      table = await readXlsxRows(data);
    } catch {
      return fatal('unreadable');
    }
  } else {
    table = parseCsv(decodeText(data)).rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  }
  if (table.length === 0) return fatal('empty');

  const headerAt = findHeader(table);
  const required = requiredColumns(options.nameMode);
  if (headerAt < 0) return fatal('missing_columns', { columns: quoteList(required.map((k) => REGISTER_COLUMNS[k].header)) });
  const positions = new Map<ColumnKey, number>();
  table[headerAt]!.cells.forEach((c, i) => {
    const key = HEADER_INDEX.get(headerKey(c));
    if (key && !positions.has(key)) positions.set(key, i);
  });
  const missing = required.filter((k) => !positions.has(k));
  if (missing.length > 0) return fatal('missing_columns', { columns: quoteList(missing.map((k) => REGISTER_COLUMNS[k].header)) });

  const dataRows = table.slice(headerAt + 1).filter((r) => !isHintRow(r.cells, positions));
  if (dataRows.length === 0) return fatal('no_rows');
  if (dataRows.length > MAX_DATA_ROWS) return fatal('too_many_rows', { max: MAX_DATA_ROWS });

  const result: ParsedRegisterFile = { rows: [], errors: [], warnings: [], notices: [] };
  if (options.nameMode === 'codes' && (positions.has('mentorName') || positions.has('menteeName'))) {
    const hasNames = dataRows.some((r) => ['mentorName', 'menteeName'].some((k) => (r.cells[positions.get(k as ColumnKey) ?? -1] ?? '').trim() !== ''));
    if (hasNames) result.notices.push({ reason: 'register_files.notices.names_ignored' });
  }
  const seen = new Map<string, number>();
  const details: Details = { mentors: new Map(), mentees: new Map() };
  for (const { row, cells } of dataRows) {
    const get = (key: ColumnKey) => {
      const i = positions.get(key);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const parsed = parseRow(row, get, options);
    result.errors.push(...parsed.errors);
    if (!parsed.draft) continue;
    const pairKey = draftKey(parsed.draft, options.nameMode);
    const earlier = pairKey ? seen.get(pairKey) : undefined;
    if (earlier !== undefined) {
      const column = REGISTER_COLUMNS[options.nameMode === 'codes' ? 'menteeCode' : 'menteeName'].header;
      result.errors.push({ row, column, reason: 'register.errors.duplicate_row', params: { row: earlier } });
      continue;
    }
    if (pairKey) seen.set(pairKey, row);
    fillFromEarlierRows(parsed.draft, options.nameMode, details);
    result.warnings.push(...rowWarnings(row, parsed.draft));
    result.rows.push({ row, draft: parsed.draft });
  }
  return result;
}

type Details = { mentors: Map<string, { position?: string }>; mentees: Map<string, { age?: number; grade?: string }> };

/**
 * A head writes a mentor's position on their first row and leaves it blank on the next ones; since the last row
 * of a person wins on import, a blank would erase it. A blank detail is taken from an earlier row of the same
 * person in the file.
 */
function fillFromEarlierRows(draft: ImportDraft, nameMode: NameMode, details: Details) {
  const key = (code: string | undefined, name: string | undefined) =>
    code ?? (name && nameMode !== 'codes' ? `name:${nameKey(storedName(name, nameMode) ?? name)}` : null);
  const mentorKey = key(draft.mentorCode, draft.mentor.name);
  if (mentorKey) {
    const known = details.mentors.get(mentorKey) ?? {};
    if (draft.mentor.position === undefined && known.position !== undefined) draft.mentor.position = known.position;
    details.mentors.set(mentorKey, { position: draft.mentor.position ?? known.position });
  }
  const menteeKey = key(draft.menteeCode, draft.mentee.name);
  if (menteeKey) {
    const known = details.mentees.get(menteeKey) ?? {};
    if (draft.mentee.age === undefined && known.age !== undefined) draft.mentee.age = known.age;
    if (draft.mentee.grade === undefined && known.grade !== undefined) draft.mentee.grade = known.grade;
    details.mentees.set(menteeKey, { age: draft.mentee.age, grade: draft.mentee.grade });
  }
}

function quoteList(headers: string[]): string {
  return headers.map((h) => `«${h}»`).join(', ');
}

/** The template's grey hint line, left in by the head, is not a row of data. */
function isHintRow(cells: string[], positions: Map<ColumnKey, number>): boolean {
  let filled = 0;
  let hints = 0;
  for (const [key, i] of positions) {
    const text = (cells[i] ?? '').trim();
    if (!text) continue;
    filled++;
    if (headerKey(text) === headerKey(REGISTER_COLUMNS[key].hint)) hints++;
  }
  return filled > 0 && hints * 2 >= filled;
}

/** Identifies the pair a row names, to catch the same pair twice in one file. */
function draftKey(draft: ImportDraft, nameMode: NameMode): string | null {
  const side = (code: string | undefined, name: string | undefined) => code ?? (name ? `name:${nameKey(storedName(name, nameMode) ?? name)}` : null);
  const mentor = side(draft.mentorCode, nameMode === 'codes' ? undefined : draft.mentor.name);
  const mentee = side(draft.menteeCode, nameMode === 'codes' ? undefined : draft.mentee.name);
  return mentor && mentee ? `${mentor}|${mentee}` : null;
}

function parseRow(row: number, get: (key: ColumnKey) => string, options: ParseOptions): { draft?: ImportDraft; errors: RowProblem[] } {
  const errors: RowProblem[] = [];
  const fail = (key: ColumnKey, reason: string, params?: Record<string, unknown>) =>
    errors.push({ row, column: REGISTER_COLUMNS[key].header, reason, ...(params ? { params } : {}) });
  const required = (key: ColumnKey): string | undefined => {
    const text = get(key);
    if (!text) fail(key, 'register.errors.required');
    return text || undefined;
  };
  const withSchema = <T>(key: ColumnKey, schema: z.ZodType<T, string>, text: string | undefined): T | undefined => {
    if (text === undefined || text === '') return undefined;
    const r = schema.safeParse(text);
    if (r.success) return r.data;
    fail(key, problemOf(r));
    return undefined;
  };
  const code = (key: 'mentorCode' | 'menteeCode', kind: PersonKind): string | undefined => {
    const text = get(key);
    if (!text) return undefined;
    const parsed = parseCode(text, kind);
    if (!parsed) fail(key, 'register.errors.code_format', { example: `${CODE_LETTER[kind]}-001` });
    return parsed ?? undefined;
  };

  const codes = options.nameMode === 'codes';
  const mentorCode = code('mentorCode', 'mentor');
  const mentorName = codes ? undefined : withSchema('mentorName', personNameSchema, required('mentorName'));
  const mentorCategoryText = required('mentorCategory');
  const mentorCategory = mentorCategoryText ? parseMentorCategory(mentorCategoryText) : null;
  if (mentorCategoryText && !mentorCategory) fail('mentorCategory', 'register.errors.mentor_category', { value: mentorCategoryText });
  const position = withSchema('mentorPosition', positionSchema, get('mentorPosition'));

  const menteeCode = code('menteeCode', 'mentee');
  const menteeName = codes ? undefined : withSchema('menteeName', personNameSchema, required('menteeName'));
  const menteeCategoryText = required('menteeCategory');
  const menteeCategory = menteeCategoryText ? parseMenteeCategory(menteeCategoryText) : null;
  if (menteeCategoryText && !menteeCategory) fail('menteeCategory', 'register.errors.mentee_category', { value: menteeCategoryText });
  const age = withSchema('menteeAge', ageSchema, get('menteeAge').replace(/[.,]0+$/, ''));
  const grade = withSchema('menteeGrade', gradeSchema, get('menteeGrade'));

  const formText = required('form');
  const form = formText ? parseForm(formText) : null;
  if (formText && !form) fail('form', 'register.errors.form', { value: formText });
  const programme = withSchema('programme', programmeSchema, required('programme'));
  const day = (key: 'startDate' | 'endDate', text: string | undefined) => withSchema(key, dateSchema(options.today), text && (excelSerialDay(text) ?? text));
  const startDate = day('startDate', required('startDate'));
  const endDate = day('endDate', get('endDate'));

  if (errors.length > 0 || !mentorCategory || !menteeCategory || !form || !programme || !startDate) return { errors };
  const draft: ImportDraft = {
    mentor: { category: mentorCategory, ...(mentorName ? { name: mentorName } : {}), ...(position ? { position } : {}) },
    mentee: { category: menteeCategory, ...(menteeName ? { name: menteeName } : {}), ...(age !== undefined ? { age } : {}), ...(grade ? { grade } : {}) },
    form,
    programme,
    startDate,
    ...(endDate ? { endDate } : {}),
    ...(mentorCode ? { mentorCode } : {}),
    ...(menteeCode ? { menteeCode } : {}),
  };
  if (draft.endDate && draft.endDate < draft.startDate) {
    fail('endDate', 'register.errors.dates_reversed', { startDate: showDay(draft.startDate), endDate: showDay(draft.endDate) });
    return { errors };
  }
  return { draft, errors };
}

/** What the head should look at in a row that loads anyway: Р-145's fit of form and categories, a pupil's age. */
function rowWarnings(row: number, draft: ImportDraft): RowProblem[] {
  const warnings: RowProblem[] = [];
  for (const w of checkPairRules(draft)) {
    if (w.code === 'form_mentor_category' || w.code === 'form_mentee_category') {
      warnings.push({ row, column: REGISTER_COLUMNS.form.header, reason: `register.warnings.${w.code}`, params: { form: w.form, category: w.category } });
    } else if (w.code === 'pupil_too_young') {
      warnings.push({ row, column: REGISTER_COLUMNS.menteeAge.header, reason: 'register.warnings.pupil_too_young', params: { age: w.age } });
    } else if (w.code === 'pupil_age_missing') {
      warnings.push({ row, column: REGISTER_COLUMNS.menteeAge.header, reason: 'register.warnings.pupil_age_missing' });
    }
  }
  const { name: mentor } = draft.mentor;
  const { name: mentee } = draft.mentee;
  if (mentor && mentee && nameKey(mentor) === nameKey(mentee)) {
    warnings.push({ row, column: REGISTER_COLUMNS.menteeName.header, reason: 'register.warnings.same_person_twice', params: { name: mentee } });
  }
  return warnings;
}

/**
 * Codes the file names that the school does not have: importing them would make new people with other codes,
 * and the same file imported again would make them again. Such rows become errors.
 */
export function rejectUnknownCodes(parsed: ParsedRegisterFile, known: { mentors: Set<string>; mentees: Set<string> }): ParsedRegisterFile {
  const rows: ParsedRegisterFile['rows'] = [];
  const errors = [...parsed.errors];
  const dropped = new Set<number>();
  for (const r of parsed.rows) {
    const bad: RowProblem[] = [];
    if (r.draft.mentorCode && !known.mentors.has(r.draft.mentorCode)) {
      bad.push({ row: r.row, column: REGISTER_COLUMNS.mentorCode.header, reason: 'register.errors.code_unknown', params: { code: r.draft.mentorCode } });
    }
    if (r.draft.menteeCode && !known.mentees.has(r.draft.menteeCode)) {
      bad.push({ row: r.row, column: REGISTER_COLUMNS.menteeCode.header, reason: 'register.errors.code_unknown', params: { code: r.draft.menteeCode } });
    }
    if (bad.length > 0) {
      errors.push(...bad);
      dropped.add(r.row);
    } else rows.push(r);
  }
  errors.sort((a, b) => a.row - b.row);
  return { ...parsed, rows, errors, warnings: parsed.warnings.filter((w) => !dropped.has(w.row)) };
}

// ---------------------------------------------------------------------------------------------------------------
// The template

export const REFERENCE_SHEET = 'Справочник';
const DATA_SHEET = 'Реестр';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const REQUIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };

/** Where the lists of the template live on the «Справочник» sheet. */
const LISTS: { key: ColumnKey; title: string; values: string[] }[] = [
  { key: 'mentorCategory', title: 'Категория наставника', values: MENTOR_CATEGORIES.map((c) => MENTOR_CATEGORY_WORDS[c][0]!) },
  { key: 'menteeCategory', title: 'Категория наставляемого', values: MENTEE_CATEGORIES.map((c) => MENTEE_CATEGORY_WORDS[c][0]!) },
  { key: 'form', title: 'Форма наставничества', values: FORMS.map((f) => FORM_WORDS[f]) },
];

/** The first row of data in the template (1: headers, 2: hints). */
export const TEMPLATE_FIRST_ROW = 3;
const TEMPLATE_LAST_ROW = TEMPLATE_FIRST_ROW + MAX_DATA_ROWS - 1;

/**
 * The XLSX a head fills in: headers (required ones shaded), a grey hint line, lists to choose categories and forms
 * from (kept on the «Справочник» sheet), a whole-number check for age, and text cells for classes and codes.
 */
export async function buildTemplate(nameMode: NameMode): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ЦМН';
  const sheet = workbook.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', ySplit: 2 }] });
  const reference = workbook.addWorksheet(REFERENCE_SHEET);
  const columns = templateColumns(nameMode);
  const required = new Set(requiredColumns(nameMode));
  sheet.columns = columns.map((c) => ({ key: c.key, width: c.width }));
  const header = sheet.getRow(1);
  const hints = sheet.getRow(2);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.fill = required.has(c.key) ? REQUIRED_FILL : HEADER_FILL;
    cell.alignment = { wrapText: true, vertical: 'middle' };
    const hint = hints.getCell(i + 1);
    hint.value = c.hint;
    hint.font = { italic: true, color: { argb: 'FF808080' } };
  });
  header.height = 32;

  LISTS.forEach((list, i) => {
    const col = reference.getColumn(i + 1);
    col.width = Math.max(list.title.length, ...list.values.map((v) => v.length)) + 2;
    reference.getCell(1, i + 1).value = list.title;
    reference.getCell(1, i + 1).font = { bold: true };
    list.values.forEach((v, j) => (reference.getCell(j + 2, i + 1).value = v));
  });

  // exceljs keeps ranges as one rule (its typings lack `dataValidations`; cell by cell would make 40,000 cells).
  const validations = (sheet as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }).dataValidations;
  const letterOf = (key: ColumnKey) => {
    const i = columns.findIndex((c) => c.key === key);
    return i < 0 ? null : sheet.getColumn(i + 1).letter;
  };
  LISTS.forEach((list, i) => {
    const letter = letterOf(list.key);
    if (!letter) return;
    const refLetter = reference.getColumn(i + 1).letter;
    validations.add(`${letter}${TEMPLATE_FIRST_ROW}:${letter}${TEMPLATE_LAST_ROW}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`'${REFERENCE_SHEET}'!$${refLetter}$2:$${refLetter}$${list.values.length + 1}`],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: list.title,
      error: 'Выберите значение из списка',
    });
  });
  const age = letterOf('menteeAge');
  if (age) {
    validations.add(`${age}${TEMPLATE_FIRST_ROW}:${age}${TEMPLATE_LAST_ROW}`, {
      type: 'whole',
      operator: 'between',
      allowBlank: true,
      formulae: [5, 80],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: 'Возраст наставляемого',
      error: 'Целое число лет от 5 до 80',
    });
  }
  for (const key of ['startDate', 'endDate'] as const) {
    const letter = letterOf(key);
    if (letter) sheet.getColumn(letter).numFmt = 'dd.mm.yyyy';
  }
  for (const key of ['menteeGrade', 'mentorCode', 'menteeCode'] as const) {
    const letter = letterOf(key);
    if (letter) sheet.getColumn(letter).numFmt = '@';
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------------------
// Exports

/**
 * Where the exports read the register. `peopleOfSchool`, when given, lets them read school by school, with a
 * school's people (needed only for pairs stored without cards) in one equality query: FerretDB answers
 * `_id: {$in: [...]}` by scanning the whole collection.
 */
export interface RegisterSource {
  pairBatches: RegisterService['pairBatches'];
  peopleByIds: RegisterService['peopleByIds'];
  peopleOfSchool?: (schoolId: string) => Promise<Map<string, Person>>;
}

/** A Date for a calendar day, as Excel keeps dates (midnight UTC). */
const excelDay = (day: string | undefined) => (day ? new Date(`${day}T00:00:00Z`) : null);

export function exportColumns(nameMode: NameMode): { header: string; width: number; date?: boolean }[] {
  const names = nameMode !== 'codes';
  return [
    { header: REGISTER_COLUMNS.mentorCode.header, width: 14 },
    ...(names ? [{ header: REGISTER_COLUMNS.mentorName.header, width: 32 }] : []),
    { header: REGISTER_COLUMNS.mentorCategory.header, width: 26 },
    { header: REGISTER_COLUMNS.mentorPosition.header, width: 28 },
    { header: REGISTER_COLUMNS.menteeCode.header, width: 16 },
    ...(names ? [{ header: REGISTER_COLUMNS.menteeName.header, width: 32 }] : []),
    { header: REGISTER_COLUMNS.menteeCategory.header, width: 30 },
    { header: REGISTER_COLUMNS.menteeAge.header, width: 12 },
    { header: REGISTER_COLUMNS.menteeGrade.header, width: 12 },
    { header: REGISTER_COLUMNS.form.header, width: 22 },
    { header: REGISTER_COLUMNS.programme.header, width: 36 },
    { header: REGISTER_COLUMNS.startDate.header, width: 13, date: true },
    { header: REGISTER_COLUMNS.endDate.header, width: 15, date: true },
    { header: 'Статус', width: 12 },
  ];
}

export function pairCells(pair: Pair, mentor: Person | undefined, mentee: Person | undefined, nameMode: NameMode): unknown[] {
  const names = nameMode !== 'codes';
  return [
    mentor?.code ?? '',
    ...(names ? [mentor?.name ?? ''] : []),
    mentor ? mentorCategoryWord(mentor.category) : '',
    mentor?.position ?? '',
    mentee?.code ?? '',
    ...(names ? [mentee?.name ?? ''] : []),
    mentee ? menteeCategoryWord(mentee.category) : '',
    mentee?.age ?? null,
    mentee?.grade ?? '',
    formWord(pair.form),
    pair.programme,
    excelDay(pair.startDate),
    excelDay(pair.endDate),
    STATUS_WORDS[pair.status] ?? pair.status,
  ];
}

function newExportPath(): string {
  return join(tmpdir(), `cmn-register-${process.pid}-${randomBytes(6).toString('hex')}.xlsx`);
}

function addHeader(sheet: ExcelJS.Worksheet, columns: { header: string; width: number; date?: boolean }[]) {
  sheet.columns = columns.map((c) => ({ width: c.width, ...(c.date ? { style: { numFmt: 'dd.mm.yyyy' } } : {}) }));
  const row = sheet.addRow(columns.map((c) => c.header));
  row.font = { bold: true };
  row.commit();
}

/**
 * Waits while the sheet's bytes queue up in front of the compressor. exceljs's streaming writer hands each 64 KB
 * block on without waiting for the zip to take it, so a writer that never yields holds the whole sheet in memory
 * until the end; with this the queue stays under a megabyte and rows reach the file as they are written.
 */
async function zipCaughtUp(sheet: ExcelJS.Worksheet): Promise<void> {
  const stream = (sheet as unknown as { stream?: { pipes?: { _writableState?: { length?: number } }[] } }).stream;
  const queued = () => stream?.pipes?.[0]?._writableState?.length ?? 0;
  while (queued() > 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** A pair with its two people, as the exports write it. */
type PairLine = { pair: Pair; mentor: Person | undefined; mentee: Person | undefined };

/** The person a pair's card describes, as the exports use it. */
const fromCard = (pair: Pair, kind: 'mentor' | 'mentee'): Person | undefined => {
  const card = kind === 'mentor' ? pair.mentorCard : pair.menteeCard;
  return card && { ...card, id: kind === 'mentor' ? pair.mentorId : pair.menteeId, schoolId: pair.schoolId, kind };
};

/**
 * Every pair of the given schools, school by school (or of a filter, batch by batch, when the source cannot read a
 * school's people). A pair carries cards of its two people, so the people are read only for pairs stored without
 * them (before the cards existed): then a school's people at once, or by id. Nothing is held beyond one school.
 */
export async function* pairLines(source: RegisterSource, scope: { schoolIds: string[]; filter: Parameters<RegisterService['pairBatches']>[0] }): AsyncGenerator<PairLine> {
  const { peopleOfSchool } = source;
  let people: { schoolId?: string; map: Map<string, Person> } | null = null;
  const lines = async function* (batch: Pair[], schoolId?: string): AsyncGenerator<PairLine> {
    const lacking = batch.filter((p) => !p.mentorCard || !p.menteeCard);
    if (lacking.length > 0 && (!people || !schoolId || people.schoolId !== schoolId)) {
      const map = schoolId && peopleOfSchool ? await peopleOfSchool(schoolId) : await source.peopleByIds([...new Set(lacking.flatMap((p) => [p.mentorId, p.menteeId]))]);
      people = { schoolId, map };
    }
    for (const pair of batch) {
      yield { pair, mentor: fromCard(pair, 'mentor') ?? people?.map.get(pair.mentorId), mentee: fromCard(pair, 'mentee') ?? people?.map.get(pair.menteeId) };
    }
  };
  if (!peopleOfSchool) {
    for await (const batch of source.pairBatches(scope.filter)) yield* lines(batch);
    return;
  }
  // The next schools are read from the database while this one's rows are written: the database and the writer
  // work at the same time, and a few schools' pairs are held at most.
  const load = async (schoolId: string) => {
    const batches: Pair[][] = [];
    for await (const batch of source.pairBatches({ schoolId })) batches.push(batch);
    return batches;
  };
  const inFlight: Promise<Pair[][]>[] = [];
  let next = 0;
  const fill = () => {
    while (inFlight.length < READ_AHEAD_SCHOOLS && next < scope.schoolIds.length) {
      const loading = load(scope.schoolIds[next++]!);
      loading.catch(() => undefined); // awaited in turn below; not an unhandled rejection meanwhile
      inFlight.push(loading);
    }
  };
  for (const schoolId of scope.schoolIds) {
    fill();
    const batches = await inFlight.shift()!;
    fill();
    for (const batch of batches) yield* lines(batch, schoolId);
  }
}

/** How many schools are read ahead of the one being written (measured on FerretDB: 2 reads at once are 20% faster). */
const READ_AHEAD_SCHOOLS = 2;

/** A 53-bit hash of a string (cyrb53): two of 100,000 different names share one with odds of about 1 in 2 million. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * People named as mentees in more than one school (by the name key of the stored name, as the service's
 * menteesInSeveralSchools), collected while the pairs stream by. Each mentee costs one number → number entry
 * (about 40 bytes), not their name, so a region of a million pairs stays within tens of megabytes.
 */
class RepeatedMentees {
  private readonly schoolIndex = new Map<string, number>();
  private readonly first = new Map<number, number>();
  private readonly repeated = new Map<number, { name: string; schoolIds: Set<string> }>();
  private readonly schools: string[] = [];

  add(person: Person | undefined): void {
    if (!person?.name || person.kind !== 'mentee') return;
    let school = this.schoolIndex.get(person.schoolId);
    if (school === undefined) {
      school = this.schools.push(person.schoolId) - 1;
      this.schoolIndex.set(person.schoolId, school);
    }
    const key = hash53(nameKey(person.name));
    const entry = this.repeated.get(key);
    if (entry) {
      entry.schoolIds.add(person.schoolId);
      return;
    }
    const seenIn = this.first.get(key);
    if (seenIn === undefined) this.first.set(key, school);
    else if (seenIn !== school) this.repeated.set(key, { name: person.name, schoolIds: new Set([this.schools[seenIn]!, person.schoolId]) });
  }

  list(): { name: string; schoolIds: string[] }[] {
    return [...this.repeated.values()].map((e) => ({ name: e.name, schoolIds: [...e.schoolIds] }));
  }
}

export interface ExportResult {
  /** A temporary file; the caller deletes it after sending. */
  path: string;
  pairs: number;
}

/** One school's register as an XLSX written row by row to a temporary file. */
export async function writeSchoolExport(source: RegisterSource, schoolId: string, options: { nameMode: NameMode }): Promise<ExportResult> {
  const path = newExportPath();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Реестр', { views: [{ state: 'frozen', ySplit: 1 }] });
  addHeader(sheet, exportColumns(options.nameMode));
  let pairs = 0;
  for await (const line of pairLines(source, { schoolIds: [schoolId], filter: { schoolId } })) {
    sheet.addRow(pairCells(line.pair, line.mentor, line.mentee, options.nameMode)).commit();
    if (++pairs % 200 === 0) await zipCaughtUp(sheet);
  }
  sheet.commit();
  await workbook.commit();
  return { path, pairs };
}

export interface TerritoryExportOptions {
  nameMode: NameMode;
  /** Which pairs: a municipality's, a region's, or (empty) all of them. */
  filter: { municipalityId?: string; regionId?: string };
  /** The organizations of the territory: every one gets a line of the summary, with zeros if it has no pairs. */
  organizations: Organization[];
  municipalities: Municipality[];
}

export interface TerritoryExportResult extends ExportResult {
  /** How many people appear as mentees in more than one school (not looked for in `codes` mode). */
  repeatedMentees: number;
}

/**
 * A municipality's or region's register as one XLSX: «Пары» with the school and its municipality on each line,
 * «Сводка» with pairs by school and form, and «Повторы» with people registered as mentees in several schools.
 * Rows are written and committed as they are read, so memory stays flat however many pairs there are (the one
 * thing kept for the whole territory is a name key per mentee, to find the repeated ones).
 */
export async function writeTerritoryExport(source: RegisterSource, options: TerritoryExportOptions): Promise<TerritoryExportResult> {
  const path = newExportPath();
  const munName = new Map(options.municipalities.map((m) => [m.id, m.name]));
  const orgById = new Map(options.organizations.map((o) => [o.id, o]));
  const orgName = (id: string) => orgById.get(id)?.shortName ?? id;
  const orgMunicipality = (id: string) => munName.get(orgById.get(id)?.municipalityId ?? '') ?? '';
  const byPlace = (a: string, b: string) =>
    orgMunicipality(a).localeCompare(orgMunicipality(b), 'ru') || orgName(a).localeCompare(orgName(b), 'ru', { numeric: true });
  const schoolIds = options.organizations.map((o) => o.id).sort(byPlace);

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const pairsSheet = workbook.addWorksheet('Пары', { views: [{ state: 'frozen', ySplit: 1 }] });
  addHeader(pairsSheet, [{ header: 'Муниципалитет', width: 28 }, { header: 'Организация', width: 28 }, ...exportColumns(options.nameMode)]);

  const emptyCounts = () => ({ forms: Object.fromEntries(FORMS.map((f) => [f, 0])) as Record<MentoringForm, number>, active: 0 });
  const bySchool = new Map<string, ReturnType<typeof emptyCounts>>(schoolIds.map((id) => [id, emptyCounts()]));
  const repeats = new RepeatedMentees();
  let pairs = 0;
  for await (const { pair, mentor, mentee } of pairLines(source, { schoolIds, filter: options.filter })) {
    pairsSheet.addRow([orgMunicipality(pair.schoolId), orgName(pair.schoolId), ...pairCells(pair, mentor, mentee, options.nameMode)]).commit();
    let counts = bySchool.get(pair.schoolId);
    if (!counts) bySchool.set(pair.schoolId, (counts = emptyCounts()));
    counts.forms[pair.form] = (counts.forms[pair.form] ?? 0) + 1;
    if (pair.status === 'active') counts.active++;
    if (options.nameMode !== 'codes') repeats.add(mentee);
    if (++pairs % 200 === 0) await zipCaughtUp(pairsSheet);
  }
  pairsSheet.commit();

  const summary = workbook.addWorksheet('Сводка', { views: [{ state: 'frozen', ySplit: 1 }] });
  addHeader(summary, [
    { header: 'Муниципалитет', width: 28 },
    { header: 'Организация', width: 28 },
    ...FORMS.map((f) => ({ header: FORM_WORDS[f], width: 14 })),
    { header: 'Всего пар', width: 11 },
    { header: 'Из них действующих', width: 13 },
  ]);
  const totals = emptyCounts();
  for (const id of [...bySchool.keys()].sort(byPlace)) {
    const counts = bySchool.get(id)!;
    const all = FORMS.reduce((n, f) => n + counts.forms[f], 0);
    FORMS.forEach((f) => (totals.forms[f] += counts.forms[f]));
    totals.active += counts.active;
    summary.addRow([orgMunicipality(id), orgName(id), ...FORMS.map((f) => counts.forms[f]), all, counts.active]).commit();
  }
  const totalRow = summary.addRow(['Итого', '', ...FORMS.map((f) => totals.forms[f]), pairs, totals.active]);
  totalRow.font = { bold: true };
  totalRow.commit();
  summary.commit();

  const repeated = repeats.list().sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  if (repeated.length > 0) {
    const sheet = workbook.addWorksheet('Повторы', { views: [{ state: 'frozen', ySplit: 1 }] });
    addHeader(sheet, [
      { header: REGISTER_COLUMNS.menteeName.header, width: 32 },
      { header: 'Число организаций', width: 12 },
      { header: 'Организации', width: 60 },
    ]);
    for (const r of repeated) {
      sheet.addRow([r.name, r.schoolIds.length, r.schoolIds.map(orgName).sort((a, b) => a.localeCompare(b, 'ru', { numeric: true })).join('; ')]).commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  return { path, pairs, repeatedMentees: repeated.length };
}
