import { zipUnpackedSize } from '../shared/zip';
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { decodeText } from '../territory/territory-file';

/*
 * A roadmap (дорожная карта) as a coordinator sends it: a DOCX order with the plan as a table, an XLSX sheet, or
 * plain text with tab-separated columns. This module only turns the file into tables of text; roadmap-parse.ts
 * finds the items in them.
 */

/** Cells as text; the paragraphs or lines of one cell are joined with '\n', each trimmed, blank ones dropped. */
export interface RawTable {
  rows: string[][];
  /** The heading right before this table (for the first table the same as RoadmapDocument.title). */
  heading?: string;
  /** All text of the document before this table (for the first table the same as RoadmapDocument.textBefore). */
  textBefore?: string;
}

export interface RoadmapDocument {
  /** The heading right before the first table, e.g. «План (дорожная карта) …». */
  title: string;
  /** All text before the first table: the order, its date and number. */
  textBefore: string;
  tables: RawTable[];
}

export type RoadmapFileError = { code: 'wrong_type' | 'too_large' | 'empty' | 'unreadable' | 'no_table'; detail?: string };

export type RoadmapFileResult = { ok: true; document: RoadmapDocument } | { ok: false; error: RoadmapFileError };

/** A file bigger than this is refused (the bot also checks the size Telegram reports before downloading). */
export const MAX_ROADMAP_BYTES = 20 * 1024 * 1024;
/** What the parts of a DOCX or XLSX may unpack to: guards against a small file that unzips to gigabytes. */
const MAX_UNPACKED_BYTES = 120 * 1024 * 1024;

const TEXT_TYPES = new Set(['.txt', '.tsv']);
const ZIP_TYPES = new Set(['.docx', '.xlsx']);

const fail = (code: RoadmapFileError['code'], detail?: string): RoadmapFileResult => ({ ok: false, error: detail === undefined ? { code } : { code, detail } });

/** Reads a roadmap file into its tables of text; nothing about items is decided here. */
export async function readRoadmapDocument(fileName: string, data: Buffer): Promise<RoadmapFileResult> {
  const ext = extname(fileName).toLowerCase();
  if (!TEXT_TYPES.has(ext) && !ZIP_TYPES.has(ext)) return fail('wrong_type', ext || undefined);
  if (data.length > MAX_ROADMAP_BYTES) return fail('too_large', String(MAX_ROADMAP_BYTES));
  if (data.length === 0) return fail('empty');

  let document: RoadmapDocument;
  if (TEXT_TYPES.has(ext)) {
    const text = decodeText(data);
    if (text.includes('\u0000')) return fail('unreadable', 'binary');
    if (text.trim() === '') return fail('empty');
    document = readText(text);
  } else {
    const foreign = foreignFormat(data);
    if (foreign) return fail('wrong_type', foreign);
    const unpacked = zipUnpackedSize(data);
    if (unpacked === null) return fail('unreadable', 'not a zip archive');
    if (unpacked > MAX_UNPACKED_BYTES) return fail('too_large', 'unpacked');
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(data);
    } catch {
      return fail('unreadable', 'not a zip archive');
    }
    try {
      // The content decides: a workbook saved as .docx by mistake is still read as a workbook.
      if (zip.file('word/document.xml')) document = await readDocx(zip);
      else if (zip.file('xl/workbook.xml')) document = await readXlsx(data);
      else return fail('unreadable', 'neither a Word document nor a workbook');
    } catch (error) {
      return fail('unreadable', error instanceof Error ? error.message.slice(0, 200) : undefined);
    }
  }
  const hasCells = document.tables.some((t) => t.rows.some((r) => r.some((c) => c !== '')));
  if (!hasCells) {
    const hasText = document.textBefore.trim() !== '';
    return hasText || document.tables.length > 0 ? fail('no_table') : fail('empty');
  }
  return { ok: true, document };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared text helpers

/** One line of a cell: runs of spaces (tabs, no-break spaces) collapsed, trimmed. */
function cleanLine(line: string): string {
  return line.replace(/[\s\u00a0\u2007\u202f]+/gu, ' ').trim();
}

/** Cell text: lines cleaned, blank ones dropped, joined with '\n'. */
export function cleanCell(text: string): string {
  return text
    .split(/\r?\n|\r/u)
    .map(cleanLine)
    .filter((l) => l !== '')
    .join('\n');
}

/** Markdown emphasis a converter left around a heading («**Дорожная карта …**»). */
function stripMarkdown(text: string): string {
  return text.replace(/\*\*|__/g, '').trim();
}

const META_LINE = /^(приложение|к\s+приказу|к\s+распоряжению|к\s+постановлению|к\s+решению|от\s|утвержд|согласован|№|исп\.|тел\.)/iu;
const DATE_LINE = /^(от\s+)?\d{1,2}\.\d{1,2}\.\d{2,4}/u;
const TITLE_WORD = /(?<!\p{L})план(?!\p{L})|дорожн\p{L}*\s+карт/iu;

/**
 * The heading of a table from the paragraphs before it ('' stands for a blank line between them): the last
 * paragraph, with the paragraphs right above it that belong to it — a «План» line above «(дорожная карта) …», or
 * «Дорожная карта …» above a line that ends the title. Stops at a blank line, a date, «Приложение», «к приказу» …
 */
export function headingFrom(paragraphs: string[]): string {
  const clean = paragraphs.map((p) => stripMarkdown(cleanLine(p)));
  let last = clean.length - 1;
  while (last >= 0 && clean[last] === '') last--;
  if (last < 0) return '';
  const block = [last];
  for (let j = last - 1; j >= 0 && block.length < 4; j--) {
    const p = clean[j]!;
    if (p === '' || META_LINE.test(p) || DATE_LINE.test(p) || /[.:;!?]$/u.test(p) || p.length > 400) break;
    block.unshift(j);
  }
  const titled = block.findIndex((i) => TITLE_WORD.test(clean[i]!));
  let from = titled >= 0 ? titled : block.length - 1;
  // A last line that plainly continues the one above («(дорожная карта) по …», «в 2021 году»).
  while (from > 0 && /^[\p{Ll}(«"]/u.test(clean[block[from]!]!)) from--;
  return block
    .slice(from)
    .map((i) => clean[i]!)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Plain text

const HTML_TAG = /<\/?(p|ul|ol|li|br|div|span|b|i|u|s|strong|em|sup|sub|font|a|table|tbody|thead|tr|td|th)\b[^>]*>/giu;

/**
 * A cell of a text export that still holds HTML: `<p>` paragraphs become lines, `<li>` lines starting with «- »,
 * other tags go. A `<ul>` whose items lost their `<li>` tags («<ul …> - один; - два») is split at its « - ».
 */
export function htmlCellText(text: string): string {
  if (!/<\/?[a-z]/iu.test(text)) return cleanCell(text);
  let out = '';
  let listDepth = 0;
  let listHasItems = false;
  let at = 0;
  const pushText = (chunk: string) => {
    let t = chunk.replace(/&nbsp;/gu, ' ').replace(/&lt;/gu, '<').replace(/&gt;/gu, '>').replace(/&quot;/gu, '"').replace(/&#(\d+);/gu, (_, n: string) => String.fromCodePoint(Number(n)));
    t = t.replace(/&amp;/gu, '&');
    if (listDepth > 0 && !listHasItems) t = t.replace(/(^|\s)[-–•]\s+/gu, '\n- ');
    out += t;
  };
  for (const m of text.matchAll(HTML_TAG)) {
    pushText(text.slice(at, m.index));
    at = m.index + m[0].length;
    const tag = m[1]!.toLowerCase();
    const closing = m[0].startsWith('</');
    if (tag === 'ul' || tag === 'ol') {
      listDepth = Math.max(0, listDepth + (closing ? -1 : 1));
      if (!closing) listHasItems = false;
      out += '\n';
    } else if (tag === 'li') {
      if (!closing) listHasItems = true;
      out += closing ? '\n' : '\n- ';
    } else if (['p', 'br', 'div', 'tr'].includes(tag)) {
      out += '\n';
    } else if (tag === 'td' || tag === 'th') {
      out += ' ';
    }
  }
  pushText(text.slice(at));
  return cleanCell(out);
}

/** Rows like «--- | --- | --» a markdown converter put under a header. */
function isRuleRow(cells: string[]): boolean {
  return cells.some((c) => /-/u.test(c)) && cells.every((c) => /^[\s\-–—:|=*]*$/u.test(c));
}

/** A row that starts a new table rather than continuing one: short header-like cells, none a number. */
function looksLikeHeader(cells: string[]): boolean {
  const filled = cells.filter((c) => c !== '');
  return filled.length >= 3 && filled.every((c) => c.length <= 60 && !/^(\d+|[IVXLC]+)[.)]?(\s|$)/u.test(c));
}

function readText(content: string): RoadmapDocument {
  const lines = content.replace(/^\uFEFF/u, '').split(/\r\n|\n|\r/u);
  const tabLines = lines.filter((l) => l.includes('\t'));
  if (tabLines.length === 0) return { title: '', textBefore: cleanText(lines), tables: [] };
  const oneCellLines = tabLines.filter((l) => l.startsWith('\t') && l.indexOf('\t', 1) < 0).length;
  const tables = oneCellLines >= 4 && oneCellLines / tabLines.length >= 0.8 ? readCellPerLine(lines) : readTabbedRows(lines);
  const first = tables[0];
  return { title: first?.heading ?? '', textBefore: first?.textBefore ?? cleanText(lines), tables };
}

/** Text lines as a block of text: trimmed, runs of blank lines folded into one. */
function cleanText(lines: string[]): string {
  return lines
    .map((l) => l.replace(/\s+$/u, ''))
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

/** The paragraphs of plain text (blocks between blank lines), '' between blocks, for headingFrom. */
function textParagraphs(lines: string[]): string[] {
  const blocks: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') {
      if (blocks[blocks.length - 1]!.length > 0) blocks.push([]);
    } else blocks[blocks.length - 1]!.push(line);
  }
  const out: string[] = [];
  for (const block of blocks.filter((b) => b.length > 0)) {
    if (out.length > 0) out.push('');
    // A short block is one paragraph wrapped over lines; a long one is taken line by line.
    if (block.length <= 4) out.push(block.map(cleanLine).join(' '));
    else out.push(...block);
  }
  return out;
}

/**
 * Layout of seeds 000 and 002: one row a line, cells separated by tabs. A single line of text between rows (with
 * blank lines around it) is a row of one cell — a section heading whose cells were merged, as «III. Мероприятия …»
 * in seed 000. Text of several lines, a bold heading, or a header-like row after the text starts another table.
 */
function readTabbedRows(lines: string[]): RawTable[] {
  interface Block {
    start: number;
    lines: string[];
  }
  const tables: RawTable[] = [];
  let current: { rows: string[][]; start: number } | null = null;
  let pending: Block[] = [];
  let block: Block | null = null;

  const close = () => {
    if (current) tables.push(tableAt(current.rows, current.start));
    current = null;
  };
  const tableAt = (rows: string[][], start: number): RawTable => {
    const before = lines.slice(0, start).filter((l) => !l.includes('\t'));
    const sincePrevious: string[] = [];
    for (let i = start - 1; i >= 0 && !lines[i]!.includes('\t'); i--) sincePrevious.unshift(lines[i]!);
    return { rows, heading: headingFrom(textParagraphs(sincePrevious)), textBefore: cleanText(before) };
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes('\t')) {
      if (line.trim() === '') block = null;
      else if (block) block.lines.push(line);
      else {
        block = { start: i, lines: [line] };
        if (current) pending.push(block);
      }
      continue;
    }
    block = null;
    const cells = line.split('\t').map((c) => stripMarkdown(htmlCellText(c)));
    if (isRuleRow(cells)) continue;
    if (current) {
      const inline = pending.every((b) => b.lines.length === 1 && !/^\s*(\*\*|__)/u.test(b.lines[0]!) && cleanLine(b.lines[0]!).length <= 300);
      if (pending.length > 0 && (!inline || looksLikeHeader(cells))) close();
      else for (const b of pending) current.rows.push([stripMarkdown(cleanLine(b.lines[0]!))]);
      pending = [];
    }
    if (!current) current = { rows: [], start: i };
    current.rows.push(cells);
  }
  close();
  return tables.map((t) => ({ ...t, rows: trimRows(t.rows) }));
}

/**
 * Layout of seed 003: one cell a line, each starting with a tab; a line without a tab continues the cell above;
 * rows are separated by blank lines. The header (the first cells up to a blank line) gives the number of cells a
 * row has, so a row broken by blank lines in the middle (seed 003 item 8) is still read whole.
 */
function readCellPerLine(lines: string[]): RawTable[] {
  const start = lines.findIndex((l) => l.startsWith('\t'));
  const rows: string[][] = [];
  let row: string[] | null = null;
  let width = 0;
  let blankSince = false;
  const finish = () => {
    if (row) {
      if (width === 0) width = row.length;
      rows.push(row);
    }
    row = null;
  };
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' && !line.startsWith('\t')) {
      blankSince = true;
      if (row && width === 0 && row.length >= 2) finish();
      continue;
    }
    if (line.startsWith('\t')) {
      if (row && width > 0 && row.length >= width) finish();
      row ??= [];
      row.push(line.slice(1));
    } else if (row && (!blankSince || row[row.length - 1]!.trim() === '')) {
      row[row.length - 1] += `\n${line}`;
    } else if (!row && rows.length > 0 && !blankSince) {
      const last = rows[rows.length - 1]!;
      last[last.length - 1] += `\n${line}`;
    } else {
      break; // text after the table
    }
    blankSince = false;
  }
  finish();
  const before = lines.slice(0, start);
  const table: RawTable = {
    rows: trimRows(rows.map((r) => r.map((c) => stripMarkdown(htmlCellText(c))))),
    heading: headingFrom(textParagraphs(before)),
    textBefore: cleanText(before),
  };
  return [table];
}

/** Rows without trailing blank rows; every row as long as the longest. */
function trimRows(rows: string[][]): string[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  return rows.filter((r) => r.some((c) => c !== '')).map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
}

// ---------------------------------------------------------------------------------------------------------------
// DOCX

/** What a file that is not a zip at all really is, when it is something people send by mistake. */
function foreignFormat(data: Buffer): string | null {
  if (data.length >= 4 && data.readUInt32BE(0) === 0xd0cf11e0) return 'doc'; // OLE2: .doc or .xls of old Office
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.subarray(0, 8).toString('latin1') === '\x89PNG\r\n\x1a\n') return 'png';
  if (data.subarray(0, 5).toString('latin1') === '{\\rtf') return 'rtf';
  return null;
}


function parseXml(xml: string, onOpen: (tag: SaxesTagPlain) => void, onClose: (name: string) => void, onText: (text: string) => void): void {
  const parser = new SaxesParser();
  parser.on('opentag', onOpen);
  parser.on('closetag', (tag) => onClose(tag.name));
  parser.on('text', onText);
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(xml).close();
}

const attr = (tag: SaxesTagPlain, name: string): string | undefined => {
  const value = tag.attributes[name];
  return typeof value === 'string' ? value : undefined;
};

interface NumberingLevel {
  start: number;
  format: string;
  text: string;
}

/** Automatic numbering (word/numbering.xml): the «1.» of a numbered «№» column is not in the text of the cell. */
class Numbering {
  private readonly abstracts = new Map<string, Map<number, NumberingLevel>>();
  private readonly nums = new Map<string, { abstract: string; starts: Map<number, number> }>();
  /** Counts by abstract list: lists (w:num) of one abstract list go on from each other unless one restarts. */
  private readonly counters = new Map<string, number[]>();
  private readonly used = new Set<string>();

  constructor(xml: string | null) {
    if (!xml) return;
    let abstract: Map<number, NumberingLevel> | null = null;
    let level: NumberingLevel | null = null;
    let num: { abstract: string; starts: Map<number, number> } | null = null;
    let overrideLevel = -1;
    parseXml(
      xml,
      (tag) => {
        const val = attr(tag, 'w:val');
        switch (tag.name) {
          case 'w:abstractNum':
            abstract = new Map();
            this.abstracts.set(attr(tag, 'w:abstractNumId') ?? '', abstract);
            break;
          case 'w:lvl':
            level = { start: 1, format: 'decimal', text: '' };
            if (num === null) abstract?.set(Number(attr(tag, 'w:ilvl') ?? 0), level);
            break;
          case 'w:start':
            if (level && val) level.start = Number(val);
            break;
          case 'w:numFmt':
            if (level && val) level.format = val;
            break;
          case 'w:lvlText':
            if (level) level.text = val ?? '';
            break;
          case 'w:num':
            num = { abstract: '', starts: new Map() };
            this.nums.set(attr(tag, 'w:numId') ?? '', num);
            break;
          case 'w:abstractNumId':
            if (num) num.abstract = val ?? '';
            break;
          case 'w:lvlOverride':
            overrideLevel = Number(attr(tag, 'w:ilvl') ?? 0);
            break;
          case 'w:startOverride':
            if (num && val) num.starts.set(overrideLevel, Number(val));
            break;
        }
      },
      (name) => {
        if (name === 'w:abstractNum') abstract = null;
        if (name === 'w:lvl') level = null;
        if (name === 'w:num') num = null;
      },
      () => undefined,
    );
  }

  /** The label of the next paragraph of list numId at level ilvl («1.», «1.2.», «- » for bullets), '' for none. */
  next(numId: string, ilvl: number): string {
    const num = this.nums.get(numId);
    const levels = num ? this.abstracts.get(num.abstract) : undefined;
    const level = levels?.get(ilvl);
    if (!num || !levels || !level) return '';
    const restart = !this.used.has(numId) && num.starts.size > 0;
    this.used.add(numId);
    const counts = restart ? [] : (this.counters.get(num.abstract) ?? []);
    const startOf = (l: number) => num.starts.get(l) ?? levels.get(l)?.start ?? 1;
    counts[ilvl] = counts[ilvl] === undefined ? startOf(ilvl) : counts[ilvl]! + 1;
    counts.length = ilvl + 1;
    this.counters.set(num.abstract, counts);
    if (level.format === 'bullet') return '-';
    if (level.format === 'none') return cleanLine(level.text.replace(/%\d/gu, ''));
    return level.text.replace(/%(\d)/gu, (_, d: string) => {
      const l = Number(d) - 1;
      return formatNumber(counts[l] ?? startOf(l), levels.get(l)?.format ?? 'decimal');
    });
  }
}

const RUSSIAN_LETTERS = 'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ';

function formatNumber(n: number, format: string): string {
  switch (format) {
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperLetter':
      return String.fromCharCode(65 + ((n - 1) % 26));
    case 'lowerLetter':
      return String.fromCharCode(97 + ((n - 1) % 26));
    case 'russianUpper':
      return RUSSIAN_LETTERS[(n - 1) % RUSSIAN_LETTERS.length]!;
    case 'russianLower':
      return RUSSIAN_LETTERS[(n - 1) % RUSSIAN_LETTERS.length]!.toLowerCase();
    case 'decimalZero':
      return String(n).padStart(2, '0');
    default:
      return String(n);
  }
}

function roman(n: number): string {
  const parts: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [value, letters] of parts) {
    while (n >= value) {
      out += letters;
      n -= value;
    }
  }
  return out;
}

interface DocxCell {
  paragraphs: string[];
  span: number;
  continued: boolean;
}

/** Parts of document.xml whose text is not the document's: a copy (mc:Fallback), deletions, tracked old formatting. */
const SKIPPED = new Set([
  'mc:Fallback',
  'w:del',
  'w:moveFrom',
  'w:pPrChange',
  'w:rPrChange',
  'w:tcPrChange',
  'w:trPrChange',
  'w:tblPrChange',
  'w:tblGridChange',
  'w:sectPrChange',
  'w:numberingChange',
]);

/**
 * word/document.xml: each top-level `w:tbl` becomes a RawTable laid out on the table grid — a cell spanning columns
 * (`w:gridSpan`) keeps its text in the first position and '' in the others; the lower cells of a vertical merge
 * (`w:vMerge` without "restart") are ''. Paragraphs of a cell are joined with '\n'; a table inside a cell adds its
 * paragraphs to that cell. Paragraphs outside tables are the text before and between the tables.
 */
async function readDocx(zip: JSZip): Promise<RoadmapDocument> {
  const xml = await zip.file('word/document.xml')!.async('string');
  const numberingFile = zip.file('word/numbering.xml');
  const numbering = new Numbering(numberingFile ? await numberingFile.async('string') : null);

  /** Body paragraphs ('' for empty ones) and the places of the tables among them. */
  const body: ({ kind: 'p'; text: string } | { kind: 'table'; index: number })[] = [];
  const tables: { rows: string[][] }[] = [];
  let tableDepth = 0;
  let rows: string[][] = [];
  let row: DocxCell[] | null = null;
  let gridBefore = 0;
  let cell: DocxCell | null = null;
  const paragraphs: { text: string; label: string }[] = [];
  let numId: string | null = null;
  let ilvl = 0;
  let inText = false;
  let skipDepth = 0; // inside mc:Fallback (a copy of mc:Choice) or deleted text
  const stack: string[] = [];

  const finishRow = () => {
    if (!row) return;
    const cells: string[] = Array<string>(gridBefore).fill('');
    for (const c of row) {
      cells.push(c.continued ? '' : cleanCell(c.paragraphs.join('\n')));
      for (let k = 1; k < c.span; k++) cells.push('');
    }
    rows.push(cells);
    row = null;
  };

  parseXml(
    xml,
    (tag) => {
      stack.push(tag.name);
      if (skipDepth > 0 || SKIPPED.has(tag.name)) {
        skipDepth++;
        return;
      }
      const val = attr(tag, 'w:val');
      const parent = stack[stack.length - 2];
      switch (tag.name) {
        case 'w:tbl':
          tableDepth++;
          if (tableDepth === 1) rows = [];
          break;
        case 'w:tr':
          if (tableDepth === 1) {
            row = [];
            gridBefore = 0;
          }
          break;
        case 'w:gridBefore':
          if (tableDepth === 1 && parent === 'w:trPr') gridBefore = Number(val ?? 0) || 0;
          break;
        case 'w:tc':
          if (tableDepth === 1) cell = { paragraphs: [], span: 1, continued: false };
          break;
        case 'w:gridSpan':
          if (tableDepth === 1 && cell && parent === 'w:tcPr') cell.span = Math.max(1, Number(val ?? 1) || 1);
          break;
        case 'w:vMerge':
          if (tableDepth === 1 && cell && parent === 'w:tcPr') cell.continued = val !== 'restart';
          break;
        case 'w:p':
          paragraphs.push({ text: '', label: '' });
          numId = null;
          ilvl = 0;
          break;
        case 'w:numId':
          if (parent === 'w:numPr') numId = val ?? null;
          break;
        case 'w:ilvl':
          if (parent === 'w:numPr') ilvl = Number(val ?? 0) || 0;
          break;
        case 'w:t':
          inText = true;
          break;
        case 'w:tab':
          if (parent === 'w:r' && paragraphs.length > 0) paragraphs[paragraphs.length - 1]!.text += ' ';
          break;
        case 'w:br':
        case 'w:cr':
          if (paragraphs.length > 0) paragraphs[paragraphs.length - 1]!.text += '\n';
          break;
        case 'w:noBreakHyphen':
          if (paragraphs.length > 0) paragraphs[paragraphs.length - 1]!.text += '-';
          break;
      }
    },
    (name) => {
      stack.pop();
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      switch (name) {
        case 'w:t':
          inText = false;
          break;
        case 'w:pPr': {
          // The numbering label is taken when the paragraph's properties end, before any of its text.
          const p = paragraphs[paragraphs.length - 1];
          if (p && stack[stack.length - 1] === 'w:p' && numId && numId !== '0') p.label = numbering.next(numId, ilvl);
          break;
        }
        case 'w:p': {
          const p = paragraphs.pop();
          if (!p) break;
          const text = p.label ? (p.label === '-' ? `- ${p.text}` : `${p.label} ${p.text}`) : p.text;
          if (tableDepth > 0 && cell) cell.paragraphs.push(text);
          else if (tableDepth === 0 && paragraphs.length === 0) body.push({ kind: 'p', text: cleanLine(text) });
          else if (paragraphs.length > 0) paragraphs[paragraphs.length - 1]!.text += ` ${text}`; // a text box
          break;
        }
        case 'w:tc':
          if (tableDepth === 1 && cell && row) row.push(cell);
          if (tableDepth === 1) cell = null;
          break;
        case 'w:tr':
          if (tableDepth === 1) finishRow();
          break;
        case 'w:tbl':
          if (tableDepth === 1) {
            body.push({ kind: 'table', index: tables.length });
            tables.push({ rows });
          }
          tableDepth--;
          break;
      }
    },
    (text) => {
      if (inText && skipDepth === 0 && paragraphs.length > 0) paragraphs[paragraphs.length - 1]!.text += text;
    },
  );

  const result: RawTable[] = [];
  let before: string[] = [];
  let sincePrevious: string[] = [];
  for (const part of body) {
    if (part.kind === 'p') {
      before.push(part.text);
      sincePrevious.push(part.text);
      continue;
    }
    const tableRows = trimRows(tables[part.index]!.rows);
    if (tableRows.length === 0) continue;
    result.push({ rows: tableRows, heading: headingFrom(sincePrevious), textBefore: cleanText(before) });
    sincePrevious = [];
  }
  before = before.filter((p) => p !== '');
  const first = result[0];
  return { title: first?.heading ?? '', textBefore: first?.textBefore ?? before.join('\n'), tables: result };
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX

function xlsxCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(value.getUTCDate())}.${pad(value.getUTCMonth() + 1)}.${value.getUTCFullYear()}`;
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return xlsxCellText(v.result);
    if ('text' in v) return xlsxCellText(v.text);
    return '';
  }
  return String(value);
}

/**
 * The first worksheet as one table, from row 1 so that table row numbers are the sheet's; a merged range keeps its
 * value in the top-left cell and '' in the others. The rows above the header (the first row with two or more
 * filled cells) are the text before the table and give its title.
 */
async function readXlsx(data: Buffer): Promise<RoadmapDocument> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { title: '', textBefore: '', tables: [] };
  const rows: string[][] = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const sheetRow = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = sheetRow.getCell(c);
      const slave = cell.isMerged && cell.master.address !== cell.address;
      cells.push(slave ? '' : cleanCell(xlsxCellText(cell.value)));
    }
    rows.push(cells);
  }
  while (rows.length > 0 && rows[rows.length - 1]!.every((c) => c === '')) rows.pop();
  const header = rows.findIndex((r) => r.filter((c) => c !== '').length >= 2);
  if (header < 0) {
    const text = rows.map((r) => r.filter((c) => c !== '').join(' ')).filter((t) => t !== '');
    return { title: '', textBefore: text.join('\n'), tables: [] };
  }
  const above = rows.slice(0, header).map((r) => r.filter((c) => c !== '').join(' '));
  const title = headingFrom(above);
  const textBefore = above.filter((t) => t !== '').join('\n');
  return { title, textBefore, tables: [{ rows, heading: title, textBefore }] };
}
