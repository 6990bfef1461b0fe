import type { ReminderPolicy } from '../reminders/policy';
import type { Scope } from '../territory/territory.types';
import type { Schedule } from './deadline';

/** Who an item's responsible text names: every organization, every municipality (of a region), or the owner. */
export type TargetKind = 'organizations' | 'municipalities' | 'coordinator';

/** One responsible party of an item with its own deadline (seed 003 item 8 has two). */
export interface Assignment {
  target: TargetKind;
  /** The words of the document that named them. */
  who: string;
  deadline: string;
  schedule: Schedule;
}

/** What a roadmap item still needs from a person before its tasks can be nudged. */
export type ItemGap = 'deadline' | 'responsible';

export interface ItemDraft {
  /** Identity across re-imports of the same roadmap: section and number, or the name when there is no number. */
  key: string;
  number: string;
  section: string | null;
  sectionNumber: string | null;
  name: string;
  /** The deadline and the responsible as the document words them (each assignment has its own reading). */
  deadline: string;
  responsible: string;
  documentKind: string;
  result: string;
  assignments: Assignment[];
  gaps: ItemGap[];
}

export interface RoadmapDraft {
  title: string;
  period: { start: string; end: string };
  /** The day deadlines without a year are counted from: the order's date, or the day of the import. */
  referenceDate: string;
  sections: number;
  items: ItemDraft[];
}

export interface Roadmap {
  id: string;
  owner: Scope;
  title: string;
  period: { start: string; end: string };
  referenceDate: string;
  fileName?: string;
  publishedAt: Date;
  /** When its tasks are nudged; absent: the default policy. */
  policy?: ReminderPolicy;
}

export interface RoadmapItem extends ItemDraft {
  id: string;
  roadmapId: string;
  position: number;
}

export type TaskStatus = 'open' | 'submitted' | 'accepted' | 'returned';

/** Whose task it is: one organization, one municipality (of a regional roadmap), or the roadmap's coordinators. */
export interface TaskTarget {
  level: 'organization' | 'municipality' | 'coordinator';
  id: string;
}

export interface Evidence {
  kind: 'file' | 'link' | 'comment';
  /** Telegram's file_id: the file itself stays with Telegram until a coordinator asks for it. */
  fileId?: string;
  fileName?: string;
  fileSize?: number;
  mimeType?: string;
  url?: string;
  text?: string;
}

export interface Submission {
  at: Date;
  by: number;
  evidence: Evidence[];
}

export interface Review {
  at: Date;
  by: number;
  decision: 'accepted' | 'returned';
  reason?: string;
}

export interface Task {
  id: string;
  roadmapId: string;
  itemId: string;
  target: TaskTarget;
  municipalityId?: string;
  regionId: string;
  /** The occurrence: due day (null for «по мере необходимости» and deadlines still to be fixed) and its start. */
  due: string | null;
  start: string | null;
  status: TaskStatus;
  submissions: Submission[];
  reviews: Review[];
}
