/*
 * Builds organizations.xlsx from organizations.csv, so the two samples always hold the same directory:
 *   npx tsx scripts/samples/make-xlsx.ts
 * The workbook is what an operator gets from Excel: one sheet, a header row, the same six columns.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../src/domain/territory/territory-file';

const DIR = __dirname;
const WIDTHS = [22, 32, 18, 90, 45, 28];
// A fixed date keeps the workbook's properties the same from one run to the next.
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

async function main(): Promise<void> {
  const table = parseCsv(await readFile(join(DIR, 'organizations.csv'), 'utf8'));
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cmn-mentoring-bot';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const sheet = workbook.addWorksheet('Организации', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = WIDTHS.map((width) => ({ width }));
  for (const { cells } of table.rows) sheet.addRow(cells);
  sheet.getRow(1).font = { bold: true };
  const target = join(DIR, 'organizations.xlsx');
  await workbook.xlsx.writeFile(target);
  console.log(`${target}: ${table.rows.length - 1} organizations`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
