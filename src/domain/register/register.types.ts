/**
 * The register of mentors and mentees (реестр наставников и наставляемых), school by school. Values are stable
 * codes; the words a person reads are in locales/ under register.*.
 */
export const MENTOR_CATEGORIES = ['teacher', 'pupil', 'student', 'employer'] as const;
export type MentorCategory = (typeof MENTOR_CATEGORIES)[number];

export const MENTEE_CATEGORIES = ['young_specialist', 'teacher', 'pupil', 'pupil_ovz', 'pupil_at_risk', 'student'] as const;
export type MenteeCategory = (typeof MENTEE_CATEGORIES)[number];

/** Forms of mentoring of methodological recommendations Р-145; seed 004's names map onto them (see FORM_ALIASES). */
export const FORMS = ['pupil_pupil', 'teacher_teacher', 'student_pupil', 'employer_pupil', 'employer_student', 'teacher_pupil'] as const;
export type MentoringForm = (typeof FORMS)[number];

export const PAIR_STATUSES = ['active', 'ended'] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];

/** How much of a person's name the register keeps (REGISTER_NAMES). */
export const NAME_MODES = ['full', 'initials', 'codes'] as const;
export type NameMode = (typeof NAME_MODES)[number];

export type PersonKind = 'mentor' | 'mentee';

export interface Person {
  id: string;
  schoolId: string;
  kind: PersonKind;
  /** Н-014 for a mentor, Я-027 for a mentee: assigned by the bot, unique in the school, shown in every mode. */
  code: string;
  /** As the name mode keeps it: the full name, «Фамилия И. О.», or nothing. */
  name?: string;
  category: MentorCategory | MenteeCategory;
  /** Mentor: position, or class for a pupil mentor. */
  position?: string;
  /** Mentee pupils: age in years and class. */
  age?: number;
  grade?: string;
}

/** What a pair keeps of each of its two people, so that reading a territory's pairs needs no second read of people. */
export type PersonCard = Pick<Person, 'code' | 'name' | 'category' | 'position' | 'age' | 'grade'>;

/** Dates are calendar days 'YYYY-MM-DD': they mean a day at the school, whatever the time zone of the server. */
export interface Pair {
  id: string;
  schoolId: string;
  mentorId: string;
  menteeId: string;
  form: MentoringForm;
  programme: string;
  startDate: string;
  endDate?: string;
  status: PairStatus;
  /** Copies of the two people, kept in step by every write of a person; absent on pairs stored before they existed. */
  mentorCard?: PersonCard;
  menteeCard?: PersonCard;
}

/** A pair with both cards present (see RegisterService.pairsWithCards). */
export type CardedPair = Pair & { mentorCard: PersonCard; menteeCard: PersonCard };

export interface PairView extends Pair {
  mentor: Person;
  mentee: Person;
}

/** What a person enters for one pair, by conversation or by a row of a file. */
export interface PairDraft {
  mentor: { existingId?: string; name?: string; category: MentorCategory; position?: string };
  mentee: { existingId?: string; name?: string; category: MenteeCategory; age?: number; grade?: string };
  form: MentoringForm;
  programme: string;
  startDate: string;
  endDate?: string;
}

/** A problem the head should see before saving; `blocking` ones cannot be saved as they are. */
export type RegisterWarning =
  | { code: 'form_mentor_category'; form: MentoringForm; category: MentorCategory; blocking: false }
  | { code: 'form_mentee_category'; form: MentoringForm; category: MenteeCategory; blocking: false }
  | { code: 'pupil_too_young'; age: number; blocking: false }
  | { code: 'pupil_age_missing'; blocking: false }
  | { code: 'same_person_twice'; name: string; blocking: false }
  | { code: 'mentee_has_pair'; name: string; blocking: false }
  | { code: 'dates_reversed'; startDate: string; endDate: string; blocking: true };

/** Denominators of the target indicators a school reports itself (/counts). */
export const COUNT_FIELDS = ['pupils_11_18', 'pupils_15_18', 'young_specialists', 'pupils_ovz', 'pupils_at_risk'] as const;
export type CountField = (typeof COUNT_FIELDS)[number];
export type SchoolCounts = Record<CountField, number>;

export interface ReportedCounts {
  schoolId: string;
  values: SchoolCounts;
  reportedAt: Date;
  reportedBy: number;
}
