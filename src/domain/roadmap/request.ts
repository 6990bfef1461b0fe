import { z } from 'zod';
import { showDay } from '../register/register-input';
import type { Nudge } from '../reminders/outbox';
import type { Services } from '../services';
import { addDays, daysBetween } from '../reminders/working-time';
import { parseDeadline } from './deadline';
import { newItem, withResponsible } from './roadmap-build';
import type { ItemDraft, RoadmapItem, Task } from './roadmap.types';

/**
 * A coordinator's data request (seed 002: «в срок до 09.11.2020 обеспечить предоставление информации о
 * наставниках и наставляемых … и скан-копий приказов») is one more item of the coordinator's roadmap of this
 * title: every organization of the territory gets a task, nudged, confirmed and reviewed like any roadmap task.
 * The title is a stored name, the same in every language, so a territory has one such roadmap.
 */
export const REQUESTS_TITLE = 'Запросы координатора';

/** Items of that roadmap made by /request; their number is «З-1», «З-2»… */
export const REQUEST_KEY_PREFIX = 'request|';
const NUMBER_RE = /^З-(\d+)$/u;

/** Who a request goes to, in the words a roadmap uses: the heads of every school of the territory. */
export const REQUEST_RESPONSIBLE = 'Руководители МОО';

/** How far ahead a request's deadline may lie: a request is for weeks, not years. */
export const REQUEST_MAX_DAYS_AHEAD = 366;

/** How long a request's text may be, in characters. */
export const REQUEST_TEXT = { min: 5, max: 1000 } as const;

/** What is requested: 5 to 1000 characters (seed 002's sentence is about 150). */
export const requestTextSchema = z
  .string()
  .trim()
  .min(REQUEST_TEXT.min, 'request.errors.text_short')
  .max(REQUEST_TEXT.max, 'request.errors.text_long');

/** A document kind a coordinator types in their own words. */
export const documentKindSchema = z.string().trim().min(3, 'request.errors.document').max(200, 'request.errors.document');

export type DeadlineReading = { ok: true; due: string } | { ok: false; problem: 'unreadable' | 'not_day' | 'past' | 'too_far'; due?: string };

/**
 * A request's deadline: one day («09.12.2026», «до 9 декабря»), today or later in the coordinator's zone and within
 * a year. A period or a recurrence («декабрь 2026», «ежегодно») is refused: a request is due on one day.
 */
export function readRequestDeadline(text: string, today: string): DeadlineReading {
  const schedule = parseDeadline(text.trim(), { period: { start: today, end: addDays(today, REQUEST_MAX_DAYS_AHEAD) }, ref: today });
  if (schedule.kind === 'unknown') return { ok: false, problem: 'unreadable' };
  if (schedule.kind !== 'date' || !schedule.due) return { ok: false, problem: 'not_day' };
  if (schedule.due < today) return { ok: false, problem: 'past', due: schedule.due };
  if (daysBetween(today, schedule.due) > REQUEST_MAX_DAYS_AHEAD) return { ok: false, problem: 'too_far', due: schedule.due };
  return { ok: true, due: schedule.due };
}

/** Is this item a coordinator's request (and not something else kept in the same roadmap). */
export const isRequestItem = (item: Pick<RoadmapItem, 'key'>): boolean => item.key.startsWith(REQUEST_KEY_PREFIX);

/** The number the next request gets: one more than the highest «З-n» so far. */
export function nextRequestNumber(items: Pick<RoadmapItem, 'key' | 'number'>[]): number {
  let highest = 0;
  for (const item of items) {
    const n = isRequestItem(item) ? NUMBER_RE.exec(item.number.trim()) : null;
    if (n) highest = Math.max(highest, Number(n[1]));
  }
  return highest + 1;
}

export const requestNumber = (n: number): string => `З-${n}`;

/**
 * The number of the request with this key: the one it already has (a send repeated after a failure replaces the
 * same item), else the next one.
 */
export function requestNumberFor(items: Pick<RoadmapItem, 'key' | 'number'>[], key: string): number {
  const same = items.find((i) => i.key === key);
  const n = same ? NUMBER_RE.exec(same.number.trim()) : null;
  return n ? Number(n[1]) : nextRequestNumber(items);
}

/**
 * The roadmap item of a request, assigned to every organization of the owner's territory, due on `due`
 * (written as a full date, so that it reads the same whenever the roadmap is published again).
 */
export function requestItem(input: { key: string; n: number; text: string; due: string; documentKind: string; ownerLevel: 'municipality' | 'region'; today: string }): ItemDraft {
  const deadline = `до ${showDay(input.due)}`;
  // The deadline was read as today or later (readRequestDeadline).
  const context = { ownerLevel: input.ownerLevel, period: { start: input.today, end: input.due }, referenceDate: input.today };
  const item = newItem({ number: requestNumber(input.n), section: null, name: input.text, deadline, responsible: REQUEST_RESPONSIBLE, documentKind: input.documentKind }, context);
  return { ...withResponsible(item, 'organizations', REQUEST_RESPONSIBLE, context), key: input.key };
}

export interface RequestProgress {
  /** Tasks of the request: one per organization. */
  total: number;
  /** Sent by the school: on review or accepted. */
  submitted: number;
  accepted: number;
  /** Still open or returned after the due day. */
  overdue: number;
}

/** How a request stands on `today`, from its tasks. */
export function requestProgress(tasks: Pick<Task, 'status' | 'due'>[], today: string): RequestProgress {
  const progress = { total: tasks.length, submitted: 0, accepted: 0, overdue: 0 };
  for (const task of tasks) {
    if (task.status === 'submitted' || task.status === 'accepted') progress.submitted++;
    if (task.status === 'accepted') progress.accepted++;
    if ((task.status === 'open' || task.status === 'returned') && task.due && task.due < today) progress.overdue++;
  }
  return progress;
}

export interface Announcement {
  /** Messages queued for the heads and curators, sent at the outbox's pace. */
  queued: number;
  /** Heads and curators who blocked the bot: not told. */
  unreachable: number;
  /** Organizations with no head or curator in the bot at all. */
  nobody: number;
}

/**
 * Queues the request's message for every head and curator of the organizations that got its task: the text, the
 * deadline, the document and buttons that open the task. The outbox delivers them at Telegram's pace, once each
 * (a key per task and person), so a send repeated after a failure tells nobody twice.
 */
export async function announceRequest(
  services: Services,
  request: { roadmap: Nudge['roadmap']; item: Nudge['item']; ownerName: string; tasks: Pick<Task, 'id' | 'due' | 'target'>[]; today: string },
  now: Date,
): Promise<Announcement> {
  const taskOf = new Map(request.tasks.map((x) => [x.target.id, x]));
  const people = (await services.people.usersInScopes([...taskOf.keys()])).filter(
    (u) => (u.role === 'head' || u.role === 'curator') && u.scope?.level === 'organization' && taskOf.has(u.scope.id),
  );
  const joined = new Set(people.map((u) => u.scope!.id));
  const reachable = people.filter((u) => !u.unreachableAt);
  const messages: Nudge[] = reachable.map((u) => {
    const task = taskOf.get(u.scope!.id)!;
    return {
      key: `${task.id}|request|${u.telegramId}`,
      kind: 'request',
      slot: 'request',
      days: task.due ? daysBetween(request.today, task.due) : 0,
      recipient: { telegramId: u.telegramId, chatId: u.chatId, language: u.language, fullName: u.fullName },
      task: { id: task.id, due: task.due, target: task.target },
      item: request.item,
      roadmap: request.roadmap,
      party: '',
      from: request.ownerName,
    };
  });
  const queued = messages.length > 0 ? await services.reminders.sent.enqueue(messages, now) : [];
  if (queued.length > 0) services.reminders.queuedNow();
  return { queued: queued.length, unreachable: people.length - reachable.length, nobody: request.tasks.filter((x) => !joined.has(x.target.id)).length };
}
