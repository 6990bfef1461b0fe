import { z } from 'zod';
import { positionSchema } from '../people/onboarding-input';
import type { NameMode } from './register.types';

export { positionSchema };

const clean = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/**
 * A person's name as a head types it: a surname and at least a first name or initials («Иванова Мария»,
 * «Иванова М. П.», «Иванова М.П.»). Error messages are locale keys.
 */
export const personNameSchema = z
  .string()
  .transform(clean)
  .pipe(
    z
      .string()
      .min(1, 'register.errors.name_empty')
      .max(150, 'register.errors.name_too_long')
      .regex(/^[\p{L}][\p{L}'’.\- ]*$/u, 'register.errors.name_letters')
      .refine((s) => {
        const [surname, ...rest] = s.split(' ');
        return /\p{L}{2,}/u.test(surname ?? '') && rest.join('').replace(/[.\-'’]/g, '').length >= 1;
      }, 'register.errors.name_words'),
  );

/** «Иванова Мария Петровна» or «Иванова М.П.» → «Иванова М. П.», for REGISTER_NAMES=initials. */
export function toInitials(name: string): string {
  const [surname = '', ...rest] = clean(name).split(' ');
  const initials = rest
    .flatMap((w) => w.split('.'))
    .map((w) => w.replace(/[^\p{L}]/gu, ''))
    .filter((w) => w.length > 0)
    .map((w) => `${w[0]!.toUpperCase()}.`);
  return [surname, initials.join(' ')].filter(Boolean).join(' ');
}

/** The name as the deployment's mode keeps it; undefined in `codes` mode, where no name is stored at all. */
export function storedName(name: string | undefined, mode: NameMode): string | undefined {
  if (mode === 'codes' || !name) return undefined;
  return mode === 'initials' ? toInitials(name) : clean(name);
}

export const ageSchema = z
  .string()
  .transform((s) => s.trim().replace(/\s*(лет|год|года|years?)$/i, ''))
  .pipe(z.string().regex(/^\d{1,2}$/, 'register.errors.age_number'))
  .transform(Number)
  .pipe(z.number().int().min(5, 'register.errors.age_range').max(80, 'register.errors.age_range'));

/** A class as schools write it: «7», «7А», «10 Б», «11-в класс» → «7», «7А», «10Б», «11В». */
export const gradeSchema = z
  .string()
  .transform((s) => s.trim().replace(/\s*класс$/i, '').replace(/[\s-]+/g, '').toUpperCase())
  .pipe(z.string().regex(/^(1[01]|[1-9])[А-ЯA-Z]?$/u, 'register.errors.grade'));

export const programmeSchema = z
  .string()
  .transform(clean)
  .pipe(z.string().min(2, 'register.errors.programme_short').max(200, 'register.errors.programme_long'));

/** 'YYYY-MM-DD' of a real calendar day, or null. */
export function isoDay(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d.toISOString().slice(0, 10);
}

/**
 * A date as a head types it: ДД.ММ.ГГГГ (also with / or -, or a two-digit year), «сегодня» / «today», or the ISO
 * form a spreadsheet gives. `today` is the school's calendar day.
 */
export function dateSchema(today: string) {
  return z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .transform((s, ctx) => {
      if (s === 'сегодня' || s === 'today') return today;
      let m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(s);
      let day: string | null = null;
      if (m) {
        const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
        day = isoDay(year, Number(m[2]), Number(m[1]));
      } else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
        day = isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
      }
      if (!day) {
        ctx.addIssue({ code: 'custom', message: 'register.errors.date_format' });
        return z.NEVER;
      }
      if (day < '2000-01-01' || day > '2100-12-31') {
        ctx.addIssue({ code: 'custom', message: 'register.errors.date_range' });
        return z.NEVER;
      }
      return day;
    });
}

/** 'YYYY-MM-DD' → 'ДД.ММ.ГГГГ', as dates are shown to a Russian reader (and in the English locale too). */
export function showDay(day: string | undefined): string {
  if (!day) return '';
  const [y, m, d] = day.split('-');
  return `${d}.${m}.${y}`;
}

/** The calendar day at a place, for «сегодня». */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
