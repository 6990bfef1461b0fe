import { createHash } from 'node:crypto';
import type { User } from '../people/people.types';
import { answersFor, partyName, partyScopeId, zoneScopeOf as scopeOfTask } from '../roadmap/roadmap-party';
import type { Roadmap, RoadmapItem, Task } from '../roadmap/roadmap.types';
import type { Services } from '../services';
import { buildDigest, digestDue } from './digest';
import { isNudge, type DeliveryOutcome, type Escalation, type Notice, type Nudge, type OutboxMessage, type Recipient, type SentLog } from './outbox';
import { dueNow, nextNudgeAt, policyOf, type PlannedNudge } from './policy';
import { addDays, daysBetween, localParts, nextWorkingSlot } from './working-time';

export { sentLog, type DeliveryOutcome, type Nudge, type OutboxMessage, type SentLog } from './outbox';

export interface SweepDeps {
  services: Services;
  sent: SentLog;
  /** Hands one message to Telegram (rate-limited); never throws. Not called in a dry run. */
  deliver: (message: OutboxMessage) => Promise<DeliveryOutcome>;
}

export interface SweepResult {
  /** Task documents read through the nudgeDay index. */
  examined: number;
  /** Messages this sweep put in the outbox (in a dry run: would put). */
  queued: number;
  /** What was delivered by this call, with outcomes (in a dry run: what would be queued). */
  nudges: (OutboxMessage & { outcome?: DeliveryOutcome })[];
  /** Milliseconds per step, for the benchmark. */
  ms: Record<string, number>;
}

/** How many days back a sweep looks for tasks whose nudge day has passed (a bot down for a while catches up). */
const CATCH_UP_DAYS = 14;
/** A queued nudge older than this is checked against its task again before it goes out. */
const STALE_MS = 30 * 60_000;
/** Names listed in one escalation; the rest are counted. */
const ESCALATION_NAMES = 15;

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const recipientOf = (u: User): Recipient => ({ telegramId: u.telegramId, chatId: u.chatId, language: u.language, fullName: u.fullName });
const isOpen = (t: Pick<Task, 'status'>) => t.status === 'open' || t.status === 'returned';
const itemRef = (i: RoadmapItem): Nudge['item'] => ({ id: i.id, number: i.number, name: i.name, documentKind: i.documentKind });
const roadmapRef = (r: Roadmap): Nudge['roadmap'] => ({ id: r.id, title: r.title, owner: r.owner });

/**
 * One round of reminders at `now`, a plain function of its dependencies:
 *  1. reads the tasks whose next nudge day has come (by equality on an index, a day at a time over a catch-up
 *     window), and for each works out the latest nudge that is due under its roadmap's policy (an earlier one
 *     missed while the bot was down is not worth sending; a task done meanwhile gets none) and its escalation;
 *  2. looks up the people of all those parties at once, and the coordinators' weekly digests;
 *  3. records every message in the sent-log (the outbox) under a unique key before anything is sent, so two sweeps
 *     at once, a crash or a restart never send one twice; escalations of one item are grouped per coordinator;
 *  4. sets each task's next nudge day, and
 *  5. delivers what is queued (also what a sweep that died left behind), each message taken by one deliverer.
 * Outside working hours in a task's zone, what is due there waits for the next working slot.
 */
export async function sweep(deps: SweepDeps, now: Date, options: { dryRun?: boolean; deliver?: boolean } = {}): Promise<SweepResult> {
  const { services } = deps;
  const ms: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    ms[name] = Math.round(t - mark);
    mark = t;
  };
  const today = utcDay(now);

  // 1. The tasks to look at, with their items, roadmaps and zones.
  const batches: { day: string; tasks: Task[] }[] = [];
  for (let back = CATCH_UP_DAYS; back >= 0; back--) {
    const day = addDays(today, -back);
    const tasks = await services.roadmap.tasksToNudge(day);
    if (tasks.length > 0) batches.push({ day, tasks });
  }
  const all = batches.flatMap((b) => b.tasks);
  const items = await services.roadmap.itemsOfTasks(all);
  const roadmaps = new Map<string, Roadmap | null>();
  for (const id of new Set(all.map((t) => t.roadmapId))) roadmaps.set(id, await services.roadmap.getRoadmap(id));
  const zones = new Map<string, string>();
  for (const t of all) {
    const scope = scopeOfTask(t);
    if (!zones.has(scope.id)) zones.set(scope.id, await services.territory.timezoneOf(scope));
  }
  const snoozes: Awaited<ReturnType<SentLog['allSnoozes']>> = all.length > 0 ? await deps.sent.allSnoozes() : new Map();
  lap('select');

  interface Plan {
    task: Task;
    item: RoadmapItem;
    roadmap: Roadmap;
    party: PlannedNudge | null;
    escalation: PlannedNudge | null;
    woken: number[];
    snoozed: Set<number>;
  }
  const plans: Plan[] = [];
  const nextDays = new Map<string, string | null>();
  for (const task of all) {
    const item = items.get(task.itemId);
    const roadmap = roadmaps.get(task.roadmapId);
    if (!item || !roadmap || !task.due || !isOpen(task)) {
      nextDays.set(task.id, null);
      continue;
    }
    const zone = zones.get(scopeOfTask(task).id)!;
    const policy = policyOf(roadmap.policy);
    const { party, escalation } = dueNow(task.due, zone, policy, now);
    const slot = nextWorkingSlot(now, zone);
    if (slot.getTime() !== now.getTime()) {
      // Night, a weekend or a holiday there: what is due waits for the next slot; otherwise the next planned day.
      const next = party || escalation ? slot : nextNudgeAt(task.due, zone, policy, now);
      nextDays.set(task.id, next ? utcDay(next) : null);
      continue;
    }
    const ofTask = snoozes.get(task.id) ?? [];
    const running = ofTask.filter((z) => z.until.getTime() > now.getTime());
    plans.push({
      task,
      item,
      roadmap,
      party,
      escalation: task.target.level === 'coordinator' ? null : escalation,
      woken: ofTask.filter((z) => z.until.getTime() <= now.getTime()).map((z) => z.telegramId),
      snoozed: new Set(running.map((z) => z.telegramId)),
    });
    const planned = nextNudgeAt(task.due, zone, policy, now);
    const next = Math.min(planned?.getTime() ?? Infinity, ...running.map((z) => z.until.getTime()));
    nextDays.set(task.id, Number.isFinite(next) ? utcDay(new Date(next)) : null);
  }

  // 2. The people of every party and owner concerned, in one query.
  const scopeIds = new Set<string>();
  for (const p of plans) {
    if (p.party || p.woken.length > 0) scopeIds.add(partyScopeId(p.task, p.roadmap));
    if (p.escalation) scopeIds.add(p.roadmap.owner.id);
  }
  const people = new Map<string, User[]>();
  for (const u of await services.people.usersInScopes([...scopeIds])) if (u.scope) people.set(u.scope.id, [...(people.get(u.scope.id) ?? []), u]);
  const coordinatorsOf = (scopeId: string) => (people.get(scopeId) ?? []).filter((u) => u.role === 'coordinator' && !u.unreachableAt);
  lap('people');

  const messages: OutboxMessage[] = [];
  const escalations: { plan: Plan; to: User }[] = [];
  for (const p of plans) {
    const party = (people.get(partyScopeId(p.task, p.roadmap)) ?? []).filter((u) => answersFor(u, p.task) && !u.unreachableAt);
    const nudge = (planned: PlannedNudge, kind: Nudge['kind'], slot: string, to: User): Nudge => ({
      key: `${p.task.id}|${kind}|${slot}|${to.telegramId}`,
      kind,
      slot,
      days: planned.days,
      recipient: recipientOf(to),
      task: { id: p.task.id, due: p.task.due, target: p.task.target },
      item: itemRef(p.item),
      roadmap: roadmapRef(p.roadmap),
      party: '',
    });
    if (p.party) {
      const zone = zones.get(scopeOfTask(p.task).id)!;
      // «Напомнить завтра» ran out: one reminder to whoever asked for it.
      for (const u of party.filter((u) => p.woken.includes(u.telegramId))) messages.push(nudge(p.party, 'again', localParts(now, zone).day, u));
      for (const u of party.filter((u) => !p.snoozed.has(u.telegramId) && !p.woken.includes(u.telegramId))) messages.push(nudge(p.party, p.party.kind as Nudge['kind'], p.party.slot, u));
    }
    if (p.escalation) for (const to of coordinatorsOf(p.roadmap.owner.id)) escalations.push({ plan: p, to });
  }

  // Weekly digests of the coordinators whose Monday 09:00 has come.
  messages.push(...(await digests(deps, now)));
  lap('plan');

  if (options.dryRun) {
    const escalationLines = escalations.map(({ plan, to }) => escalationOf([plan], to, plan.escalation!));
    const known = await deps.sent.known([...messages.map((m) => m.key), ...escalations.map((e) => escalationKey(e.plan, e.to))]);
    const fresh = [...messages.filter((m) => !known.has(m.key)), ...escalationLines.filter((_, i) => !known.has(escalationKey(escalations[i]!.plan, escalations[i]!.to)))];
    await nameParties(services, fresh);
    return { examined: all.length, queued: fresh.length, nudges: fresh, ms };
  }

  // 3. Into the outbox: each message once, whoever else is sweeping.
  const queued = await deps.sent.enqueue(messages, now);
  const claimed = await deps.sent.claimGrouped(
    escalations.map(({ plan, to }) => ({ key: escalationKey(plan, to), taskId: plan.task.id, ownerId: plan.roadmap.owner.id, slot: plan.escalation!.slot, recipient: to.telegramId })),
    now,
  );
  const groups = new Map<string, { plans: Plan[]; to: User }>();
  for (const e of escalations.filter((e) => claimed.has(escalationKey(e.plan, e.to)))) {
    const key = `${e.to.telegramId}|${e.plan.item.id}|${e.plan.task.due}|${e.plan.escalation!.slot}`;
    groups.set(key, { plans: [...(groups.get(key)?.plans ?? []), e.plan], to: e.to });
  }
  const grouped = [...groups.values()].map((g) => escalationOf(g.plans, g.to, g.plans[0]!.escalation!));
  await nameEscalations(services, grouped);
  queued.push(...(await deps.sent.enqueue(grouped, now)));
  lap('queue');

  // 4. When each task is looked at next.
  for (const b of batches) await services.roadmap.setNudgeDays(b.day, b.tasks, nextDays);
  for (const p of plans) for (const telegramId of p.woken) await deps.sent.unsnooze(p.task.id, telegramId);
  lap('next');

  // 5. Delivery.
  const delivered = options.deliver === false ? [] : await drain(deps, now);
  lap('deliver');
  return { examined: all.length, queued: queued.length, nudges: delivered, ms };
}

function escalationKey(plan: { task: Task; escalation: PlannedNudge | null }, to: User): string {
  return `${plan.task.id}|escalation|${plan.escalation!.slot}|${to.telegramId}`;
}

function escalationOf(plans: { task: Task; item: RoadmapItem; roadmap: Roadmap }[], to: User, planned: PlannedNudge): Escalation {
  const sorted = [...plans].sort((a, b) => a.task.id.localeCompare(b.task.id));
  const taskIds = sorted.map((p) => p.task.id);
  const hash = createHash('sha1').update(`${to.telegramId}|${planned.slot}|${taskIds.join(',')}`).digest('hex').slice(0, 20);
  const first = plans[0]!;
  return { key: `esc|${hash}`, kind: 'escalation', slot: planned.slot, days: planned.days, recipient: recipientOf(to), item: itemRef(first.item), roadmap: roadmapRef(first.roadmap), due: first.task.due!, taskIds, targets: sorted.map((p) => p.task.target.id), parties: [] };
}

/** The names of the first schools (or municipalities) of each escalation, in one query. */
async function nameEscalations(services: Services, groups: Escalation[]): Promise<void> {
  const ids = groups.flatMap((g) => g.targets.slice(0, ESCALATION_NAMES));
  const names = await services.territory.organizationNames(ids);
  for (const id of ids.filter((id) => !names.has(id))) names.set(id, (await services.territory.describeScope({ level: 'municipality', id }))?.municipality?.name ?? '—');
  for (const g of groups) g.parties = g.targets.slice(0, ESCALATION_NAMES).map((id) => names.get(id) ?? '—');
}

/** Names of the parties of messages a person reads (the CLI's dry run). */
async function nameParties(services: Services, messages: OutboxMessage[]): Promise<void> {
  for (const m of messages) {
    if (isNudge(m)) m.party = await partyName(services.territory, m.task);
  }
  await nameEscalations(services, messages.filter((m): m is Escalation => m.kind === 'escalation'));
}

/** Digests known to be queued already, per sent-log (a process asks the database once per coordinator and week). */
const digestsDone = new WeakMap<SentLog, Set<string>>();

async function digests(deps: SweepDeps, now: Date): Promise<OutboxMessage[]> {
  const done = digestsDone.get(deps.sent) ?? new Set<string>();
  digestsDone.set(deps.sent, done);
  const out: OutboxMessage[] = [];
  for (const c of await deps.services.people.coordinators()) {
    if (!c.scope || c.scope.level === 'organization' || c.unreachableAt) continue;
    const zone = await deps.services.territory.timezoneOf(c.scope);
    if (nextWorkingSlot(now, zone).getTime() !== now.getTime()) continue;
    const week = digestDue(now, zone);
    if (!week) continue;
    const key = `digest|${week}|${c.telegramId}`;
    if (done.has(key)) continue;
    if ((await deps.sent.known([key])).size > 0) {
      done.add(key);
      continue;
    }
    const digest = await buildDigest(deps.services, c.scope, recipientOf(c), localParts(now, zone).day);
    if (digest) out.push(digest);
    else done.add(key);
  }
  return out;
}

/**
 * Delivers what waits in the outbox, oldest first: each message is taken by one deliverer (two instances share the
 * work), a task nudge whose task was done meanwhile is skipped, and the outcome is recorded. A 403 marks the person
 * unreachable and queues a notice to their territory's coordinators, once a day.
 */
export async function drain(deps: SweepDeps, now: Date, halt: { stopped: boolean } = { stopped: false }): Promise<(OutboxMessage & { outcome: DeliveryOutcome })[]> {
  const { services } = deps;
  const out: (OutboxMessage & { outcome: DeliveryOutcome })[] = [];
  for (;;) {
    const batch = await deps.sent.queued(500);
    if (batch.length === 0) break;
    let taken = 0;
    // A few at a time: the pacer keeps Telegram's limits, and the database work of one overlaps another's wait.
    // Delivery never throws; if something else does (the database went away), no worker takes another message
    // and what is left stays queued for the next sweep.
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < batch.length && !failed && !halt.stopped) {
        const doc = batch[next++]!;
        if (!doc.payload || !(await deps.sent.take(doc._id))) continue;
        taken++;
        const message = JSON.parse(doc.payload) as OutboxMessage;
        let outcome: DeliveryOutcome;
        // A task done or removed while its nudge waited has the nudge taken out of the queue then (cancelQueued);
        // one that waited long (a backlog, a restart) is checked again here.
        if (isNudge(message) && now.getTime() - doc.at.getTime() > STALE_MS) {
          const task = await services.roadmap.getTask(message.task.id);
          outcome = task && isOpen(task) ? await deps.deliver(message) : { status: 'skipped', reason: 'task no longer open' };
        } else {
          outcome = await deps.deliver(message);
        }
        await deps.sent.record(doc._id, outcome);
        out.push({ ...message, outcome });
        if (outcome.status === 'failed' && outcome.blocked) await blocked(deps, message, now);
      }
    };
    const settled = await Promise.allSettled(Array.from({ length: 8 }, () => worker().catch((err: unknown) => ((failed = true), Promise.reject(err)))));
    const error = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (error) throw error.reason;
    if (taken === 0 || halt.stopped) break;
  }
  return out;
}

async function blocked(deps: SweepDeps, message: OutboxMessage, now: Date): Promise<void> {
  const { services } = deps;
  await services.people.markUnreachable(message.recipient.telegramId);
  if (!isNudge(message)) return;
  const party = await partyName(services.territory, message.task);
  const notices: Notice[] = (await services.people.usersIn(message.roadmap.owner.id))
    .filter((u) => u.role === 'coordinator' && !u.unreachableAt && u.telegramId !== message.recipient.telegramId)
    .map((c) => ({ key: `unreachable|${message.recipient.telegramId}|${utcDay(now)}|${c.telegramId}`, kind: 'notice', recipient: recipientOf(c), person: { telegramId: message.recipient.telegramId, fullName: message.recipient.fullName }, party }));
  await deps.sent.enqueue(notices, now);
}

/**
 * «Напомнить ещё раз» under an escalation: the schools of the group whose tasks are still open get a nudge now (at
 * most one a day each), queued and delivered like any other. Returns how many tasks were nudged and how many were
 * done meanwhile or have nobody in the bot.
 */
export async function pushGroup(deps: Pick<SweepDeps, 'services' | 'sent'>, now: Date, ownerId: string, groupKey: string): Promise<{ nudged: number; done: number; nobody: number } | null> {
  const { services } = deps;
  const group = await deps.sent.get(groupKey);
  if (!group || group.kind !== 'escalation' || group.ownerId !== ownerId || !group.taskIds) return null;
  const tasks = (await Promise.all(group.taskIds.map((id) => services.roadmap.getTask(id)))).filter((t): t is Task => t !== null);
  const result = await pushTasks(deps, now, ownerId, tasks);
  result.done += group.taskIds.length - tasks.length;
  return result;
}

/**
 * A coordinator's nudge, now, to the parties of these tasks of their roadmaps that are still open (at most one a day
 * to each person), queued like any other. Counts the tasks nudged, done meanwhile, and with nobody in the bot.
 */
export async function pushTasks(deps: Pick<SweepDeps, 'services' | 'sent'>, now: Date, ownerId: string, tasks: Task[]): Promise<{ nudged: number; done: number; nobody: number }> {
  const { services } = deps;
  const result = { nudged: 0, done: 0, nobody: 0 };
  const messages: Nudge[] = [];
  // Their items, roadmaps and people are read in one go.
  const open = tasks.filter((t) => isOpen(t) && t.due);
  result.done = tasks.length - open.length;
  const items = await services.roadmap.itemsOfTasks(open);
  const roadmaps = new Map<string, Roadmap | null>();
  for (const id of new Set(open.map((t) => t.roadmapId))) roadmaps.set(id, await services.roadmap.getRoadmap(id));
  const people = await services.people.usersInScopes(open.map((t) => t.target.id));
  for (const task of open) {
    const roadmap = roadmaps.get(task.roadmapId);
    const item = items.get(task.itemId);
    if (!roadmap || !item || roadmap.owner.id !== ownerId) {
      result.done++;
      continue;
    }
    const to = people.filter((u) => u.scope?.id === partyScopeId(task, roadmap) && answersFor(u, task) && !u.unreachableAt);
    if (to.length === 0) {
      result.nobody++;
      continue;
    }
    result.nudged++;
    const days = daysBetween(localParts(now, await services.territory.timezoneOf(scopeOfTask(task))).day, task.due!);
    for (const u of to) {
      messages.push({ key: `${task.id}|pushed|${utcDay(now)}|${u.telegramId}`, kind: 'pushed', slot: utcDay(now), days, recipient: recipientOf(u), task: { id: task.id, due: task.due, target: task.target }, item: itemRef(item), roadmap: roadmapRef(roadmap), party: '' });
    }
  }
  await deps.sent.enqueue(messages, now);
  return result;
}
