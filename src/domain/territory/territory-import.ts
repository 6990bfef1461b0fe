import { z } from 'zod';
import { cleanName, nameKey } from '../shared/names';
import { ORGANIZATION_KINDS, type OrganizationKind } from './territory.model';

/** The six columns an operator's file has, in the order they are expected when the file has no header row. */
export const IMPORT_COLUMNS = ['region', 'municipality', 'timezone', 'fullName', 'shortName', 'kind'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

const HEADER_ALIASES: Record<ImportColumn, string[]> = {
  region: ['region', 'регион', 'субъект', 'субъект рф', 'субъект российской федерации'],
  municipality: [
    'municipality',
    'муниципалитет',
    'муниципальное образование',
    'мо',
    'муниципальный район',
    'муниципальный район/городской округ',
    'городской округ',
  ],
  timezone: ['time zone', 'timezone', 'tz', 'часовой пояс', 'часовой пояс (iana)', 'time zone (iana)'],
  fullName: [
    'organization full name',
    'organization',
    'full name',
    'полное наименование',
    'полное наименование организации',
    'наименование организации',
    'организация',
    'наименование',
  ],
  shortName: ['short name', 'краткое наименование', 'сокращенное наименование', 'краткое название', 'short'],
  kind: ['kind', 'type', 'тип', 'вид', 'тип организации', 'вид организации'],
};

const KIND_ALIASES: Record<OrganizationKind, string[]> = {
  school: ['school', 'школа', 'общеобразовательная организация', 'общеобразовательная', 'оо', 'сош', 'оош', 'гимназия', 'лицей'],
  kindergarten: ['kindergarten', 'детский сад', 'дошкольная', 'дошкольная образовательная организация', 'доу', 'до'],
  college: ['college', 'колледж', 'техникум', 'спо', 'профессиональная образовательная организация', 'поо'],
  additional: [
    'additional education',
    'additional',
    'дополнительное образование',
    'доп образование',
    'доп. образование',
    'организация дополнительного образования',
    'удо',
    'додо',
    'цдо',
  ],
  other: ['other', 'другое', 'иное', 'прочее', 'иная'],
};

const kindByAlias = new Map<string, OrganizationKind>(
  Object.entries(KIND_ALIASES).flatMap(([kind, aliases]) =>
    aliases.map((a) => [nameKey(a).replace(/\./g, ''), kind as OrganizationKind] as const),
  ),
);
const columnByHeader = new Map<string, ImportColumn>(
  Object.entries(HEADER_ALIASES).flatMap(([col, aliases]) => aliases.map((a) => [nameKey(a), col as ImportColumn] as const)),
);

/** True for names the runtime knows as IANA time zones (Asia/Irkutsk), which reminders need to be sent on local time. */
export function isIanaTimeZone(tz: string): boolean {
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(tz) && tz !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseOrganizationKind(value: string): OrganizationKind | null {
  const key = nameKey(value).replace(/\./g, '');
  if ((ORGANIZATION_KINDS as readonly string[]).includes(key)) return key as OrganizationKind;
  return kindByAlias.get(key) ?? null;
}

export type ImportProblem =
  | { code: 'missing'; field: ImportColumn }
  | { code: 'too_long'; field: ImportColumn }
  | { code: 'bad_timezone'; value: string }
  | { code: 'bad_kind'; value: string }
  | { code: 'timezone_conflict'; value: string; otherRow: number; otherValue: string }
  | { code: 'duplicate_row'; otherRow: number };

export interface ImportRow {
  row: number;
  region: string;
  municipality: string;
  timezone: string;
  fullName: string;
  shortName: string;
  kind: OrganizationKind;
}

export interface RowError {
  row: number;
  problems: ImportProblem[];
}

const text = (max: number) => z.string().transform(cleanName).pipe(z.string().min(1).max(max));
const rowSchema = z.object({
  region: text(200),
  municipality: text(200),
  timezone: z.string().trim().min(1),
  fullName: text(500),
  shortName: text(200),
  kind: z.string().trim().min(1),
});

/** A table as read from a file: cells as text, with the row numbers a person sees in Excel or a text editor. */
export interface Table {
  rows: { row: number; cells: string[] }[];
}

/**
 * Turns a table into rows to load and rows to report. A bad row never stops the good ones: each problem is named
 * with the row number, so the operator can fix the file and load it again (a re-import only updates).
 */
export function parseTerritoryTable(table: Table): { rows: ImportRow[]; errors: RowError[] } {
  const nonEmpty = table.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (nonEmpty.length === 0) return { rows: [], errors: [] };

  let order: (ImportColumn | null)[] = [...IMPORT_COLUMNS];
  let body = nonEmpty;
  const first = nonEmpty[0]!;
  const headerGuess = first.cells.map((c) => columnByHeader.get(nameKey(c)) ?? null);
  if (headerGuess.filter((c) => c !== null).length >= 3) {
    order = headerGuess;
    body = nonEmpty.slice(1);
  }
  const missingColumns = IMPORT_COLUMNS.filter((c) => !order.includes(c));

  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  const municipalityTz = new Map<string, { tz: string; row: number }>();
  const seenOrgs = new Map<string, number>();

  for (const { row, cells } of body) {
    const raw: Record<ImportColumn, string> = { region: '', municipality: '', timezone: '', fullName: '', shortName: '', kind: '' };
    order.forEach((col, i) => {
      if (col) raw[col] = String(cells[i] ?? '');
    });
    // A missing short name is common in hand-made lists; the full name stands in for it.
    if (raw.shortName.trim() === '' && !missingColumns.includes('fullName')) raw.shortName = raw.fullName;

    const problems: ImportProblem[] = [];
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as ImportColumn;
        // An empty short name only echoes an empty full name (it falls back to it): report the full name alone.
        if (field === 'shortName' && raw.fullName.trim() === '') continue;
        const tooLong = issue.code === 'too_big';
        if (!problems.some((p) => 'field' in p && p.field === field)) problems.push({ code: tooLong ? 'too_long' : 'missing', field });
      }
    }
    const timezone = raw.timezone.trim();
    if (timezone && !isIanaTimeZone(timezone)) problems.push({ code: 'bad_timezone', value: timezone });
    const kind = raw.kind.trim() ? parseOrganizationKind(raw.kind) : null;
    if (raw.kind.trim() && !kind) problems.push({ code: 'bad_kind', value: raw.kind.trim() });

    if (problems.length === 0 && parsed.success && kind) {
      const munKey = `${nameKey(parsed.data.region)}|${nameKey(parsed.data.municipality)}`;
      const known = municipalityTz.get(munKey);
      if (known && known.tz !== timezone) {
        problems.push({ code: 'timezone_conflict', value: timezone, otherRow: known.row, otherValue: known.tz });
      } else if (!known) {
        municipalityTz.set(munKey, { tz: timezone, row });
      }
      const orgKey = `${munKey}|${nameKey(parsed.data.fullName)}`;
      const dup = seenOrgs.get(orgKey);
      if (dup !== undefined) problems.push({ code: 'duplicate_row', otherRow: dup });
      else seenOrgs.set(orgKey, row);
      if (problems.length === 0) rows.push({ row, ...parsed.data, timezone, kind });
    }
    if (problems.length > 0) errors.push({ row, problems });
  }
  return { rows, errors };
}
