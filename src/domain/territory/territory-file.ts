import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import type { Table } from './territory-import';

export class UnsupportedFileError extends Error {
  constructor(readonly extension: string) {
    super(`unsupported file type: ${extension || '(none)'}`);
    this.name = 'UnsupportedFileError';
  }
}

/**
 * Reads the first worksheet of an .xlsx file or a .csv file (comma, semicolon or tab; UTF-8 with or without BOM, or
 * Windows-1251, which Russian Excel uses for "CSV (разделители — точка с запятой)").
 */
export async function readTable(path: string): Promise<Table> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return parseCsv(decodeText(await readFile(path)));
  if (ext === '.xlsx') return readXlsx(await readFile(path));
  throw new UnsupportedFileError(ext);
}

/** UTF-8 when the bytes are valid UTF-8, else Windows-1251 (Cyrillic text saved by Excel on Russian Windows). */
export function decodeText(data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('windows-1251').decode(data);
  }
}

export async function readXlsx(data: Buffer): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { rows: [] };
  const rows: Table['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(row.getCell(i).text ?? '');
    rows.push({ row: rowNumber, cells });
  });
  return { rows };
}

function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([[';', 0], [',', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

/** RFC 4180 with the habits of Russian Excel exports (semicolons, BOM); row numbers count physical lines. */
export function parseCsv(content: string): Table {
  const textBody = content.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(textBody.split(/\r?\n/, 1)[0] ?? '');
  const rows: Table['rows'] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  for (let i = 0; i < textBody.length; i++) {
    const ch = textBody[i]!;
    if (quoted) {
      if (ch === '"' && textBody[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && textBody[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ row: rowStart, cells });
      cells = [];
      cell = '';
      line++;
      rowStart = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    rows.push({ row: rowStart, cells });
  }
  return { rows };
}
