import { z } from 'zod';
import { isoDay } from '../register/register-input';
import { cleanName } from '../shared/names';

/**
 * What a person types for the School of Mentoring. Messages are locale keys: the bot explains the problem in the
 * person's language and asks again, keeping everything typed before.
 */
const TITLE_MIN = 3;
const TITLE_MAX = 200;
const DESCRIPTION_MIN = 10;
const DESCRIPTION_MAX = 1000;
const TOPIC_MIN = 3;
const TOPIC_MAX = 300;

export const bankTitleSchema = z
  .string()
  .transform(cleanName)
  .pipe(z.string().min(TITLE_MIN, 'mshn.errors.title_short').max(TITLE_MAX, 'mshn.errors.title_long').regex(/\p{L}/u, 'mshn.errors.title_letters'));

/** A description keeps its line breaks (a few paragraphs read better than one line); spaces are tidied. */
export const bankDescriptionSchema = z
  .string()
  .transform((s) =>
    s
      .normalize('NFC')
      .split('\n')
      .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
  )
  .pipe(z.string().min(DESCRIPTION_MIN, 'mshn.errors.description_short').max(DESCRIPTION_MAX, 'mshn.errors.description_long'));

export const topicSchema = z
  .string()
  .transform(cleanName)
  .pipe(z.string().min(TOPIC_MIN, 'mshn.errors.topic_short').max(TOPIC_MAX, 'mshn.errors.topic_long').regex(/\p{L}/u, 'mshn.errors.topic_letters'));

const URL_RE = /^https?:\/\/[^\s<>«»"]+\.[^\s<>«»"]+$/iu;

/** A link to the practice on the school's site or a cloud folder: one http(s) address. */
export const linkSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().max(500, 'mshn.errors.link').regex(URL_RE, 'mshn.errors.link'));

/**
 * The day a meeting took place, strictly ДД.ММ.ГГГГ (one-digit day or month allowed, «сегодня» too): not in the
 * future (`today` is the coordinator's calendar day) and not before 2000.
 */
export function eventDateSchema(today: string) {
  return z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .transform((s, ctx) => {
      if (s === 'сегодня' || s === 'today') return today;
      const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
      const day = m ? isoDay(Number(m[3]), Number(m[2]), Number(m[1])) : null;
      if (!day) {
        ctx.addIssue({ code: 'custom', message: 'mshn.errors.date_format' });
        return z.NEVER;
      }
      if (day > today) {
        ctx.addIssue({ code: 'custom', message: 'mshn.errors.date_future' });
        return z.NEVER;
      }
      if (day < '2000-01-01') {
        ctx.addIssue({ code: 'custom', message: 'mshn.errors.date_old' });
        return z.NEVER;
      }
      return day;
    });
}

/** The school year (1 September – 31 August) a day falls in, as YYYY-MM-DD bounds. */
export function schoolYearOf(day: string): { start: string; end: string } {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const first = month >= 9 ? year : year - 1;
  return { start: `${first}-09-01`, end: `${first + 1}-08-31` };
}

/** How many МШН meetings a school year needs (seed 004: «проведение заседаний МШН не реже 2-х раз за учебный год»). */
export const MEETINGS_PER_SCHOOL_YEAR = 2;

const TWICE_A_YEAR = [
  /не\s+(?:реже|менее)\s+(?:2|двух|2-х|2х)\s+раз/iu,
  /дважды\s+(?:в|за)\s+(?:учебный\s+)?год/iu,
  /(?:^|[\s(])(?:2|два)\s+раза\s+(?:в|за)\s+(?:учебный\s+)?год/iu,
];

/** Does a roadmap deadline ask for something twice a (school) year, as МШН meetings are asked for. */
export function isTwiceAYear(deadline: string): boolean {
  return TWICE_A_YEAR.some((re) => re.test(deadline));
}
