import { addDays, atLocal, localParts, nextWorkingSlot, WORKING_HOURS } from './working-time';

/** When a task's party is nudged, per roadmap; a coordinator may change it within the bounds below. */
export interface ReminderPolicy {
  /** Days before the due day (e.g. 7 and 1). */
  before: number[];
  onDue: boolean;
  /** While overdue, every N days. */
  overdueEvery: number;
  /** On the Nth day overdue the coordinator gets an escalation. */
  escalateAfter: number;
}

export const DEFAULT_POLICY: ReminderPolicy = { before: [7, 1], onDue: true, overdueEvery: 3, escalateAfter: 3 };

export const POLICY_BOUNDS = { before: { min: 1, max: 30, count: 3 }, overdueEvery: { min: 1, max: 14 }, escalateAfter: { min: 1, max: 30 } } as const;

/** 'again': the reminder a person asked for with «Напомнить завтра». */
export type NudgeKind = 'before' | 'due' | 'overdue' | 'escalation' | 'again';

export interface PlannedNudge {
  kind: NudgeKind;
  /** The local day it was planned for; with the task and kind it names the nudge once and for all. */
  slot: string;
  /** The moment it may go out: 09:00 of that day, or the next working slot after it. */
  at: Date;
  /** Days to the due day (positive) or past it (negative). */
  days: number;
}

/**
 * The nudges of a task due on `due` in a time zone, from the first one up to `until`: before the due day, on it,
 * then every few days while overdue, and one escalation to the coordinator. A nudge planned on a day off or at
 * night moves to the next working slot; two that land on the same slot keep only the later (more urgent) one.
 */
export function plannedNudges(due: string, timeZone: string, policy: ReminderPolicy, until: Date): PlannedNudge[] {
  const plan: { kind: NudgeKind; slot: string; days: number }[] = [];
  for (const days of [...policy.before].sort((a, b) => b - a)) plan.push({ kind: 'before', slot: addDays(due, -days), days });
  if (policy.onDue) plan.push({ kind: 'due', slot: due, days: 0 });
  const last = localParts(until, timeZone).day;
  for (let k = 1; ; k++) {
    const slot = addDays(due, k * policy.overdueEvery);
    if (slot > last) break;
    plan.push({ kind: 'overdue', slot, days: -k * policy.overdueEvery });
  }
  const nudges = plan.map((p) => ({ ...p, at: nextWorkingSlot(atLocal(p.slot, WORKING_HOURS.start, timeZone), timeZone) }));
  const kept = nudges.filter((n, i) => !nudges.slice(i + 1).some((later) => later.at.getTime() <= n.at.getTime()));
  const escalationSlot = addDays(due, policy.escalateAfter);
  if (escalationSlot <= last) {
    kept.push({ kind: 'escalation', slot: escalationSlot, days: -policy.escalateAfter, at: nextWorkingSlot(atLocal(escalationSlot, WORKING_HOURS.start, timeZone), timeZone) });
  }
  return kept.filter((n) => n.at.getTime() <= until.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The latest nudge of each audience that is due by `now`: older missed ones are not worth sending after a pause. */
export function dueNow(due: string, timeZone: string, policy: ReminderPolicy, now: Date): { party: PlannedNudge | null; escalation: PlannedNudge | null } {
  const planned = plannedNudges(due, timeZone, policy, now);
  const party = planned.filter((n) => n.kind !== 'escalation').at(-1) ?? null;
  const escalation = planned.find((n) => n.kind === 'escalation') ?? null;
  return { party, escalation };
}

/** The next moment after `now` something is planned for this task (for the sweep's index), or null. */
export function nextNudgeAt(due: string, timeZone: string, policy: ReminderPolicy, now: Date): Date | null {
  // Far enough ahead to see the first nudge of a far due day, the next overdue nudge or the escalation.
  const from = Math.max(now.getTime(), Date.parse(`${due}T00:00:00Z`));
  const horizon = new Date(from + (Math.max(policy.overdueEvery, policy.escalateAfter) + 15) * 86_400_000);
  const next = plannedNudges(due, timeZone, policy, horizon).find((n) => n.at.getTime() > now.getTime());
  return next?.at ?? null;
}
