import { showDay } from '../domain/register/register-input';
import { isPupil } from '../domain/register/register-rules';
import type { MenteeCategory, PairDraft, PairView, Person, RegisterWarning } from '../domain/register/register.types';
import type { TFunction } from './i18n';

/** «Петрова А. И. (Н-001)», or the code alone when names are not kept. */
export function personLabel(person: Pick<Person, 'code' | 'name'>): string {
  return person.name ? `${person.name} (${person.code})` : person.code;
}

function details(t: TFunction, kind: 'mentor' | 'mentee', p: { position?: string; category: string; age?: number; grade?: string }): string {
  if (kind === 'mentor') return p.position ? t('register.card.position', { position: p.position }) : '';
  let text = '';
  if (p.age !== undefined) text += t('register.card.age', { age: p.age });
  if (p.grade) text += t('register.card.grade', { grade: p.grade });
  return text;
}

/** The card of a pair as a head or coordinator reads it. */
export function pairCardText(t: TFunction, pair: PairView): string {
  return t('register.card.text', {
    mentor: personLabel(pair.mentor),
    mentorCategory: t(`register.mentor_category.${pair.mentor.category}`),
    mentorPosition: details(t, 'mentor', pair.mentor),
    mentee: personLabel(pair.mentee),
    menteeCategory: t(`register.mentee_category.${pair.mentee.category}`),
    menteeDetails: details(t, 'mentee', pair.mentee),
    form: t(`register.form.${pair.form}`),
    programme: pair.programme,
    startDate: showDay(pair.startDate),
    endDate: pair.endDate ? t('register.card.end', { date: showDay(pair.endDate) }) : '',
    status: t(`register.status.${pair.status}`),
  });
}

/** The summary of a pair being entered, before it is saved. */
export function draftSummaryText(t: TFunction, draft: PairDraft, labels: { mentor: string; mentee: string }): string {
  const mentee = { ...draft.mentee, age: isPupil(draft.mentee.category as MenteeCategory) ? draft.mentee.age : undefined };
  return t('register.pair.summary', {
    mentor: labels.mentor,
    mentorCategory: t(`register.mentor_category.${draft.mentor.category}`),
    mentorPosition: details(t, 'mentor', draft.mentor),
    mentee: labels.mentee,
    menteeCategory: t(`register.mentee_category.${draft.mentee.category}`),
    menteeDetails: details(t, 'mentee', mentee),
    form: t(`register.form.${draft.form}`),
    programme: draft.programme,
    startDate: showDay(draft.startDate),
    endDate: draft.endDate ? t('register.card.end', { date: showDay(draft.endDate) }) : '',
  });
}

export function warningText(t: TFunction, w: RegisterWarning): string {
  switch (w.code) {
    case 'form_mentor_category':
      return t('register.warnings.form_mentor_category', { form: t(`register.form.${w.form}`), category: t(`register.mentor_category.${w.category}`) });
    case 'form_mentee_category':
      return t('register.warnings.form_mentee_category', { form: t(`register.form.${w.form}`), category: t(`register.mentee_category.${w.category}`) });
    case 'dates_reversed':
      return t('register.warnings.dates_reversed', { startDate: showDay(w.startDate), endDate: showDay(w.endDate) });
    default:
      return t(`register.warnings.${w.code}`, w as unknown as Record<string, unknown>);
  }
}
