import ExcelJS from 'exceljs';
import { FORM_WORDS } from '../register/register-file';
import { todayIn } from '../register/register-input';
import type { MentoringForm } from '../register/register.types';
import type { BankRow, BanksRows, EventKind, EventRow, YoungTeachersRow } from './mshn.types';

/*
 * The banks of the School of Mentoring as one workbook. Like the register's exports, a file is an official Russian
 * document whatever the reader's language, so its sheet names and headers live here rather than in locales/.
 */

/** Seed 004 names its three forms «педагог–педагог», «педагог–учащийся», «учащийся–учащийся»; the rest as Р-145. */
const BANK_FORM_WORDS: Record<MentoringForm, string> = {
  ...FORM_WORDS,
  teacher_teacher: 'педагог–педагог',
  teacher_pupil: 'педагог–учащийся',
  pupil_pupil: 'учащийся–учащийся',
};

const EVENT_WORDS: Record<EventKind, string> = { meeting: 'Заседание МШН', event: 'Мероприятие по популяризации наставничества' };

const BANKS_SHEETS = { practices: 'Практики', programmes: 'Программы', young: 'Молодые педагоги', events: 'Заседания МШН' } as const;

type Column = { header: string; width: number; date?: boolean; wrap?: boolean };

/** A calendar day as Excel keeps dates (midnight UTC). */
const excelDay = (day: string) => new Date(`${day}T00:00:00Z`);

function sheetWith(workbook: ExcelJS.Workbook, name: string, columns: Column[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    width: c.width,
    ...(c.date ? { style: { numFmt: 'dd.mm.yyyy' } } : c.wrap ? { style: { alignment: { wrapText: true, vertical: 'top' } } } : {}),
  }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  return sheet;
}

function addBankSheet(workbook: ExcelJS.Workbook, name: string, rows: BankRow[], timeZone: string) {
  const sheet = sheetWith(workbook, name, [
    { header: '№', width: 5 },
    { header: 'Муниципалитет', width: 26 },
    { header: 'Организация', width: 28 },
    { header: 'Форма наставничества', width: 22 },
    { header: 'Название', width: 40, wrap: true },
    { header: 'Краткое описание', width: 60, wrap: true },
    { header: 'Файл', width: 28 },
    { header: 'Ссылка', width: 34 },
    { header: 'Прислал(а)', width: 26 },
    { header: 'Дата', width: 12, date: true },
  ]);
  rows.forEach((r, i) =>
    sheet.addRow([
      i + 1,
      r.municipality,
      r.school,
      BANK_FORM_WORDS[r.form],
      r.title,
      r.description,
      r.file ? (r.file.fileName ?? 'файл') : '',
      r.link ?? '',
      r.submittedByName ?? '',
      excelDay(todayIn(timeZone, r.submittedAt)),
    ]),
  );
}

function addYoungSheet(workbook: ExcelJS.Workbook, rows: YoungTeachersRow[]) {
  const sheet = sheetWith(workbook, BANKS_SHEETS.young, [
    { header: '№', width: 5 },
    { header: 'Муниципалитет', width: 26 },
    { header: 'Организация', width: 28 },
    { header: 'Молодых педагогов всего (по данным организации)', width: 22 },
    { header: 'Имеют наставника (реестр)', width: 18 },
    { header: 'Без наставника', width: 16 },
    { header: 'Наставничество завершено, без наставника сейчас (реестр)', width: 24 },
  ]);
  rows.forEach((r, i) => sheet.addRow([i + 1, r.municipality, r.school, r.reported ?? 'не указано', r.withMentor, r.withoutMentor ?? 'не указано', r.mentoringEnded]));
  const reported = rows.filter((r) => r.reported !== null);
  const total = sheet.addRow([
    '',
    '',
    'Итого',
    reported.reduce((s, r) => s + r.reported!, 0),
    rows.reduce((s, r) => s + r.withMentor, 0),
    reported.reduce((s, r) => s + r.withoutMentor!, 0),
    rows.reduce((s, r) => s + r.mentoringEnded, 0),
  ]);
  total.font = { bold: true };
}

function addEventsSheet(workbook: ExcelJS.Workbook, rows: EventRow[]) {
  const sheet = sheetWith(workbook, BANKS_SHEETS.events, [
    { header: '№', width: 5 },
    { header: 'Территория', width: 26 },
    { header: 'Вид', width: 30, wrap: true },
    { header: 'Дата', width: 12, date: true },
    { header: 'Тема', width: 50, wrap: true },
    { header: 'Протокол (файл)', width: 28 },
    { header: 'Засчитано в пункт дорожной карты', width: 40, wrap: true },
  ]);
  rows.forEach((r, i) => sheet.addRow([i + 1, r.territory, EVENT_WORDS[r.kind], excelDay(r.date), r.topic, r.file ? (r.file.fileName ?? 'файл') : '', r.countedItem ?? '']));
}

/**
 * Adds the four sheets of the School of Mentoring's banks to a workbook: «Практики», «Программы», «Молодые педагоги»
 * and «Заседания МШН». For a territory's report that puts them next to its own sheets.
 */
export function addBanksSheets(workbook: ExcelJS.Workbook, rows: BanksRows, options: { timeZone?: string } = {}): void {
  const timeZone = options.timeZone ?? 'Europe/Moscow';
  addBankSheet(workbook, BANKS_SHEETS.practices, rows.practices, timeZone);
  addBankSheet(workbook, BANKS_SHEETS.programmes, rows.programmes, timeZone);
  addYoungSheet(workbook, rows.young);
  addEventsSheet(workbook, rows.events);
}

/** The banks of the School of Mentoring as one XLSX (the rows come from MshnService.bankRows). */
export async function buildBanksWorkbook(rows: BanksRows, options: { timeZone?: string } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ЦМН';
  addBanksSheets(workbook, rows, options);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
