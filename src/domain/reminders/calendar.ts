/**
 * Russia's production calendar (производственный календарь): which weekdays are days off and which Saturdays are
 * working days, year by year, as the Government's decrees on transferring days off set them (постановления
 * Правительства РФ о переносе выходных дней: 2020 — № 875 от 10.07.2019; 2021 — № 1648 от 10.10.2020; 2022 — № 1564
 * от 16.09.2021; 2023 — № 1505 от 29.08.2022; 2024 — № 1306 от 10.08.2023; 2025 — № 1335 от 04.10.2024; 2026 — the
 * decree of 2025 on 2026), as the published calendars (КонсультантПлюс, «Производственный календарь») list them. Each
 * year's data is checked in test/unit/calendar.test.ts against its official number of working days (2020: 248,
 * 2021–2023: 247, 2024: 248, 2025–2026: 247).
 *
 * Years not listed here fall back to the Labour Code (ст. 112 ТК РФ): the fixed holidays, and a holiday on a weekend
 * gives the next working day off (except 1–8 January). One-off non-working days by presidential decree (2020's
 * 24 June and 1 July, the 2020–2021 «нерабочие дни») are not in the production calendar and not here.
 */

/** Weekdays that are days off (holidays and transferred days off), as MM-DD or MM-DD..MM-DD. */
const DAYS_OFF: Record<number, string[]> = {
  2020: ['01-01..01-08', '02-24', '03-09', '05-01..05-05', '05-11', '06-12', '11-04'],
  2021: ['01-01..01-08', '02-22', '02-23', '03-08', '05-03', '05-10', '06-14', '11-04', '11-05', '12-31'],
  2022: ['01-03..01-07', '02-23', '03-07', '03-08', '05-02', '05-03', '05-09', '05-10', '06-13', '11-04'],
  2023: ['01-02..01-06', '02-23', '02-24', '03-08', '05-01', '05-08', '05-09', '06-12', '11-06'],
  2024: ['01-01..01-05', '01-08', '02-23', '03-08', '04-29', '04-30', '05-01', '05-09', '05-10', '06-12', '11-04', '12-30', '12-31'],
  2025: ['01-01..01-03', '01-06..01-08', '05-01', '05-02', '05-08', '05-09', '06-12', '06-13', '11-03', '11-04', '12-31'],
  2026: ['01-01..01-09', '02-23', '03-09', '05-01', '05-11', '06-12', '11-04', '12-31'],
};

/** Saturdays that are working days (a day off moved from them). */
const WORKING_SATURDAYS: Record<number, string[]> = {
  2021: ['02-20'],
  2022: ['03-05'],
  2024: ['04-27', '11-02', '12-28'],
  2025: ['11-01'],
};

/** The years whose calendar comes from a decree; others follow the Labour Code's rules alone. */
export const CALENDAR_YEARS = Object.keys(DAYS_OFF).map(Number);

const FIXED_HOLIDAYS = ['01-01', '01-02', '01-03', '01-04', '01-05', '01-06', '01-07', '01-08', '02-23', '03-08', '05-01', '05-09', '06-12', '11-04'];

function expand(year: number, entries: string[]): Set<string> {
  const days = new Set<string>();
  for (const entry of entries) {
    const [from, to = from] = entry.split('..');
    const day = new Date(`${year}-${from}T00:00:00Z`);
    const last = new Date(`${year}-${to}T00:00:00Z`);
    for (; day <= last; day.setUTCDate(day.getUTCDate() + 1)) days.add(day.toISOString().slice(0, 10));
  }
  return days;
}

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday

/** The Labour Code's own reading of a year with no decree: fixed holidays, weekend holidays moved to the next workday. */
function lawDaysOff(year: number): Set<string> {
  const off = new Set<string>();
  for (const md of FIXED_HOLIDAYS) off.add(`${year}-${md}`);
  for (const md of FIXED_HOLIDAYS.filter((d) => !d.startsWith('01-'))) {
    const day = `${year}-${md}`;
    if (weekday(day) !== 0 && weekday(day) !== 6) continue;
    const next = new Date(`${day}T00:00:00Z`);
    do next.setUTCDate(next.getUTCDate() + 1);
    while (weekday(next.toISOString().slice(0, 10)) === 0 || weekday(next.toISOString().slice(0, 10)) === 6 || off.has(next.toISOString().slice(0, 10)));
    off.add(next.toISOString().slice(0, 10));
  }
  return off;
}

const cache = new Map<number, { off: Set<string>; working: Set<string> }>();

function yearOf(year: number) {
  let entry = cache.get(year);
  if (!entry) {
    entry = DAYS_OFF[year] ? { off: expand(year, DAYS_OFF[year]), working: expand(year, WORKING_SATURDAYS[year] ?? []) } : { off: lawDaysOff(year), working: new Set() };
    cache.set(year, entry);
  }
  return entry;
}

/** Whether a calendar day (YYYY-MM-DD) is a working day in Russia. */
export function isWorkingDay(day: string): boolean {
  const { off, working } = yearOf(Number(day.slice(0, 4)));
  if (working.has(day)) return true;
  const wd = weekday(day);
  return wd !== 0 && wd !== 6 && !off.has(day);
}

/** The working days of a year, for the check against the official totals. */
export function workingDaysIn(year: number): number {
  let count = 0;
  for (const day = new Date(Date.UTC(year, 0, 1)); day.getUTCFullYear() === year; day.setUTCDate(day.getUTCDate() + 1)) {
    if (isWorkingDay(day.toISOString().slice(0, 10))) count++;
  }
  return count;
}
