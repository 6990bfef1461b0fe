/**
 * Reads a deadline phrase from a Russian roadmap (дорожная карта) — «До 09.11.2020», «I квартал 2021 г.»,
 * «Ежегодно», «По мере необходимости» — into a Schedule, and lists the due dates of a schedule inside the
 * roadmap's period, one per task to make.
 *
 * Pure: no I/O and no clock (the caller gives the reference date). It never guesses: a phrase it cannot read
 * whole is `unknown`, and a person fixes it later.
 */

export type ScheduleKind = 'date' | 'period' | 'recurring' | 'open' | 'multiple' | 'unknown';
export type Every = 'year' | 'half-year' | 'quarter' | 'month' | 'school-year';

export interface Schedule {
  input: string; // the phrase as given
  kind: ScheduleKind;
  due: string | null; // YYYY-MM-DD
  start: string | null; // YYYY-MM-DD
  every: Every | null; // recurring only
  times: number | null; // recurring only: occurrences per `every` (default 1)
  parts: Schedule[] | null; // multiple only
  /** recurring with a named day («ежегодно до 25 мая»): 'MM-DD'; else null (occurrences fall at the end of each unit) */
  on: string | null;
}

export interface Period {
  start: string;
  end: string;
}

export interface DeadlineContext {
  period: Period;
  ref: string;
} // dates YYYY-MM-DD

export interface Occurrence {
  start: string | null;
  due: string;
}

/** What the CLI prints: a Schedule without `on`, in this key order. */
export interface ScheduleView {
  input: string;
  kind: ScheduleKind;
  due: string | null;
  start: string | null;
  every: Every | null;
  times: number | null;
  parts: ScheduleView[] | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar. Dates are ISO strings 'YYYY-MM-DD', which compare correctly as text.

interface Span {
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The ISO date of a day, or null when there is no such day (31.02). */
function isoDay(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

const firstDay = (year: number, month: number): string => `${pad(year, 4)}-${pad(month)}-01`;
const lastDay = (year: number, month: number): string => `${pad(year, 4)}-${pad(month)}-${pad(daysInMonth(year, month))}`;
const yearOf = (iso: string): number => Number(iso.slice(0, 4));
const later = (a: string, b: string): string => (a > b ? a : b);

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysFromTo(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The month `offset` months after (year, month). */
function shiftMonth(year: number, month: number, offset: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + offset;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** True for a real day written as YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && isoDay(Number(m[1]), Number(m[2]), Number(m[3])) === text;
}

/** 'YYYY-MM-DD..YYYY-MM-DD' → a period, or null when either day is not real or the end comes first. */
export function parsePeriodArg(text: string): Period | null {
  const [start, end, ...rest] = text.split('..');
  if (rest.length > 0 || start === undefined || end === undefined) return null;
  if (!isIsoDate(start) || !isIsoDate(end) || start > end) return null;
  return { start, end };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation

/** Light clean-up that keeps the wording: one kind of space and dash, no trailing dots. */
function tidy(input: string): string {
  return input
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/[\s.]+$/, '')
    .trim();
}

/** The form the readers match: tidy, lower case, «ё» → «е», abbreviation dots dropped («г.», «доп.»), «a - b» → «a-b». */
export function normalizePhrase(input: string): string {
  return tidy(input)
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/([а-я])\./g, '$1 ')
    .replace(/\s*-\s*/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Anchored regular expression: a reader must read the whole phrase, never a piece of it. */
const whole = (source: string): RegExp => new RegExp(`^${source}$`);

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const MONTH_FORMS: readonly string[][] = [
  ['январь', 'января', 'январе'],
  ['февраль', 'февраля', 'феврале'],
  ['март', 'марта', 'марте'],
  ['апрель', 'апреля', 'апреле'],
  ['май', 'мая', 'мае'],
  ['июнь', 'июня', 'июне'],
  ['июль', 'июля', 'июле'],
  ['август', 'августа', 'августе'],
  ['сентябрь', 'сентября', 'сентябре'],
  ['октябрь', 'октября', 'октябре'],
  ['ноябрь', 'ноября', 'ноябре'],
  ['декабрь', 'декабря', 'декабре'],
];

function monthOf(word: string | undefined): number | null {
  const index = MONTH_FORMS.findIndex((forms) => word !== undefined && forms.includes(word));
  return index < 0 ? null : index + 1;
}

const ORDINALS: Record<string, number> = {
  i: 1, ii: 2, iii: 3, iv: 4,
  первый: 1, первое: 1, первого: 1, первом: 1,
  второй: 2, второе: 2, второго: 2, втором: 2,
  третий: 3, третье: 3, третьего: 3, третьем: 3,
  четвертый: 4, четвертого: 4, четвертом: 4,
};

/** «III», «4», «2-е», «второе» → the number; anything else → null. */
function ordinalOf(token: string | undefined): number | null {
  if (token === undefined) return null;
  const digit = /^(\d)(?:-?[а-я]{1,3})?$/.exec(token);
  return digit ? Number(digit[1]) : (ORDINALS[token] ?? null);
}

const COUNT_WORDS: Record<string, number> = {
  один: 1, одного: 1, два: 2, двух: 2, три: 3, трех: 3, четыре: 4, четырех: 4, дважды: 2, трижды: 3,
};

/** «2», «2-х», «двух», «дважды» → the number; a missing count is 1. */
function countOf(token: string | undefined): number | null {
  if (token === undefined) return 1;
  const digits = /^(\d{1,2})(?:-?(?:х|ух|ех))?$/.exec(token);
  return digits ? Number(digits[1]) : (COUNT_WORDS[token] ?? null);
}

const EVERY_WORDS: Record<string, Every> = {
  ежегодно: 'year',
  ежеполугодно: 'half-year',
  ежеквартально: 'quarter',
  ежемесячно: 'month',
  'каждый год': 'year',
  'каждое полугодие': 'half-year',
  'каждый квартал': 'quarter',
  'каждый месяц': 'month',
  'каждый учебный год': 'school-year',
};

const UNIT_WORDS: Record<string, Every> = {
  год: 'year',
  года: 'year',
  полугодие: 'half-year',
  полугодия: 'half-year',
  полгода: 'half-year',
  квартал: 'quarter',
  квартала: 'quarter',
  месяц: 'month',
  месяца: 'month',
  'учебный год': 'school-year',
  'учебного года': 'school-year',
  'уч год': 'school-year',
};

/** Named days, by the word after «день»: День учителя, День знаний. */
const NAMED_DAYS: Record<string, { month: number; day: number }> = {
  учителя: { month: 10, day: 5 },
  знаний: { month: 9, day: 1 },
};

/** A year and its optional word: «2022», «2022 г», «2022 года», «2021-2023гг» (the «гг» part). */
const YEAR_WORD = '(?: ?(?:гг|г г|годы|годов|годах|года|году|год|г))?';
const DAY_YEAR_WORD = '(?: ?(?:года|год|г))?';
const WHOLE_PERIOD = '(?:в течени[еи] (?:всего )?периода|весь период|постоянно)';
const OPEN = '(?:по мере необходимости|по необходимости|по доп сообщению|по дополнительному сообщению|по отдельному графику|по запросу)';

// ---------------------------------------------------------------------------------------------------------------
// Readings: what a phrase says before the reference date and the period pick the actual days.

/** A span fixed by the phrase, or one that repeats every year (`at(year)`) with the phrase's year, if any. */
type Reading =
  | { kind: 'fixed'; span: Span }
  | { kind: 'yearly'; at: (year: number) => Span | null; year: number | null; crossYear: boolean };

interface DayParts {
  year: number | null;
  month: number;
  day: number;
}

const fixed = (span: Span | null): Reading | null => (span ? { kind: 'fixed', span } : null);

const yearly = (at: (year: number) => Span | null, year: number | null, crossYear = false): Reading => ({
  kind: 'yearly',
  at,
  year,
  crossYear,
});

/** «21» → 2021; «2021» → 2021. */
const fullYear = (digits: string): number => (digits.length === 2 ? 2000 + Number(digits) : Number(digits));
const optionalYear = (digits: string | undefined): number | null => (digits === undefined ? null : Number(digits));

/**
 * The actual span: a fixed one as is; with a year, that year (for a range crossing New Year, the one reading that
 * lies within the period); without a year, the first one ending on or after the reference date.
 */
function resolve(reading: Reading, context: DeadlineContext): Span | null {
  if (reading.kind === 'fixed') return reading.span;
  const { at, year, crossYear } = reading;
  if (year === null) return firstEndingFrom(at, context.ref);
  if (!crossYear) return at(year);
  return onlyOneWithin([at(year), at(year - 1)], context.period);
}

function firstEndingFrom(at: (year: number) => Span | null, ref: string): Span | null {
  // Four years ahead finds the next 29 February too.
  for (let year = yearOf(ref) - 1; year <= yearOf(ref) + 4; year += 1) {
    const span = at(year);
    if (span && span.end >= ref) return span;
  }
  return null;
}

function onlyOneWithin(spans: (Span | null)[], period: Period): Span | null {
  const inside = spans.filter((s): s is Span => s !== null && s.start >= period.start && s.end <= period.end);
  return inside.length === 1 ? (inside[0] ?? null) : null;
}

// Days: «09.11.2020», «20.08.21», «15 июля 2020 года», «25 мая», «День учителя октябрь 2021 года», «дню учителя 2022»

function numericDay(text: string): DayParts | null {
  const m = whole(`(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4}|\\d{2})${DAY_YEAR_WORD}`).exec(text);
  if (!m) return null;
  return { day: Number(m[1]), month: Number(m[2]), year: fullYear(m[3] ?? '') };
}

function wordDay(text: string): DayParts | null {
  const m = whole(`(\\d{1,2}) ([а-я]+)(?: (\\d{4})${DAY_YEAR_WORD})?`).exec(text);
  const month = monthOf(m?.[2]);
  if (!m || month === null) return null;
  return { day: Number(m[1]), month, year: optionalYear(m[3]) };
}

/** A named day; a month word, if given, must be that day's month («День учителя октябрь»). */
function namedDay(text: string): DayParts | null {
  const m = whole(`(?:день|дню|дня|днем|дне) ([а-я]+)(?: ([а-я]+))?(?: (\\d{4})${DAY_YEAR_WORD})?`).exec(text);
  const named = m ? NAMED_DAYS[m[1] ?? ''] : undefined;
  if (!m || !named) return null;
  if (m[2] !== undefined && monthOf(m[2]) !== named.month) return null;
  return { ...named, year: optionalYear(m[3]) };
}

function readDayParts(text: string): DayParts | null {
  return numericDay(text) ?? wordDay(text) ?? namedDay(text);
}

function dayReading({ day, month, year }: DayParts): Reading {
  return yearly((y) => {
    const iso = isoDay(y, month, day);
    return iso ? { start: iso, end: iso } : null;
  }, year);
}

// Spans: years, school years, quarters, half-years, months, month ranges, day ranges

function schoolYear(text: string): Reading | null {
  const m = whole('(?:(\\d{4})[/-](\\d{4}|\\d{2}) )?(?:учебн(?:ый|ого|ом)|уч) (?:год|года|году|г)').exec(text);
  if (!m) return null;
  const at = (y: number): Span => ({ start: firstDay(y, 9), end: lastDay(y + 1, 5) });
  if (m[1] === undefined) return yearly(at, null);
  const first = Number(m[1]);
  return fullYear(m[2] ?? '') === first + 1 ? fixed(at(first)) : null;
}

function yearRange(text: string): Reading | null {
  const m = whole(`(\\d{4})-(\\d{4})${YEAR_WORD}`).exec(text);
  if (!m) return null;
  const [from, to] = [Number(m[1]), Number(m[2])];
  return from <= to ? fixed({ start: firstDay(from, 1), end: lastDay(to, 12) }) : null;
}

function wholeYear(text: string): Reading | null {
  const m = whole(`(\\d{4})${YEAR_WORD}`).exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  return fixed({ start: firstDay(year, 1), end: lastDay(year, 12) });
}

/** «I квартал 2021», «4 квартала», «2 полугодие 2021»: `size` months, numbered from January. */
function numberedPart(text: string, words: string, size: number): Reading | null {
  const m = whole(`(\\S+) (?:${words})(?: (\\d{4})${YEAR_WORD})?`).exec(text);
  const n = ordinalOf(m?.[1]);
  if (!m || n === null || n < 1 || n > 12 / size) return null;
  const at = (y: number): Span => ({ start: firstDay(y, (n - 1) * size + 1), end: lastDay(y, n * size) });
  return yearly(at, optionalYear(m[2]));
}

const quarter = (text: string): Reading | null => numberedPart(text, 'квартал|квартала|квартале|кв', 3);
const halfYear = (text: string): Reading | null => numberedPart(text, 'полугодие|полугодия|полугодии', 6);

/** «Июнь-июль 2020 года»; «Сентябрь-март 2020 года» crosses New Year (`at` is indexed by the first month's year). */
function monthRange(text: string): Reading | null {
  const m = whole(`([а-я]+)-([а-я]+)(?: (\\d{4})${YEAR_WORD})?`).exec(text);
  const [from, to] = [monthOf(m?.[1]), monthOf(m?.[2])];
  if (!m || from === null || to === null) return null;
  const crossYear = to < from;
  const at = (y: number): Span => ({ start: firstDay(y, from), end: lastDay(crossYear ? y + 1 : y, to) });
  return yearly(at, optionalYear(m[3]), crossYear);
}

/** «Сентябрь 2020-март 2021». */
function monthYearRange(text: string): Reading | null {
  const m = whole(`([а-я]+) (\\d{4})${YEAR_WORD}-([а-я]+) (\\d{4})${YEAR_WORD}`).exec(text);
  const [from, to] = [monthOf(m?.[1]), monthOf(m?.[3])];
  if (!m || from === null || to === null) return null;
  const span = { start: firstDay(Number(m[2]), from), end: lastDay(Number(m[4]), to) };
  return span.start <= span.end ? fixed(span) : null;
}

function singleMonth(text: string): Reading | null {
  const m = whole(`([а-я]+)(?: (\\d{4})${YEAR_WORD})?`).exec(text);
  const month = monthOf(m?.[1]);
  if (!m || month === null) return null;
  return yearly((y) => ({ start: firstDay(y, month), end: lastDay(y, month) }), optionalYear(m[2]));
}

/** «01.09.2021 – 31.05.2022», «с 1 сентября по 31 декабря 2021»: the end needs a year; the start may take it. */
function dayRange(text: string): Reading | null {
  const m = whole('(?:с )?(.+?)(?:-| по )(.+)').exec(text);
  const from = readDayParts(m?.[1] ?? '');
  const to = readDayParts(m?.[2] ?? '');
  if (!from || !to || to.year === null) return null;
  const start = isoDay(from.year ?? to.year, from.month, from.day);
  const end = isoDay(to.year, to.month, to.day);
  return start && end && start <= end ? fixed({ start, end }) : null;
}

function readSpanBody(text: string): Reading | null {
  const readers = [schoolYear, yearRange, wholeYear, quarter, halfYear, monthRange, monthYearRange, singleMonth, dayRange];
  for (const read of readers) {
    const reading = read(text);
    if (reading) return reading;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Schedules

function blank(input: string, kind: ScheduleKind): Schedule {
  return { input, kind, due: null, start: null, every: null, times: null, parts: null, on: null };
}

const dateSchedule = (input: string, due: string): Schedule => ({ ...blank(input, 'date'), due });
const periodSchedule = (input: string, span: Span): Schedule => ({ ...blank(input, 'period'), start: span.start, due: span.end });

interface Recurrence {
  every: Every;
  times: number;
  on: string | null;
}

/** `due` is the first occurrence on or after the later of the reference date and the period's start. */
function recurringSchedule(input: string, rule: Recurrence, context: DeadlineContext): Schedule {
  const schedule: Schedule = { ...blank(input, 'recurring'), start: context.period.start, ...rule };
  const from = later(context.ref, context.period.start);
  schedule.due = occurrences(schedule, context.period).find((o) => o.due >= from)?.due ?? null;
  return schedule;
}

type Reader = (text: string, context: DeadlineContext, input: string) => Schedule | null;

/** Rule 7: «По мере необходимости», «по доп. сообщению», … */
const readOpen: Reader = (text, _context, input) => (whole(OPEN).test(text) ? blank(input, 'open') : null);

/** Rule 5: «В течение всего периода», «весь период», «постоянно». */
const readWholePeriod: Reader = (text, context, input) =>
  whole(WHOLE_PERIOD).test(text) ? periodSchedule(input, context.period) : null;

/** «ежегодно», «1 раз в полугодие», «не реже 2-х раз за учебный год», «дважды в год», «ежегодно до 25 мая». */
function readRecurrence(core: string): Recurrence | null {
  const every = EVERY_WORDS[core];
  if (every) return { every, times: 1, on: null };
  return readCounted(core) ?? readYearlyOn(core);
}

function readCounted(core: string): Recurrence | null {
  const m = /^(?:не реже |не менее )?(?:(?:(\S+) )?раза?|(дважды|трижды)) (?:в течение|в|за) (.+)$/.exec(core);
  const times = m ? countOf(m[1] ?? m[2]) : null;
  const every = m ? UNIT_WORDS[m[3] ?? ''] : undefined;
  if (times === null || every === undefined || times < 1 || times > 12) return null;
  return { every, times, on: null };
}

/** «ежегодно до 25 мая», «ежегодно ко Дню учителя»: a yearless day; 29 February is refused (not every year has it). */
function readYearlyOn(core: string): Recurrence | null {
  const m = /^ежегодно,? (?:до|к|ко|не позднее) (.+)$/.exec(core);
  const day = readDayParts(m?.[1] ?? '');
  if (!day || day.year !== null || isoDay(2001, day.month, day.day) === null) return null;
  return { every: 'year', times: 1, on: `${pad(day.month)}-${pad(day.day)}` };
}

const CLOSING_UNITS: Record<string, Every> = {
  года: 'year',
  'учебного года': 'school-year',
  полугодия: 'half-year',
  квартала: 'quarter',
  месяца: 'month',
};

/**
 * Rule 6, with the combined readings of rule 9: a recurrence, optionally led by «В течение всего периода,» and
 * closed by «, по итогам периода» / «, по итогам года» (which must match the unit).
 */
const readRecurring: Reader = (text, context, input) => {
  let core = text.replace(new RegExp(`^${WHOLE_PERIOD},? `), '');
  const closing = new RegExp(`,? (?:${WHOLE_PERIOD}|по итогам (периода|года|учебного года|полугодия|квартала|месяца))$`).exec(core);
  if (closing) core = core.slice(0, closing.index);
  const rule = readRecurrence(core);
  if (!rule) return null;
  const unit = closing?.[1];
  if (unit !== undefined && unit !== 'периода' && CLOSING_UNITS[unit] !== rule.every) return null;
  return recurringSchedule(input, rule, context);
};

/** Rule 4: «До конца 2022 года», «к концу 2021/2022 учебного года», «до конца года» → the span's last day. */
const readEndOf: Reader = (text, context, input) => {
  const m = /^(?:до|к) конц[ау] (.+)$/.exec(text);
  if (!m) return null;
  const body = m[1] ?? '';
  const reading = body === 'года' ? yearly((y) => ({ start: firstDay(y, 1), end: lastDay(y, 12) }), null) : readSpanBody(body);
  const span = reading ? resolve(reading, context) : null;
  return span ? dateSchedule(input, span.end) : null;
};

/** Rules 2 and 3: «I квартал 2021 г.», «Июнь-июль 2020 года», «В течение 2020/2021 учебного года», «2022-2024 гг.». */
const readSpan: Reader = (text, context, input) => {
  const reading = readSpanBody(text.replace(/^(?:в течени[еи]|на протяжении|в) /, ''));
  const span = reading ? resolve(reading, context) : null;
  return span ? periodSchedule(input, span) : null;
};

/** Rule 4: «С 2022 г.», «с 01.12.2020»: from the first day to the end of the roadmap's period. */
const readFrom: Reader = (text, context, input) => {
  const m = /^(?:начиная )?с (.+)$/.exec(text);
  if (!m) return null;
  const body = m[1] ?? '';
  const parts = readDayParts(body);
  const reading = parts ? dayReading(parts) : readSpanBody(body);
  const span = reading ? resolve(reading, context) : null;
  if (!span || span.start > context.period.end) return null;
  return periodSchedule(input, { start: span.start, end: context.period.end });
};

/** Rules 1 and 8: «до 09.11.2020», «в срок до 01.05.2024 года», «не позднее 25.12.2021», «ко Дню учителя 2022». */
const readDay: Reader = (text, context, input) => {
  const parts = readDayParts(text.replace(/^(?:(?:в )?срок )?(?:(?:до|не позднее|не позже|к|ко) )?/, ''));
  const span = parts ? resolve(dayReading(parts), context) : null;
  return span ? dateSchedule(input, span.end) : null;
};

/** Order matters only where phrases overlap: a day range («с … по …») is a span before it is a «с …». */
const READERS: readonly Reader[] = [readOpen, readWholePeriod, readRecurring, readEndOf, readSpan, readFrom, readDay];

/** One deadline, or null when no reader reads the whole phrase. */
function parseSingle(input: string, context: DeadlineContext): Schedule | null {
  const text = normalizePhrase(input);
  if (text === '') return null;
  for (const read of READERS) {
    const schedule = read(text, context, input);
    if (schedule) return schedule;
  }
  return null;
}

const SEPARATOR = /\s*;\s*|(?:,\s*|\s+)(?:далее|затем)(?:\s*[-:,]\s*|\s+)/i;

/** Rule 9: «До 09.11.2020 Далее - по мере необходимости» — every part must be readable. */
function parseMultiple(input: string, context: DeadlineContext): Schedule | null {
  const pieces = tidy(input)
    .split(SEPARATOR)
    .map((piece) => piece.replace(/^[\s,:-]+|[\s,:-]+$/g, ''))
    .filter((piece) => piece !== '');
  if (pieces.length < 2) return null;
  const parts: Schedule[] = [];
  for (const piece of pieces) {
    const part = parseSingle(piece, context);
    if (!part) return null;
    parts.push(part);
  }
  const dues = parts.map((p) => p.due).filter((d): d is string => d !== null).sort();
  return { ...blank(input, 'multiple'), parts, due: dues[0] ?? null };
}

function assertContext(context: DeadlineContext): void {
  const { period, ref } = context;
  if (!isIsoDate(period.start) || !isIsoDate(period.end) || period.start > period.end || !isIsoDate(ref)) {
    throw new RangeError(`bad deadline context: ${JSON.stringify(context)}`);
  }
}

/** Reads a roadmap deadline phrase. What it cannot read whole is `unknown`. */
export function parseDeadline(input: string, context: DeadlineContext): Schedule {
  assertContext(context);
  return parseSingle(input, context) ?? parseMultiple(input, context) ?? blank(input, 'unknown');
}

// ---------------------------------------------------------------------------------------------------------------
// Occurrences

/** A unit of recurrence: `months` months from (year, month). */
interface Unit {
  year: number;
  month: number;
  months: number;
}

const UNIT_SHAPES: Record<Every, { firstMonths: number[]; months: number }> = {
  year: { firstMonths: [1], months: 12 },
  'half-year': { firstMonths: [1, 7], months: 6 },
  quarter: { firstMonths: [1, 4, 7, 10], months: 3 },
  month: { firstMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], months: 1 },
  'school-year': { firstMonths: [9], months: 9 }, // 1 September – 31 May
};

/** Every unit starting from the year before the period (a school year starts in the previous year). */
function unitsAround(every: Every, period: Period): Unit[] {
  const { firstMonths, months } = UNIT_SHAPES[every];
  const units: Unit[] = [];
  for (let year = yearOf(period.start) - 1; year <= yearOf(period.end); year += 1) {
    for (const month of firstMonths) units.push({ year, month, months });
  }
  return units;
}

function unitEnd(unit: Unit, monthCount: number): string {
  const { year, month } = shiftMonth(unit.year, unit.month, monthCount - 1);
  return lastDay(year, month);
}

/**
 * Splits a unit into `times` parts ending evenly: on month ends when there are at least as many months
 * (twice per school year: 31 December, 31 May), else on days (four times a month: the 7th, 14th, 21st, 28th of February).
 */
function splitUnit(unit: Unit, times: number): Span[] {
  const first = firstDay(unit.year, unit.month);
  const days = daysFromTo(first, unitEnd(unit, unit.months)) + 1;
  const ends = Array.from({ length: times }, (_, i) =>
    times <= unit.months
      ? unitEnd(unit, Math.floor(((i + 1) * unit.months) / times))
      : addDays(first, Math.floor(((i + 1) * days) / times) - 1),
  );
  return ends.map((end, i) => ({ start: i === 0 ? first : addDays(ends[i - 1] ?? first, 1), end }));
}

/** «ежегодно до 25 мая»: each year on that day; an occurrence runs from the day after the previous one. */
function yearlyOnSpans(on: string, period: Period): Span[] {
  const spans: Span[] = [];
  for (let year = yearOf(period.start); year <= yearOf(period.end); year += 1) {
    spans.push({ start: addDays(`${pad(year - 1, 4)}-${on}`, 1), end: `${pad(year, 4)}-${on}` });
  }
  return spans;
}

function recurringOccurrences(schedule: Schedule, period: Period): Occurrence[] {
  if (schedule.every === null) return [];
  const spans =
    schedule.on !== null
      ? yearlyOnSpans(schedule.on, period)
      : unitsAround(schedule.every, period).flatMap((unit) => splitUnit(unit, schedule.times ?? 1));
  return spans
    .filter((span) => span.end >= period.start && span.end <= period.end)
    .map((span) => ({ start: later(span.start, period.start), due: span.end }));
}

function mergeOccurrences(lists: Occurrence[][]): Occurrence[] {
  const byKey = new Map<string, Occurrence>();
  for (const o of lists.flat()) byKey.set(`${o.due}|${o.start ?? ''}`, o);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}

/**
 * Every due date of a schedule, for making one task per occurrence: date → [due]; period → [due] (with start);
 * recurring → each occurrence whose due date falls within the period (its start is the start of its unit, not
 * before the period's start); multiple → the union of its parts' occurrences, sorted by due date; open/unknown → [].
 */
export function occurrences(schedule: Schedule, period: Period): Occurrence[] {
  switch (schedule.kind) {
    case 'date':
      return schedule.due ? [{ start: null, due: schedule.due }] : [];
    case 'period':
      return schedule.due ? [{ start: schedule.start, due: schedule.due }] : [];
    case 'recurring':
      return recurringOccurrences(schedule, period);
    case 'multiple':
      return mergeOccurrences((schedule.parts ?? []).map((part) => occurrences(part, period)));
    default:
      return [];
  }
}

/** The printed shape: {input, kind, due, start, every, times, parts}, without `on`. */
export function toView(schedule: Schedule): ScheduleView {
  const { input, kind, due, start, every, times, parts } = schedule;
  return { input, kind, due, start, every, times, parts: parts ? parts.map(toView) : null };
}
