import { z } from 'zod';
import { FORMS, type MentoringForm } from '../register/register.types';
import type { MonitoringAnswer, MonitoringTotals } from './monitoring.types';

/** The longest free-text answer kept. */
const TEXT_MAX = 1000;

const digits = (max: number, message: string) =>
  z
    .string()
    .transform((s) => s.replace(/[\s\u00a0]/g, ''))
    .pipe(z.string().regex(/^\d{1,6}$/, message))
    .transform(Number)
    .pipe(z.number().int().max(max, message));

/** A count a head types (programmes, participants of a form): a whole number from 0. */
export const countSchema = digits(100_000, 'monitoring.errors.not_number');

/** Satisfaction, 1–10. */
export const satisfactionSchema = digits(10, 'monitoring.errors.satisfaction').pipe(z.number().min(1, 'monitoring.errors.satisfaction'));

/** A free-text answer (what went well, what got in the way). */
export const freeTextSchema = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(2, 'monitoring.errors.too_short').max(TEXT_MAX, 'monitoring.errors.too_long'));

/** «да» / «нет» typed instead of pressed. */
export function parseYesNo(text: string): boolean | null {
  const word = text.trim().toLowerCase().replace(/[.!]+$/, '');
  if (['да', 'есть', 'yes', 'y'].includes(word)) return true;
  if (['нет', 'no', 'n'].includes(word)) return false;
  return null;
}

export const zeroByForm = (): Record<MentoringForm, number> => Object.fromEntries(FORMS.map((f) => [f, 0])) as Record<MentoringForm, number>;

/** Sums and averages over answers. */
export function totalsOf(answers: MonitoringAnswer[]): MonitoringTotals {
  const participants = zeroByForm();
  let programmes = 0;
  let satisfaction = 0;
  let siteSection = 0;
  let independentAssessment = 0;
  for (const a of answers) {
    programmes += a.programmes;
    for (const f of FORMS) participants[f] += a.participants[f] ?? 0;
    satisfaction += a.satisfaction;
    if (a.siteSection) siteSection++;
    if (a.independentAssessment) independentAssessment++;
  }
  return {
    answers: answers.length,
    programmes,
    participants,
    satisfaction: answers.length > 0 ? Math.round((satisfaction / answers.length) * 10) / 10 : null,
    siteSection,
    independentAssessment,
  };
}
