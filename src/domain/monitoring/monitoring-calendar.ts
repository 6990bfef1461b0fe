import { addDays } from '../reminders/working-time';

/**
 * The quarters of the monitoring (seed 002: «Мониторинг реализации ЦМН — ежеквартально»). Pure calendar
 * arithmetic on 'YYYY-MM-DD' days; the caller gives the local day.
 */
export interface Quarter {
  year: number;
  q: 1 | 2 | 3 | 4;
}

/** Answers may come this many days after a quarter ends (the round's deadline: 10.01 for the fourth quarter). */
const ANSWER_DAYS = 10;
/** The round opens itself this many days before the quarter ends (21.12 for the fourth quarter). */
const OPEN_DAYS_BEFORE = 10;

const pad = (n: number) => String(n).padStart(2, '0');

/** '2026-Q4': how a quarter is named in keys and stored answers. */
export function quarterKey(quarter: Quarter): string {
  return `${quarter.year}-Q${quarter.q}`;
}

/** 'monitoring|2026-Q4': the key of a round's roadmap item, the same in every municipality. */
export function roundKeyOf(quarter: Quarter): string {
  return `monitoring|${quarterKey(quarter)}`;
}

/** The quarter a round key or quarter key names, or null for anything else. */
export function parseQuarter(key: string): Quarter | null {
  const m = /^(?:monitoring\|)?(\d{4})-Q([1-4])$/.exec(key);
  return m ? { year: Number(m[1]), q: Number(m[2]) as Quarter['q'] } : null;
}

/** True for the key of a monitoring round's roadmap item. */
export function isMonitoringKey(itemKey: string): boolean {
  return itemKey.startsWith('monitoring|');
}

function quarterOf(day: string): Quarter {
  const month = Number(day.slice(5, 7));
  return { year: Number(day.slice(0, 4)), q: (Math.floor((month - 1) / 3) + 1) as Quarter['q'] };
}

function previousQuarter(quarter: Quarter): Quarter {
  return quarter.q === 1 ? { year: quarter.year - 1, q: 4 } : { year: quarter.year, q: (quarter.q - 1) as Quarter['q'] };
}

/** The last day of a quarter. */
function quarterEnd(quarter: Quarter): string {
  const month = quarter.q * 3;
  const last = new Date(Date.UTC(quarter.year, month, 0)).getUTCDate();
  return `${quarter.year}-${pad(month)}-${pad(last)}`;
}

/** The round's deadline: the tenth day after the quarter ends. */
export function roundDeadline(quarter: Quarter): string {
  return addDays(quarterEnd(quarter), ANSWER_DAYS);
}

/** The first day the round opens by itself. */
export function openingDay(quarter: Quarter): string {
  return addDays(quarterEnd(quarter), -OPEN_DAYS_BEFORE);
}

/**
 * The quarter a coordinator's /monitoring is about on `day`: the previous one while its answers are still due
 * (1–10 January: the fourth quarter), else the current one.
 */
export function reportingQuarter(day: string): Quarter {
  const current = quarterOf(day);
  const previous = previousQuarter(current);
  return day <= roundDeadline(previous) ? previous : current;
}

/**
 * The quarter whose round opens by itself on `day`: from ten days before its end up to its deadline (a bot that
 * was down on 21.12 still opens it on 05.01). Null between those windows.
 */
export function autoStartQuarter(day: string): Quarter | null {
  const quarter = reportingQuarter(day);
  return day >= openingDay(quarter) && day <= roundDeadline(quarter) ? quarter : null;
}

const ROMAN = ['I', 'II', 'III', 'IV'] as const;

/** «IV» for the fourth quarter, as Russian documents write it. */
export function romanOf(quarter: Quarter): string {
  return ROMAN[quarter.q - 1]!;
}

/** The round's item name, in the Russian of the roadmap («… за IV квартал 2026 г.»). */
export function roundTitle(quarter: Quarter): string {
  return `Мониторинг реализации ЦМН за ${romanOf(quarter)} квартал ${quarter.year} г.`;
}
