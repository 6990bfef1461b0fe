import type { RawTable, RoadmapDocument } from './roadmap-file';

/*
 * The items of a roadmap from the tables of its document: which column is which (by header), sections, rows
 * continued from the row above, rows that hold two items, an item with different deadlines for different parties.
 * Deadlines stay text here: the deadline parser reads them.
 */

export type ColumnKey = 'number' | 'name' | 'deadline' | 'responsible' | 'documentKind' | 'result';

export interface ItemPart {
  responsible: string;
  deadline: string;
  documentKind?: string;
}

export interface ParsedItem {
  /** As the document gives it («1.», «4», «28.»); made up as «15.1» (after «15.») or «1.2» (section 1, second) when missing. */
  number: string;
  /** The section's title as the document gives it, number included: «I Организационно-координационные мероприятия». */
  section: string | null;
  /** «I», «II», «1» … without the dot. */
  sectionNumber: string | null;
  name: string;
  deadline: string;
  responsible: string;
  documentKind: string;
  result: string;
  /** Different deadlines for different responsible parties (seed 003 item 8); null for the usual item. */
  parts: ItemPart[] | null;
  /** 1-based numbers of the table rows the item came from. */
  sourceRows: number[];
}

export interface ParsedRoadmap {
  title: string;
  /** The years the title names («2021-2024 гг.») as YYYY-01-01 … YYYY-12-31; null when it names none. */
  period: { start: string; end: string } | null;
  /** The order's date from the text before the table, YYYY-MM-DD. */
  documentDate: string | null;
  columns: Partial<Record<ColumnKey, number>>;
  unknownHeaders: { index: number; header: string }[];
  sections: { number: string | null; title: string }[];
  items: ParsedItem[];
}

export type ParseRoadmapError = { error: 'no_table' | 'unknown_columns'; headers: string[] };

/** Headers recognised for each column, compared by headerKey. */
export const COLUMN_HEADERS: Record<ColumnKey, string[]> = {
  number: ['№', '№ п/п', 'п/п', '№ п.п.', 'n п/п', 'номер', 'номер п/п', '№ пункта'],
  name: [
    'наименование мероприятия',
    'наименование мероприятий',
    'мероприятие',
    'мероприятия',
    'наименование',
    'название мероприятия',
    'содержание мероприятия',
    'содержание мероприятий',
    'содержание работы',
    'перечень мероприятий',
  ],
  deadline: [
    'сроки',
    'срок',
    'срок исполнения',
    'срок реализации',
    'сроки исполнения',
    'сроки реализации',
    'срок выполнения',
    'сроки выполнения',
    'срок проведения',
    'сроки проведения',
    'дата проведения',
    'период реализации',
  ],
  responsible: [
    'ответственный',
    'ответственный исполнитель',
    'ответственный исполнитель/соисполнители',
    'ответственные исполнители/соисполнители',
    'ответственные',
    'ответственные исполнители',
    'исполнитель',
    'исполнители',
    'ответственный за исполнение',
    'ответственные за исполнение',
    'ответственный за выполнение',
  ],
  documentKind: ['вид документа', 'форма завершения', 'вид документа/форма завершения'],
  result: ['результат', 'результаты', 'ожидаемые результаты', 'ожидаемый результат', 'планируемый результат', 'планируемые результаты'],
};

/** A header as compared: lower case, ё as е, no asterisks or trailing colon, spaces folded, none around «/». */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/ё/gu, 'е')
    .replace(/№\s*/gu, '№ ')
    .replace(/[*:]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .replace(/\s*\/\s*/gu, '/')
    .replace(/[.\s]+$/u, '')
    .trim();
}

const HEADER_INDEX = new Map<string, ColumnKey>();
for (const [key, headers] of Object.entries(COLUMN_HEADERS) as [ColumnKey, string[]][]) {
  for (const h of headers) HEADER_INDEX.set(headerKey(h), key);
}

function columnOf(header: string): ColumnKey | undefined {
  const key = headerKey(header);
  if (!key) return undefined;
  return HEADER_INDEX.get(key) ?? HEADER_INDEX.get(headerKey(header.replace(/\([^)]*\)/gu, ' ')));
}

/** Columns a header row names; the first column of each kind wins. */
function detectColumns(cells: string[]): Partial<Record<ColumnKey, number>> {
  const columns: Partial<Record<ColumnKey, number>> = {};
  cells.forEach((cell, i) => {
    const key = columnOf(cell);
    if (key && columns[key] === undefined) columns[key] = i;
  });
  return columns;
}

const isRoadmapHeader = (c: Partial<Record<ColumnKey, number>>) => c.name !== undefined && (c.deadline !== undefined || c.responsible !== undefined);

/** The first table with a header row (among its first ten rows) that names the items and their deadline or owner. */
export function findRoadmapTable(doc: RoadmapDocument): { table: RawTable; headerRow: number } | null {
  for (const table of doc.tables) {
    const limit = Math.min(table.rows.length, 10);
    for (let r = 0; r < limit; r++) {
      if (isRoadmapHeader(detectColumns(table.rows[r]!))) return { table, headerRow: r };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Title, period and the order's date

const MONTHS: Record<string, number> = {
  январ: 1,
  феврал: 2,
  март: 3,
  апрел: 4,
  ма: 5,
  июн: 6,
  июл: 7,
  август: 8,
  сентябр: 9,
  октябр: 10,
  ноябр: 11,
  декабр: 12,
};

const pad2 = (n: number) => String(n).padStart(2, '0');

function isoDate(day: number, month: number, year: number): string | null {
  if (year < 100) year += 2000;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || year < 2000 || year > 2100) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function monthOf(word: string): number | null {
  const w = word.toLowerCase();
  for (const [stem, month] of Object.entries(MONTHS)) {
    if (stem === 'ма' ? /^ма[йяе]$/u.test(w) : w.startsWith(stem)) return month;
  }
  return null;
}

/** The years a title names: «2021-2024 гг.», «(2021-2024 г.г.)», «в 2020 – 2021 гг.», «на 2023-2024 годы», «на 2021 год». */
export function periodFromTitle(title: string): { start: string; end: string } | null {
  const range = /(?<!\d)(20\d\d)\s*(?:г\.?\s*)?[-–—]\s*(20\d\d|\d\d)(?!\d)/u.exec(title);
  if (range) {
    const start = Number(range[1]);
    const end = range[2]!.length === 2 ? 2000 + Number(range[2]) : Number(range[2]);
    if (end >= start && end - start <= 10) return { start: `${start}-01-01`, end: `${end}-12-31` };
  }
  const single = /(?<![\d.])(20\d\d)\s*(?:г\.|год|гг)/u.exec(title);
  if (single) return { start: `${single[1]}-01-01`, end: `${single[1]}-12-31` };
  return null;
}

/**
 * The date of the order from the text before the table: the last line that is a date and nothing else (with «от»,
 * «г.», «№ 235» around it) — «28.05.2021», «02.11.2020 № 235», «от 5 апреля 2024 г. № 12»; else the date of an
 * «Приложение … к приказу … от …» line.
 */
export function documentDateFrom(text: string): string | null {
  const lines = text.split('\n').map((l) => l.replace(/\*\*|__/gu, '').replace(/\s+/gu, ' ').trim());
  const tail = String.raw`\s*(?:г\.?|года?)?\s*(?:(?:№|N|No)\s*[\p{L}\d\-/_.]*)?\s*$`;
  const numeric = new RegExp(String.raw`^(?:от\s+)?«?(\d{1,2})»?\.(\d{1,2})\.(\d{4})` + tail, 'iu');
  const words = new RegExp(String.raw`^(?:от\s+)?«?(\d{1,2})»?\s+(\p{L}+)\s+(\d{4})` + tail, 'iu');
  let found: string | null = null;
  for (const line of lines) {
    const n = numeric.exec(line);
    if (n) found = isoDate(Number(n[1]), Number(n[2]), Number(n[3])) ?? found;
    const w = words.exec(line);
    const month = w ? monthOf(w[2]!) : null;
    if (w && month) found = isoDate(Number(w[1]), month, Number(w[3])) ?? found;
  }
  if (found) return found;
  const annex = /к\s+(?:приказу|распоряжению|постановлению)[\s\S]*?от\s+(\d{1,2})\.(\d{1,2})\.(\d{4})/iu.exec(lines.slice(-8).join(' '));
  return annex ? isoDate(Number(annex[1]), Number(annex[2]), Number(annex[3])) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Text of the fields

const startsLower = (text: string) => /^[\p{Ll}]/u.test(text.trim());

/**
 * Lines of a cell joined the way they read: a line that goes on with the sentence above (it starts with a small
 * letter or a digit, and the line above does not end a sentence) joins it with a space; list lines («- …») and
 * new sentences stay on lines of their own.
 */
export function reflow(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let out = '';
  for (const line of lines) {
    if (!out) out = line;
    else {
      const breaks = /[.;:!?]$/u.test(out) || /^[-–—•*]/u.test(line) || (/^\p{Lu}/u.test(line) && !/[,(«"]$/u.test(out));
      out += (breaks ? '\n' : ' ') + line;
    }
  }
  return out;
}

const joinText = (a: string, b: string) => (a && b ? `${a}\n${b}` : a || b);

/** «I», «II.», «1.», «1)», «Раздел 2.» at the start of a section title → its number and whether it is Roman. */
const SECTION_NUMBER = /^(?:[Рр]аздел\s+)?([IVXLC]+|\d+(?:\.\d+)*)(?:[.)]\s*|\s+)(?=\S)/u;
const ROMAN = /^[IVXLC]+\.?$/u;
const ARABIC = /^\d+(?:\.\d+)*\.?$/u;

function sectionOf(title: string): { number: string | null; title: string } {
  const clean = title.replace(/\s+/gu, ' ').trim();
  const m = SECTION_NUMBER.exec(clean);
  return { number: m ? m[1]! : null, title: clean };
}

// ---------------------------------------------------------------------------------------------------------------
// The items

interface Context {
  table: RawTable;
  headerRow: number;
  columns: Partial<Record<ColumnKey, number>>;
  /** Columns left of the name column that are not the number: the section column of seed 002. */
  sectionColumns: number[];
}

const DATA_KEYS: ColumnKey[] = ['deadline', 'responsible', 'documentKind', 'result'];
const TAIL_KEYS: ColumnKey[] = ['deadline', 'responsible', 'documentKind'];

/**
 * The items of the roadmap table. When the header does not name the columns of an item and of its deadline or
 * owner, returns 'unknown_columns' with the headers, unless options.columns says which column is which (the bot
 * asks the person and calls again).
 */
export function parseRoadmap(doc: RoadmapDocument, options: { columns?: Partial<Record<ColumnKey, number>> } = {}): ParsedRoadmap | ParseRoadmapError {
  if (!doc.tables.some((t) => t.rows.length > 0)) return { error: 'no_table', headers: [] };
  const found = findRoadmapTable(doc);
  let table: RawTable;
  let headerRow: number;
  let columns: Partial<Record<ColumnKey, number>>;
  if (found) {
    ({ table, headerRow } = found);
    columns = { ...detectColumns(table.rows[headerRow]!), ...options.columns };
  } else {
    // The largest table is the plan; its header is its first row of two or more filled cells.
    table = doc.tables.reduce((a, b) => (b.rows.length > a.rows.length ? b : a));
    headerRow = Math.max(
      0,
      table.rows.findIndex((r) => r.filter((c) => c !== '').length >= 2),
    );
    const headers = table.rows[headerRow] ?? [];
    if (!options.columns) return { error: 'unknown_columns', headers };
    // What the person said wins; headers that are known (such as «№ п/п») still count for the rest.
    columns = { ...detectColumns(headers), ...options.columns };
  }
  const width = Math.max(0, ...table.rows.map((r) => r.length));
  for (const key of Object.keys(columns) as ColumnKey[]) {
    const index = columns[key];
    if (index === undefined || index < 0 || index >= width) delete columns[key];
  }
  if (!isRoadmapHeader(columns)) return { error: 'unknown_columns', headers: table.rows[headerRow] ?? [] };

  const header = table.rows[headerRow] ?? [];
  const mapped = new Set(Object.values(columns));
  const unknownHeaders = header.map((h, index) => ({ index, header: h })).filter((h) => h.header !== '' && !mapped.has(h.index));
  const sectionColumns: number[] = [];
  for (let i = 0; i < columns.name!; i++) if (!mapped.has(i)) sectionColumns.push(i);

  const title = (table.heading ?? doc.title).trim() || doc.title;
  const textBefore = table.textBefore ?? doc.textBefore;
  const { sections, items } = readItems({ table, headerRow, columns, sectionColumns });
  return {
    title,
    period: periodFromTitle(title),
    documentDate: documentDateFrom(textBefore),
    columns,
    unknownHeaders,
    sections,
    items,
  };
}

interface Section {
  number: string | null;
  title: string;
}

function readItems(ctx: Context): { sections: Section[]; items: ParsedItem[] } {
  const { table, headerRow, columns } = ctx;
  const sections: Section[] = [];
  const items: ParsedItem[] = [];
  let section: Section | null = null;
  /** The item rows below continue; null right after a section row. */
  let last: ParsedItem | null = null;
  const rawRows = table.rows;
  const headerKeys = (rawRows[headerRow] ?? []).map(headerKey);

  const cell = (row: string[], key: ColumnKey) => {
    const i = columns[key];
    return i === undefined ? '' : (row[i] ?? '').trim();
  };
  const startSection = (text: string) => {
    section = sectionOf(text);
    sections.push(section);
    last = null;
  };

  for (let r = headerRow + 1; r < rawRows.length; r++) {
    const row = rawRows[r]!;
    const rowNumber = r + 1;
    const filled = row.map((c, i) => ({ c: c.trim(), i })).filter((x) => x.c !== '');
    if (filled.length === 0) continue;
    // A header repeated on a new page, or the row of column numbers («1 | 2 | 3 …») under the header.
    if (row.map(headerKey).join('|') === headerKeys.join('|')) continue;
    if (r === headerRow + 1 && filled.length >= 3 && filled.every((x, k) => x.c.replace(/\.$/u, '') === String(k + 1))) continue;

    const number = cell(row, 'number');
    const name = cell(row, 'name');
    const sectionText = ctx.sectionColumns
      .map((i) => (row[i] ?? '').trim())
      .filter((t) => t !== '')
      .join(' ');
    const dataFilled = DATA_KEYS.some((k) => cell(row, k) !== '');

    // The section column (seed 002): text there starts a section at this row.
    if (sectionText) {
      startSection(sectionText);
      if (!number && !name && !dataFilled) continue;
    }
    // One filled cell outside the item's own columns: a section row whose cells were merged («III. Мероприятия …»).
    if (!sectionText && filled.length === 1) {
      const only = filled[0]!;
      if (only.i < columns.name! && /\p{L}{3}/u.test(only.c)) {
        startSection(only.c);
        continue;
      }
      // Only a name, no number: a heading, unless it goes on with the name above (a small letter, a list line, or
      // the name above ends with a colon).
      const goesOn = startsLower(only.c) || /^[-–—•]/u.test(only.c) || /:$/u.test((last as ParsedItem | null)?.name.trim() ?? '');
      if (only.i === columns.name && !goesOn) {
        startSection(only.c);
        continue;
      }
      const above = last as ParsedItem | null;
      if (only.i === columns.name && above) {
        above.name = joinText(above.name, only.c);
        above.sourceRows.push(rowNumber);
        continue;
      }
    }
    // A number and a title and nothing else: «IV. | Мероприятия …», or «2. | Раздел» above items «2.1», «2.2» or
    // above items numbered from «1» again.
    if (number && name && !dataFilled && filled.every((x) => x.i === columns.number || x.i === columns.name)) {
      const nextNumber = nextItemNumber(rawRows, r + 1, columns);
      const base = number.replace(/\.$/u, '');
      const opens = nextNumber.startsWith(`${base}.`) && /\d/u.test(nextNumber.charAt(base.length + 1));
      if (ROMAN.test(number) || (ARABIC.test(number) && (opens || nextNumber.replace(/\.$/u, '') === '1'))) {
        startSection(`${number} ${name}`);
        continue;
      }
    }

    // A numbered row with nothing else in it is a blank line of the template.
    if (number && !name && !dataFilled) continue;
    if (number || name) {
      for (const item of splitRow(row, ctx)) {
        const made = newItem(item.number, item.name, item.row, rowNumber, section, columns);
        const tailEmpty = TAIL_KEYS.every((k) => cell(item.row, k) === '') && (columns.deadline !== undefined || columns.responsible !== undefined);
        if (tailEmpty && last) inherit(made, last, cell(item.row, 'result'));
        items.push(made);
        last = made;
      }
      continue;
    }
    // No number, no name: the row goes on with the item above (a page break, a cell merged down the rows).
    if (last) continueItem(last, row, rowNumber, columns);
  }

  numberItems(items, sections, columns.number !== undefined);
  for (const item of items) finishItem(item);
  return { sections, items };
}

/** The number of the next row that has one, to tell a numbered section heading («1.» above «1.1») from an item. */
function nextItemNumber(rows: string[][], from: number, columns: Partial<Record<ColumnKey, number>>): string {
  if (columns.number === undefined) return '';
  for (let r = from; r < rows.length && r < from + 3; r++) {
    const n = (rows[r]![columns.number] ?? '').trim();
    if (n) return n;
  }
  return '';
}

function newItem(
  number: string,
  name: string,
  row: string[],
  rowNumber: number,
  section: Section | null,
  columns: Partial<Record<ColumnKey, number>>,
): ParsedItem {
  const get = (key: ColumnKey) => (columns[key] === undefined ? '' : (row[columns[key]] ?? '').trim());
  return {
    number,
    section: section?.title ?? null,
    sectionNumber: section?.number ?? null,
    name,
    deadline: get('deadline'),
    responsible: get('responsible'),
    documentKind: get('documentKind'),
    result: get('result'),
    parts: null,
    sourceRows: [rowNumber],
  };
}

/**
 * An item row with nothing under deadline, responsible and document (seed 000 item II.4, which sat in cells merged
 * down from the item above): it shares them with the item above in its section. Result text there that starts
 * with a small letter is the end of the above item's result, which it shares too.
 */
function inherit(item: ParsedItem, previous: ParsedItem, result: string): void {
  if (item.section !== previous.section) return;
  const row = item.sourceRows[0]!;
  item.deadline = previous.deadline;
  item.responsible = previous.responsible;
  item.documentKind = previous.documentKind;
  item.parts = previous.parts ? previous.parts.map((p) => ({ ...p })) : null;
  if (result && startsLower(result)) {
    previous.result = joinText(previous.result, result);
    if (!previous.sourceRows.includes(row)) previous.sourceRows.push(row);
    item.result = previous.result;
  } else if (!result) {
    item.result = previous.result;
  }
}

/** The last «- …» line of a text, without the dash and the closing punctuation: a party named in a list. */
function lastListEntry(text: string): string | null {
  const lines = text.split('\n').filter((l) => /^[-–—•]\s*/u.test(l.trim()));
  const entry = lines[lines.length - 1];
  return entry ? entry.trim().replace(/^[-–—•]\s*/u, '').replace(/[;,.]+$/u, '').trim() : null;
}

/**
 * A row without number and name continues the item above: its text is added to each field. A second deadline
 * makes the item one of parts (seed 003 item 8: «- муниципальные отделы образования» by 10 August, «-
 * образовательные организации» by 20 August); the party of a part is the row's responsible, else the «- …» entry
 * its other cells add.
 */
function continueItem(item: ParsedItem, row: string[], rowNumber: number, columns: Partial<Record<ColumnKey, number>>): void {
  const get = (key: ColumnKey) => (columns[key] === undefined ? '' : (row[columns[key]] ?? '').trim());
  item.sourceRows.push(rowNumber);
  const deadline = get('deadline');
  const responsible = get('responsible');
  const documentKind = get('documentKind');
  const listed = lastListEntry(joinText(documentKind, get('result')));
  // A second deadline with a party of its own makes a part; one without is the rest of the deadline above.
  if (deadline && item.deadline && (responsible || listed)) {
    if (!item.parts) {
      const first = lastListEntry(joinText(item.documentKind, item.result));
      item.parts = [{ responsible: first ?? item.responsible, deadline: item.deadline }];
    }
    const part: ItemPart = { responsible: responsible || listed || item.responsible, deadline };
    if (documentKind) part.documentKind = documentKind;
    item.parts.push(part);
  } else {
    item.deadline = joinText(item.deadline, deadline);
  }
  if (!(deadline && listed && !responsible)) item.responsible = joinText(item.responsible, responsible);
  item.documentKind = joinText(item.documentKind, documentKind);
  item.result = joinText(item.result, get('result'));
}

/**
 * One row that holds several items as paragraphs (seed 002, section 5): as many name paragraphs as deadline and
 * responsible paragraphs, each a sentence of its own. Otherwise the row is one item.
 */
function splitRow(row: string[], ctx: Context): { number: string; name: string; row: string[] }[] {
  const { columns } = ctx;
  const get = (key: ColumnKey) => (columns[key] === undefined ? '' : (row[columns[key]] ?? '').trim());
  const number = get('number');
  const name = get('name');
  const names = name.split('\n');
  const count = names.length;
  const one = [{ number, name, row }];
  if (count < 2 || names.some((n) => !/^\p{Lu}/u.test(n)) || /:$/u.test(names[0]!)) return one;
  const splittable: ColumnKey[] = ['deadline', 'responsible'].filter((k) => columns[k as ColumnKey] !== undefined) as ColumnKey[];
  if (splittable.length === 0 || splittable.some((k) => get(k).split('\n').length !== count)) return one;
  const numbers = number.split('\n');
  if (number && numbers.length !== count) return one;
  return names.map((n, k) => {
    const copy = [...row];
    for (const key of ['number', 'name', ...DATA_KEYS] as ColumnKey[]) {
      const i = columns[key];
      if (i === undefined) continue;
      const lines = (row[i] ?? '').split('\n');
      // Fields with a paragraph for each item are split; a field with one text is shared.
      if (lines.length === count) copy[i] = lines[k]!;
    }
    return { number: numbers.length === count ? numbers[k]! : '', name: n, row: copy };
  });
}

/**
 * Numbers for items without one: after a numbered item «15.» the next unnumbered is «15.1»; in a table without a
 * number column (seed 002) «section.position» — «1.1», «1.2» — or the position when there are no sections.
 */
function numberItems(items: ParsedItem[], sections: Section[], hasNumbers: boolean): void {
  const positions = new Map<string | null, number>();
  let base: string | null = null;
  let extra = 0;
  let lastSection: string | null | undefined;
  for (const item of items) {
    const key = item.section;
    positions.set(key, (positions.get(key) ?? 0) + 1);
    if (item.section !== lastSection) {
      base = null;
      lastSection = item.section;
    }
    if (item.number) {
      base = item.number.replace(/\.$/u, '');
      extra = 0;
      continue;
    }
    if (hasNumbers && base) {
      extra++;
      item.number = `${base}.${extra}`;
      continue;
    }
    const position = positions.get(key)!;
    if (item.section === null) item.number = String(position);
    else {
      const index = sections.findIndex((s) => s.title === item.section);
      const sectionNumber = item.sectionNumber ?? String(index + 1);
      item.number = `${sectionNumber}.${position}`;
    }
  }
}

function finishItem(item: ParsedItem): void {
  item.name = reflow(item.name);
  item.responsible = reflow(item.responsible);
  item.documentKind = reflow(item.documentKind);
  item.result = reflow(item.result);
  if (item.parts) {
    for (const part of item.parts) {
      part.deadline = reflow(part.deadline);
      part.responsible = reflow(part.responsible);
      if (part.documentKind !== undefined) part.documentKind = reflow(part.documentKind);
    }
    item.deadline = item.parts.map((p) => p.deadline).join('\n');
  } else {
    item.deadline = reflow(item.deadline);
  }
}
