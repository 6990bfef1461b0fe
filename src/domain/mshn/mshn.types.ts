import type { MentoringForm } from '../register/register.types';

/**
 * The municipal School of Mentoring (МШН, seed 004): the bank of mentoring practices and of mentoring programmes
 * that schools submit, and the meetings and popularisation events the head of МШН records. Values are stable
 * codes; the words a person reads are in locales/ under mshn.*.
 */
export const BANK_KINDS = ['practice', 'programme'] as const;
export type BankKind = (typeof BANK_KINDS)[number];

/**
 * The forms of mentoring in the order the bank offers them: seed 004's three («педагог–педагог», «педагог–учащийся»,
 * «учащийся–учащийся») first, then the other forms of Р-145.
 */
export const BANK_FORMS = ['teacher_teacher', 'teacher_pupil', 'pupil_pupil', 'student_pupil', 'employer_pupil', 'employer_student'] as const satisfies readonly MentoringForm[];
/** The forms seed 004 names: the bank shows them even when nothing was submitted yet. */
export const SEED_FORMS: readonly MentoringForm[] = BANK_FORMS.slice(0, 3);

/** A file kept as Telegram's file_id: the bytes stay with Telegram and are sent back by that id. */
export interface StoredFile {
  fileId: string;
  fileName?: string;
  fileSize?: number;
  mimeType?: string;
}

/** What a head or curator submits to the bank, confirmed on a summary before it is saved. */
export interface BankDraft {
  kind: BankKind;
  title: string;
  form: MentoringForm;
  description: string;
  file?: StoredFile;
  link?: string;
}

export interface BankEntry extends BankDraft {
  id: string;
  schoolId: string;
  municipalityId: string;
  regionId: string;
  submittedBy: number;
  /** The name of who submitted it, as the bot knew them then (the bank outlives a person's registration). */
  submittedByName?: string;
  submittedAt: Date;
}

export const EVENT_KINDS = ['meeting', 'event'] as const;
/** «Заседание МШН» or «Мероприятие по популяризации наставничества». */
export type EventKind = (typeof EVENT_KINDS)[number];

/** The territory whose School of Mentoring holds a meeting: a municipality's, or (a regional centre) a region's. */
export interface MshnScope {
  level: 'municipality' | 'region';
  id: string;
}

export interface EventDraft {
  kind: EventKind;
  /** YYYY-MM-DD, the day it took place (never in the future). */
  date: string;
  topic: string;
  /** The minutes (протокол) or another document of the event. */
  file?: StoredFile;
}

export interface MshnEvent extends EventDraft {
  id: string;
  owner: MshnScope;
  /** The municipality (absent for a region's own event) and region, for territory-wide equality queries. */
  municipalityId?: string;
  regionId: string;
  recordedBy: number;
  recordedAt: Date;
  /** The roadmap task this meeting was submitted to, once it was. */
  countedTaskId?: string;
}

/** One line of the young teachers bank: a school's young specialists as the register and the school tell them. */
export interface YoungTeachersRow {
  school: string;
  municipality: string;
  /** Young specialists (mentee category) with at least one active pair. */
  withMentor: number;
  /** Young specialists in the register whose pairs have all ended: without a mentor now. */
  mentoringEnded: number;
  /** What the school reported in /counts (young_specialists), or null when it has not. */
  reported: number | null;
  /** reported − withMentor (never below zero), or null when the school has not reported. */
  withoutMentor: number | null;
}

/** A bank entry with the names a report prints. */
export interface BankRow extends BankEntry {
  school: string;
  municipality: string;
}

/** An event with the names a report prints, and the roadmap item it counted towards. */
export interface EventRow extends MshnEvent {
  territory: string;
  countedItem?: string;
}

/** Everything the banks' workbook (and the territory report) prints, already resolved to names. */
export interface BanksRows {
  territory: string;
  practices: BankRow[];
  programmes: BankRow[];
  young: YoungTeachersRow[];
  events: EventRow[];
}
