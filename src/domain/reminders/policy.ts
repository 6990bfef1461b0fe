import { isWorkingDay } from './calendar';
import { addDays, atLocal, daysBetween, localParts, nextWorkingSlot, WORKING_HOURS } from './working-time';

/** When a task's party is nudged, per roadmap; a coordinator may change it within the bounds below. */
export interface ReminderPolicy {
  /** Days before the due day (e.g. 7 and 1). */
  before: number[];
  onDue: boolean;
  /** While overdue, every N days. */
  overdueEvery: number;
  /** On the Nth day overdue the coordinator gets an escalation. */
  escalateAfter: number;
  /** The coordinator's weekly digest, Monday 09:00 local (for the owner of the roadmap). */
  digest: boolean;
}

export const DEFAULT_POLICY: ReminderPolicy = { before: [7, 1], onDue: true, overdueEvery: 3, escalateAfter: 3, digest: true };

/** What a coordinator may set with /settings: sensible bounds, so that nobody is nudged daily for a month ahead. */
export const POLICY_BOUNDS = { before: { min: 1, max: 30, count: 3 }, overdueEvery: { min: 1, max: 14 }, escalateAfter: { min: 1, max: 30 } } as const;

export type PolicyProblem = 'before_range' | 'before_count' | 'overdue_range' | 'escalate_range';

/** Why a policy is outside the bounds, or null when it is within them. */
export function policyProblem(policy: ReminderPolicy): PolicyProblem | null {
  const b = POLICY_BOUNDS;
  if (policy.before.length > b.before.count) return 'before_count';
  if (policy.before.some((d) => !Number.isInteger(d) || d < b.before.min || d > b.before.max)) return 'before_range';
  if (!Number.isInteger(policy.overdueEvery) || policy.overdueEvery < b.overdueEvery.min || policy.overdueEvery > b.overdueEvery.max) return 'overdue_range';
  if (!Number.isInteger(policy.escalateAfter) || policy.escalateAfter < b.escalateAfter.min || policy.escalateAfter > b.escalateAfter.max) return 'escalate_range';
  return null;
}

/** The days before as a coordinator types them («7, 1», «14 7 1»): distinct, largest first; null if not numbers. */
export function parseBeforeDays(text: string): number[] | null {
  const t = text.trim();
  if (/^(нет|no|none|-|0)$/i.test(t)) return [];
  if (!/^\d+([\s,;]+\d+)*$/.test(t)) return null;
  return [...new Set(t.split(/[\s,;]+/).map(Number))].sort((a, b) => b - a);
}

/** A policy read back from storage: anything missing or out of bounds falls back to the default. */
export function policyOf(stored: Partial<ReminderPolicy> | null | undefined): ReminderPolicy {
  if (!stored) return DEFAULT_POLICY;
  const merged = { ...DEFAULT_POLICY, ...stored, before: [...(stored.before ?? DEFAULT_POLICY.before)] };
  return policyProblem(merged) ? DEFAULT_POLICY : merged;
}

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
 * then every few days while overdue, and one escalation to the coordinator. A reminder before the due day planned on
 * a day off moves to the working day before it; any other nudge on a day off or at night moves to the next working
 * slot; two that land on the same slot keep only the later (more urgent) one.
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
  const nudges = plan.map((p) => {
    // A reminder before the deadline that falls on a day off comes on the working day before it, not after it
    // (a deadline of 10.01 after the New Year holidays is reminded of in December, not on 11.01).
    if (p.kind === 'before' && !isWorkingDay(p.slot)) {
      let day = p.slot;
      while (!isWorkingDay(day)) day = addDays(day, -1);
      return { ...p, slot: day, days: daysBetween(day, due), at: atLocal(day, WORKING_HOURS.start, timeZone) };
    }
    return { ...p, at: nextWorkingSlot(atLocal(p.slot, WORKING_HOURS.start, timeZone), timeZone) };
  });
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

/**
 * The UTC day on which the sweep should first look at a new task due on `due`: the day before its first planned
 * nudge (a nudge at 09:00 in UTC+10 falls on the previous UTC day), never before today.
 */
export function firstNudgeDay(due: string, policy: ReminderPolicy, today: string): string {
  const lead = Math.max(0, ...policy.before);
  // The earliest reminder moves back over days off (see plannedNudges): look from the working day it lands on.
  let first = addDays(due, -lead);
  if (lead > 0) while (!isWorkingDay(first)) first = addDays(first, -1);
  const day = addDays(first, -1);
  return day > today ? day : today;
}

/** The next moment after `now` something is planned for this task (for the sweep's index), or null. */
export function nextNudgeAt(due: string, timeZone: string, policy: ReminderPolicy, now: Date): Date | null {
  // Far enough ahead to see the first nudge of a far due day, the next overdue nudge or the escalation.
  const from = Math.max(now.getTime(), Date.parse(`${due}T00:00:00Z`));
  const horizon = new Date(from + (Math.max(policy.overdueEvery, policy.escalateAfter) + 15) * 86_400_000);
  const next = plannedNudges(due, timeZone, policy, horizon).find((n) => n.at.getTime() > now.getTime());
  return next?.at ?? null;
}
