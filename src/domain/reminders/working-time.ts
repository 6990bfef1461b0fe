import { isWorkingDay } from './calendar';

/** Nudges go out from 09:00 to 18:00 local time on working days. */
export const WORKING_HOURS = { start: 9 * 60, end: 18 * 60 } as const;

/** A moment as a wall clock in a time zone reads it: the calendar day and the minutes since midnight. */
export function localParts(instant: Date, timeZone: string): { day: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** The moment a wall clock in the time zone shows `minutes` after midnight of `day`. */
export function atLocal(day: string, minutes: number, timeZone: string): Date {
  const guess = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), 0, minutes);
  // The zone's offset at that moment, read back from the wall clock (Russian zones have no DST; this handles any).
  const seen = localParts(new Date(guess), timeZone);
  const seenUtc = Date.UTC(Number(seen.day.slice(0, 4)), Number(seen.day.slice(5, 7)) - 1, Number(seen.day.slice(8, 10)), 0, seen.minutes);
  return new Date(guess - (seenUtc - guess));
}

/** Whole days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The first moment at or after `instant` that is inside working hours on a working day in that time zone. */
export function nextWorkingSlot(instant: Date, timeZone: string): Date {
  const { day, minutes } = localParts(instant, timeZone);
  if (isWorkingDay(day) && minutes >= WORKING_HOURS.start && minutes < WORKING_HOURS.end) return instant;
  let next = isWorkingDay(day) && minutes < WORKING_HOURS.start ? day : addDays(day, 1);
  while (!isWorkingDay(next)) next = addDays(next, 1);
  return atLocal(next, WORKING_HOURS.start, timeZone);
}

/** The working day after `day` (for «Напомнить завтра»). */
export function nextWorkingDay(day: string): string {
  let next = addDays(day, 1);
  while (!isWorkingDay(next)) next = addDays(next, 1);
  return next;
}
