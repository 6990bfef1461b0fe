import type { MentoringForm } from '../register/register.types';

/** What a head answers in the quarterly questionnaire. */
export interface MonitoringInput {
  /** Mentoring programmes running now. */
  programmes: number;
  /** Participants (mentors and mentees) by form of mentoring; every form of FORMS is present. */
  participants: Record<MentoringForm, number>;
  /** What went well; null when skipped. */
  wentWell: string | null;
  /** What got in the way; null when skipped. */
  obstacles: string | null;
  /** 1–10. */
  satisfaction: number;
  /** The school's website has the section «Ресурсный центр наставнических практик» (target indicator 11). */
  siteSection: boolean;
  /** The school passed an independent assessment of the quality of its mentoring programmes within three years (indicator 15). */
  independentAssessment: boolean;
}

/** One school's answer to one round, as stored (answering again in the same round replaces it). */
export interface MonitoringAnswer extends MonitoringInput {
  /** 'monitoring|2026-Q4' */
  roundKey: string;
  /** '2026-Q4' */
  quarter: string;
  schoolId: string;
  municipalityId: string;
  regionId: string;
  answeredAt: Date;
  /** Telegram id of the head or curator who answered. */
  answeredBy: number;
}

/** A round of one municipality: its item in the municipality's roadmap «Мониторинг реализации ЦМН». */
export interface MonitoringRound {
  roundKey: string;
  quarter: string;
  municipalityId: string;
  regionId: string;
  roadmapId: string;
  itemId: string;
  /** The deadline, 'YYYY-MM-DD' (the tenth day after the quarter). */
  due: string;
  openedAt: Date;
  /** Telegram id of the coordinator who started it, or 'auto'. */
  openedBy: number | string;
  /** When the heads were told (null: still to do, in working hours). */
  announcedAt: Date | null;
}

/** What the register says for the questionnaire's «Как в реестре» buttons. */
export interface RegisterFigures {
  /** Different programme names among the school's active pairs. */
  programmes: number;
  /** Different people (mentors and mentees) in the school's active pairs, by form. */
  participants: Record<MentoringForm, number>;
}

/** Sums over a set of answers, for the coordinator's /monitoring. */
export interface MonitoringTotals {
  answers: number;
  programmes: number;
  participants: Record<MentoringForm, number>;
  /** Average satisfaction, one decimal; null without answers. */
  satisfaction: number | null;
  siteSection: number;
  independentAssessment: number;
}
