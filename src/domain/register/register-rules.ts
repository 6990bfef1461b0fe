import { nameKey } from '../shared/names';
import type { MenteeCategory, MentorCategory, MentoringForm, PairDraft, RegisterWarning } from './register.types';

const PUPILS: MenteeCategory[] = ['pupil', 'pupil_ovz', 'pupil_at_risk'];

/** Which categories each form of mentoring joins (Р-145): учитель–учитель needs two teachers, and so on. */
export const FORM_RULES: Record<MentoringForm, { mentors: MentorCategory[]; mentees: MenteeCategory[] }> = {
  pupil_pupil: { mentors: ['pupil'], mentees: PUPILS },
  teacher_teacher: { mentors: ['teacher'], mentees: ['teacher', 'young_specialist'] },
  student_pupil: { mentors: ['student'], mentees: PUPILS },
  employer_pupil: { mentors: ['employer'], mentees: PUPILS },
  employer_student: { mentors: ['employer'], mentees: ['student'] },
  teacher_pupil: { mentors: ['teacher'], mentees: PUPILS },
};

export const MIN_PUPIL_MENTEE_AGE = 10;

export function isPupil(category: MenteeCategory): boolean {
  return PUPILS.includes(category);
}

/** Names of the forms as schools write them (Р-145 and seed 004), for files and free text. */
export const FORM_ALIASES: Record<MentoringForm, string[]> = {
  pupil_pupil: ['ученик-ученик', 'учащийся-учащийся', 'обучающийся-обучающийся', 'pupil-pupil'],
  teacher_teacher: ['учитель-учитель', 'педагог-педагог', 'teacher-teacher'],
  student_pupil: ['студент-ученик', 'студент-учащийся', 'student-pupil'],
  employer_pupil: ['работодатель-ученик', 'работодатель-учащийся', 'employer-pupil'],
  employer_student: ['работодатель-студент', 'employer-student'],
  teacher_pupil: ['педагог-учащийся', 'учитель-ученик', 'педагог-ученик', 'teacher-pupil'],
};

/**
 * What the head should know about a pair before saving it: a form that does not fit the categories, a pupil
 * mentee younger than 10, reversed dates. Name clashes need the database and come from the service.
 */
export function checkPairRules(draft: PairDraft): RegisterWarning[] {
  const warnings: RegisterWarning[] = [];
  const rule = FORM_RULES[draft.form];
  if (!rule.mentors.includes(draft.mentor.category)) {
    warnings.push({ code: 'form_mentor_category', form: draft.form, category: draft.mentor.category, blocking: false });
  }
  if (!rule.mentees.includes(draft.mentee.category)) {
    warnings.push({ code: 'form_mentee_category', form: draft.form, category: draft.mentee.category, blocking: false });
  }
  if (isPupil(draft.mentee.category)) {
    if (draft.mentee.age === undefined) warnings.push({ code: 'pupil_age_missing', blocking: false });
    else if (draft.mentee.age < MIN_PUPIL_MENTEE_AGE) warnings.push({ code: 'pupil_too_young', age: draft.mentee.age, blocking: false });
  }
  if (draft.endDate && draft.endDate < draft.startDate) {
    warnings.push({ code: 'dates_reversed', startDate: draft.startDate, endDate: draft.endDate, blocking: true });
  }
  return warnings;
}

export function parseForm(text: string): MentoringForm | null {
  const key = nameKey(text).replace(/\s*[-–—]\s*/g, '-');
  for (const [form, aliases] of Object.entries(FORM_ALIASES) as [MentoringForm, string[]][]) {
    if (form === key || aliases.some((a) => nameKey(a) === key)) return form;
  }
  return null;
}
