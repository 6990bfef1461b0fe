import type { CardedPair, MenteeCategory } from '../register/register.types';
import type { RoadmapItem, Task } from '../roadmap/roadmap.types';
import { addDays } from '../reminders/working-time';
import type { Services } from '../services';

/** How far ahead a head's /status looks for what is due. */
export const STATUS_HORIZON_DAYS = 14;

export interface SchoolStatus {
  overdue: { task: Task; item: RoadmapItem }[];
  soon: { task: Task; item: RoadmapItem }[];
  /** Tasks a coordinator returned, with the reason of the last return. */
  returned: { task: Task; item: RoadmapItem; reason?: string }[];
  /** Tasks on review with a coordinator. */
  onReview: number;
  register: {
    pairs: number;
    mentors: number;
    mentees: Partial<Record<MenteeCategory, number>>;
    /** Young specialists with a mentor, out of all the school reported in /counts (null: not reported). */
    youngSpecialists: { withMentor: number; of: number | null };
  };
}


/**
 * What a school still owes and where its register stands, in one read: overdue tasks, those due within two weeks,
 * what was returned and why, and the register's figures (active pairs, mentors, mentees by category, young
 * specialists with a mentor out of those the school reported).
 */
export async function schoolStatus(services: Services, schoolId: string, today: string): Promise<SchoolStatus> {
  const tasks = await services.roadmap.tasksOf(schoolId, ['open', 'returned', 'submitted']);
  const open = tasks.filter((x) => x.task.status !== 'submitted');
  const horizon = addDays(today, STATUS_HORIZON_DAYS);
  // A returned task is listed once, with the reason, under «returned».
  const waiting = open.filter((x) => x.task.status === 'open');
  const overdue = waiting.filter((x) => x.task.due && x.task.due < today);
  const soon = waiting.filter((x) => x.task.due && x.task.due >= today && x.task.due <= horizon);
  const returned = open.filter((x) => x.task.status === 'returned').map((x) => ({ ...x, reason: x.task.reviews.at(-1)?.reason }));

  // The school's active pairs with the cards they keep of their people.
  const active: CardedPair[] = [];
  for await (const batch of services.register.pairsWithCards({ schoolId })) active.push(...batch.filter((p) => p.status === 'active'));
  const mentees = new Map<string, MenteeCategory>();
  for (const p of active) mentees.set(p.menteeId, p.menteeCard.category as MenteeCategory);
  const byCategory: Partial<Record<MenteeCategory, number>> = {};
  for (const category of mentees.values()) byCategory[category] = (byCategory[category] ?? 0) + 1;
  const counts = await services.register.getCounts(schoolId);
  return {
    overdue,
    soon,
    returned,
    onReview: tasks.length - open.length,
    register: {
      pairs: active.length,
      mentors: new Set(active.map((p) => p.mentorId)).size,
      mentees: byCategory,
      youngSpecialists: { withMentor: byCategory.young_specialist ?? 0, of: counts?.values.young_specialists ?? null },
    },
  };
}
