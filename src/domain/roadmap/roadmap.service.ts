import type { Clock } from '../shared/clock';
import { nameKey } from '../shared/names';
import type { TerritoryService } from '../territory/territory.service';
import type { Organization, Scope } from '../territory/territory.types';
import { firstNudgeDay, policyOf, policyProblem, type PolicyProblem, type ReminderPolicy } from '../reminders/policy';
import { occurrences } from './deadline';
import { addDays } from '../reminders/working-time';
import type { NewTask, RoadmapRepository } from './roadmap.repository';
import type { Evidence, ItemDraft, Roadmap, RoadmapDraft, RoadmapItem, Task, TaskTarget } from './roadmap.types';

export interface PublishResult {
  roadmap: Roadmap;
  created: boolean;
  items: { added: number; updated: number; removed: number };
  tasks: { created: number; removed: number; kept: number; moved: number };
}

export type SubmitResult = { status: 'submitted'; task: Task } | { status: 'needs_document' | 'not_found' | 'not_open' };
export type ReviewResult = { status: 'done'; task: Task } | { status: 'not_found' | 'not_submitted' };

/** What a coordinator's scope may read and review: their own roadmaps, and a region's coordinator those of its municipalities too. */
function reaches(scope: Scope, roadmap: Roadmap, task?: Task): boolean {
  if (roadmap.owner.id === scope.id) return true;
  return scope.level === 'region' && task?.regionId === scope.id;
}

/**
 * Roadmaps: publishing a drafted document (items upserted by key, tasks fanned out per party and occurrence, a
 * second publish of the same roadmap updates it and never duplicates), the tasks of each party, their submission
 * with evidence and the coordinator's review.
 */
export function createRoadmapService(repo: RoadmapRepository, territory: TerritoryService, options: { clock: Clock }) {
  const { clock } = options;
  // Told when tasks stop being open (done, or gone from the roadmap): the reminders drop what they had queued.
  const closedListeners: ((taskIds: string[]) => Promise<void>)[] = [];
  const closed = async (taskIds: string[]) => {
    if (taskIds.length > 0) for (const listener of closedListeners) await listener(taskIds);
  };

  /** The parties an assignment fans out to within the roadmap owner's territory. */
  async function partiesOf(owner: Scope) {
    const organizations: Organization[] = await territory.organizationsIn(owner);
    const municipalities = owner.level === 'region' ? await territory.listMunicipalities({ regionId: owner.id }) : [];
    const view = await territory.describeScope(owner);
    return { organizations, municipalities, regionId: view?.region.id ?? owner.id, municipalityId: view?.municipality?.id };
  }

  const service = {
    /** Calls `listener` with the ids of tasks that stopped being open (submitted, or removed from their roadmap). */
    onTasksClosed(listener: (taskIds: string[]) => Promise<void>): void {
      closedListeners.push(listener);
    },

    /**
     * Publishes a draft for its owner: the roadmap with the same title of the same owner is updated in place. Items
     * keep their ids by key; tasks are made for each party and occurrence that has none yet; tasks of items or
     * occurrences no longer in the roadmap go, unless someone already submitted them.
     */
    async publish(draft: RoadmapDraft, owner: Scope, actor: number | string, fileName?: string, partial?: { position: number }): Promise<PublishResult> {
      const titleKey = nameKey(draft.title) || 'roadmap';
      const { roadmap, created } = await repo.upsertRoadmap({
        owner,
        title: draft.title,
        titleKey,
        period: draft.period,
        referenceDate: draft.referenceDate,
        fileName,
        publishedBy: actor,
        at: clock(),
      });
      const before = new Map((await repo.itemsOf(roadmap.id)).map((i) => [i.key, i]));
      const ids = await repo.saveItems(roadmap.id, draft.items.map((item, position) => ({ ...item, position: position + (partial?.position ?? 0) })));
      const keep = new Set(draft.items.map((i) => i.key));
      // A partial publish (appendItem) touches its own items only: what others added meanwhile stays.
      const removedItems = partial ? [] : [...before.values()].filter((i) => !keep.has(i.key));
      await repo.deleteItems(roadmap.id, removedItems.map((i) => i.id));

      const parties = await partiesOf(owner);
      // The sweep first looks at a new task the day before its first nudge, not the day it is published.
      const policy = policyOf(roadmap.policy);
      const today = clock().toISOString().slice(0, 10);
      const wanted: NewTask[] = [];
      for (const item of draft.items) {
        const itemId = ids.get(item.key)!;
        for (const assignment of item.assignments) {
          const orgTarget = (o: Organization) => ({ target: { level: 'organization', id: o.id } as TaskTarget, municipalityId: o.municipalityId, regionId: o.regionId });
          const targets: { target: TaskTarget; municipalityId?: string; regionId: string }[] =
            assignment.target === 'organizations'
              ? parties.organizations.map(orgTarget)
              : assignment.target === 'municipalities'
                ? parties.municipalities.map((m) => ({ target: { level: 'municipality', id: m.id }, municipalityId: m.id, regionId: m.regionId }))
                : [
                    { target: { level: 'coordinator', id: owner.id }, municipalityId: parties.municipalityId, regionId: parties.regionId },
                    // A school the item names by its name («МКОУ «СОШ № 3 г. Бодайбо»») gets the task too.
                    ...namedIn(assignment.who, parties.organizations).map(orgTarget),
                  ];
          const dates = occurrences(assignment.schedule, draft.period);
          const slots = dates.length > 0 ? dates : [{ start: null, due: null }];
          for (const t of targets) {
            for (const slot of slots) {
              const key = `${itemId}|${t.target.level}:${t.target.id}|${slot.due ?? '-'}`;
              wanted.push({ roadmapId: roadmap.id, itemId, ...t, key, due: slot.due, start: slot.start, nudgeDay: slot.due ? firstNudgeDay(slot.due, policy, today) : undefined });
            }
          }
        }
      }
      const existing = await repo.taskKeys(roadmap.id);
      const wantedKeys = new Set(wanted.map((t) => t.key));
      const touched = new Set(draft.items.map((i) => ids.get(i.key)!));
      const fresh = dedupe(wanted.filter((t) => !existing.has(t.key)));
      const stale = [...existing].filter(([key]) => !wantedKeys.has(key) && (!partial || touched.has(key.split('|')[0]!)));
      // A deadline moved: a party's task that was already sent, accepted or returned moves to the new due day with
      // its history instead of being replaced by a new open one (only where the party has as many due days as before).
      const moves = pairMoved(stale, fresh);
      const moved = new Set(moves.map((m) => m.taskId));
      for (const m of moves) {
        const nudgeDay = m.status === 'returned' && m.to.due ? firstNudgeDay(m.to.due, policy, today) : null;
        await repo.moveDue(m.taskId, { key: m.to.key, due: m.to.due, start: m.to.start, nudgeDay });
      }
      const taken = new Set(moves.map((m) => m.to.key));
      const createdTasks = await repo.insertTasks(fresh.filter((t) => !taken.has(t.key)));
      const obsolete = stale.filter(([, t]) => !moved.has(t.id) && (t.status === 'open' || t.status === 'returned')).map(([, t]) => t.id);
      await repo.deleteTasks(obsolete);
      // Queued nudges of removed tasks, and of moved ones (planned for the old day), are dropped.
      await closed([...obsolete, ...moves.filter((m) => m.status === 'returned').map((m) => m.taskId)]);
      return {
        roadmap,
        created,
        items: { added: draft.items.filter((i) => !before.has(i.key)).length, updated: draft.items.filter((i) => before.has(i.key)).length, removed: removedItems.length },
        tasks: { created: createdTasks, removed: obsolete.length, kept: existing.size - obsolete.length - moves.length, moved: moves.length },
      };
    },

    /**
     * Adds one item to the owner's roadmap of this title, made when there is none yet (a coordinator's data
     * requests, the quarterly monitoring), and publishes it: each party gets its task, nudged and reviewed like any
     * other. An item with the same key is replaced; the roadmap's other items and their tasks stay as they are.
     */
    async appendItem(owner: Scope, title: string, item: ItemDraft, actor: number | string): Promise<{ roadmap: Roadmap; item: RoadmapItem; tasksCreated: number }> {
      const existing = await repo.findRoadmap(owner.id, nameKey(title) || 'roadmap');
      const today = clock().toISOString().slice(0, 10);
      const items = existing ? await repo.itemsOf(existing.id) : [];
      const position = items.find((i) => i.key === item.key)?.position ?? items.reduce((max, i) => Math.max(max, i.position), -1) + 1;
      const period = existing?.period ?? { start: today, end: addDays(today, 365) };
      const dues = item.assignments.flatMap((a) => occurrences(a.schedule, period)).map((o) => o.due ?? '');
      const end = dues.reduce((a, b) => (b > a ? b : a), period.end);
      // Only this item is published: two coordinators appending at once never drop each other's item.
      const result = await service.publish(
        { title: existing?.title ?? title, period: { ...period, end }, referenceDate: existing?.referenceDate ?? today, sections: 0, items: [item] },
        owner,
        actor,
        existing?.fileName,
        { position },
      );
      const saved = (await repo.itemsOf(result.roadmap.id)).find((i) => i.key === item.key)!;
      return { roadmap: result.roadmap, item: saved, tasksCreated: result.tasks.created };
    },

    /** An item of one of this owner's roadmaps, with its roadmap; null for anyone else's (a guessed id). */
    async ownItem(ownerId: string, itemId: string): Promise<{ roadmap: Roadmap; item: RoadmapItem } | null> {
      const item = await repo.findItem(itemId);
      const roadmap = item ? await repo.getRoadmap(item.roadmapId) : null;
      return item && roadmap && roadmap.owner.id === ownerId ? { roadmap, item } : null;
    },

    /**
     * A coordinator's reminder policy for one of their roadmaps (null: back to the default). The open tasks are
     * looked at again from the day before their first nudge under the new policy, so a nudge the change brings
     * forward is not missed. Returns the problem when the policy is outside the bounds, or null when saved.
     */
    async setPolicy(ownerId: string, roadmapId: string, policy: ReminderPolicy | null): Promise<PolicyProblem | 'not_found' | null> {
      const roadmap = await repo.getRoadmap(roadmapId);
      if (!roadmap || roadmap.owner.id !== ownerId) return 'not_found';
      const problem = policy ? policyProblem(policy) : null;
      if (problem) return problem;
      await repo.setPolicy(roadmap.id, policy);
      const effective = policyOf(policy);
      const today = clock().toISOString().slice(0, 10);
      for (const item of await repo.itemsOf(roadmap.id)) {
        for (const due of await repo.openDues(item.id)) await repo.setNudgeDayOf(item.id, due, firstNudgeDay(due, effective, today));
      }
      return null;
    },

    /** A roadmap of this owner (a guessed id of another territory's finds nothing). */
    async ownRoadmap(ownerId: string, roadmapId: string): Promise<Roadmap | null> {
      const roadmap = await repo.getRoadmap(roadmapId);
      return roadmap && roadmap.owner.id === ownerId ? roadmap : null;
    },

    /** Items of a roadmap as drafts, to change one and publish them again. */
    async draftOf(roadmap: Roadmap): Promise<RoadmapDraft> {
      const items = await repo.itemsOf(roadmap.id);
      return {
        title: roadmap.title,
        period: roadmap.period,
        referenceDate: roadmap.referenceDate,
        sections: new Set(items.map((i) => i.section).filter(Boolean)).size,
        items: items.map(({ id: _id, roadmapId: _roadmap, position: _position, ...draft }) => draft),
      };
    },

    /** How the tasks of a roadmap stand: by status, and how many are overdue on `today`. */
    async taskStats(roadmapId: string, today: string): Promise<Record<Task['status'] | 'overdue', number>> {
      const stats = { open: 0, returned: 0, submitted: 0, accepted: 0, overdue: 0 };
      for (const task of await repo.tasksOfRoadmap(roadmapId)) {
        stats[task.status]++;
        if ((task.status === 'open' || task.status === 'returned') && task.due && task.due < today) stats.overdue++;
      }
      return stats;
    },

    findRoadmap(owner: Scope, title: string): Promise<Roadmap | null> {
      return repo.findRoadmap(owner.id, nameKey(title) || 'roadmap');
    },

    roadmapsOf(ownerIds: string[]): Promise<Roadmap[]> {
      return repo.roadmapsOf(ownerIds);
    },

    itemsOf: repo.itemsOf,
    tasksOfRoadmap: repo.tasksOfRoadmap,
    tasksOfRoadmapIn: repo.tasksOfRoadmapIn,
    tasksToNudge: repo.tasksToNudge,
    setNudgeDay: repo.setNudgeDay,
    setNudgeDays: repo.setNudgeDays,
    openTasksDueBy: repo.openTasksDueBy,
    getTask: repo.getTask,
    getRoadmap: repo.getRoadmap,
    itemsOfTasks: repo.itemsOfTasks,

    /** A party's tasks with their items: overdue and soonest first, open-ended ones last. */
    async tasksOf(targetId: string, statuses?: Task['status'][]): Promise<{ task: Task; item: RoadmapItem }[]> {
      const tasks = await repo.tasksOf(targetId, statuses ? { statuses } : {});
      const items = await repo.itemsOfTasks(tasks);
      return tasks
        .filter((t) => items.has(t.itemId))
        .map((task) => ({ task, item: items.get(task.itemId)! }))
        .sort((a, b) => (a.task.due ?? '9999').localeCompare(b.task.due ?? '9999') || a.item.position - b.item.position);
    },

    /** One task of this party, with its item and roadmap; null for anyone else's (a guessed id finds nothing). */
    async taskOf(targetId: string, taskId: string): Promise<{ task: Task; item: RoadmapItem; roadmap: Roadmap } | null> {
      const task = await repo.getTask(taskId);
      if (!task || task.target.id !== targetId) return null;
      const [item, roadmap] = await Promise.all([repo.getItem(task.roadmapId, task.itemId), repo.getRoadmap(task.roadmapId)]);
      return item && roadmap ? { task, item, roadmap } : null;
    },

    /**
     * A party marks a task done with evidence. An item that expects a document (its «Вид документа») needs a file
     * or a link; a comment alone is not enough for it.
     */
    async submit(targetId: string, taskId: string, evidence: Evidence[], actor: number): Promise<SubmitResult> {
      const found = await this.taskOf(targetId, taskId);
      if (!found) return { status: 'not_found' };
      if (found.item.documentKind.trim() && !evidence.some((e) => e.kind === 'file' || e.kind === 'link')) return { status: 'needs_document' };
      if (evidence.length === 0) return { status: 'needs_document' };
      const task = await repo.moveTask(taskId, targetId, ['open', 'returned'], 'submitted', { submissions: { at: clock(), by: actor, evidence } });
      if (!task) return { status: 'not_open' };
      await closed([taskId]);
      // A coordinator's own task is confirmed by the coordinator's own evidence: nobody above reviews it in the bot.
      if (task.target.level === 'coordinator') {
        const accepted = await repo.moveTask(taskId, targetId, ['submitted'], 'accepted', { reviews: { at: clock(), by: actor, decision: 'accepted' } });
        return { status: 'submitted', task: accepted ?? task };
      }
      return { status: 'submitted', task };
    },

    /**
     * A party's task done and accepted at once, with no review: the quarterly monitoring's questionnaire is its own
     * evidence (a coordinator does not review two hundred of them). A task already accepted keeps its status and gets
     * the new evidence (the school answered again). Null when the task is not this party's.
     */
    async complete(targetId: string, taskId: string, evidence: Evidence[], actor: number): Promise<Task | null> {
      const at = clock();
      const submission = { at, by: actor, evidence };
      const done = await repo.moveTask(taskId, targetId, ['open', 'returned', 'submitted'], 'accepted', { submissions: submission, reviews: { at, by: actor, decision: 'accepted' } });
      if (done) {
        await closed([taskId]);
        return done;
      }
      return repo.moveTask(taskId, targetId, ['accepted'], 'accepted', { submissions: submission });
    },

    /** A coordinator accepts a submitted task or returns it with a reason (it opens again). */
    async review(scope: Scope, taskId: string, decision: 'accepted' | 'returned', actor: number, reason?: string): Promise<ReviewResult> {
      const task = await repo.getTask(taskId);
      const roadmap = task ? await repo.getRoadmap(task.roadmapId) : null;
      if (!task || !roadmap || !reaches(scope, roadmap, task)) return { status: 'not_found' };
      const to = decision === 'accepted' ? 'accepted' : 'returned';
      const moved = await repo.moveTask(
        taskId,
        task.target.id,
        ['submitted'],
        to,
        { reviews: { at: clock(), by: actor, decision, ...(reason ? { reason } : {}) } },
        to === 'returned' ? clock().toISOString().slice(0, 10) : undefined,
      );
      return moved ? { status: 'done', task: moved } : { status: 'not_submitted' };
    },

    /** What waits for this coordinator's review: submitted tasks of the roadmaps their scope owns, oldest first. */
    async reviewQueue(scope: Scope): Promise<{ task: Task; item: RoadmapItem; roadmap: Roadmap }[]> {
      const roadmaps = await repo.roadmapsOf([scope.id]);
      const out: { task: Task; item: RoadmapItem; roadmap: Roadmap }[] = [];
      for (const roadmap of roadmaps) {
        const tasks = await repo.tasksOfRoadmap(roadmap.id, ['submitted']);
        const items = await repo.itemsOfTasks(tasks);
        for (const task of tasks) if (items.has(task.itemId)) out.push({ task, item: items.get(task.itemId)!, roadmap });
      }
      const submittedAt = (t: Task) => t.submissions.at(-1)?.at.getTime() ?? 0;
      return out.sort((a, b) => submittedAt(a.task) - submittedAt(b.task));
    },

    /** A task with its item and roadmap, for a coordinator whose territory it is in; null for anyone else. */
    async taskForReview(scope: Scope, taskId: string): Promise<{ task: Task; item: RoadmapItem; roadmap: Roadmap } | null> {
      const task = await repo.getTask(taskId);
      const roadmap = task ? await repo.getRoadmap(task.roadmapId) : null;
      if (!task || !roadmap || !reaches(scope, roadmap, task)) return null;
      const item = await repo.getItem(task.roadmapId, task.itemId);
      return item ? { task, item, roadmap } : null;
    },
  };
  return service;
}

/** The organizations of the territory a responsible text names by their short or full name. */
function namedIn(who: string, organizations: Organization[]): Organization[] {
  const text = nameKey(who);
  return organizations.filter((o) => {
    const short = nameKey(o.shortName);
    return (short.length >= 6 && text.includes(short)) || text.includes(nameKey(o.fullName));
  });
}

/** One task per key: an item naming the same party twice (two parts, the same deadline) gets one task. */
function dedupe(tasks: NewTask[]): NewTask[] {
  const seen = new Set<string>();
  return tasks.filter((t) => (seen.has(t.key) ? false : (seen.add(t.key), true)));
}


/**
 * Stale tasks that move to a fresh slot: of one item and party, paired in due order, when the party has as many
 * fresh slots as stale tasks (a deadline changed, not added or dropped). Open tasks have nothing to keep: they are
 * replaced as before; tasks already sent, accepted or returned keep their history on the new day.
 */
function pairMoved(stale: [string, { id: string; status: Task['status'] }][], fresh: NewTask[]): { taskId: string; status: Task['status']; to: NewTask }[] {
  const party = (key: string) => key.slice(0, key.lastIndexOf('|'));
  const freshBy = new Map<string, NewTask[]>();
  for (const t of fresh) freshBy.set(party(t.key), [...(freshBy.get(party(t.key)) ?? []), t]);
  const staleBy = new Map<string, [string, { id: string; status: Task['status'] }][]>();
  for (const entry of stale) staleBy.set(party(entry[0]), [...(staleBy.get(party(entry[0])) ?? []), entry]);
  const moves: { taskId: string; status: Task['status']; to: NewTask }[] = [];
  for (const [group, olds] of staleBy) {
    const news = freshBy.get(group) ?? [];
    if (news.length !== olds.length) continue;
    const byDue = (a: string | null, b: string | null) => (a ?? '9999').localeCompare(b ?? '9999');
    // A slot without a due day is keyed '-': it sorts last, as a fresh one without a due day does.
    const dueOf = (key: string) => (key.endsWith('|-') ? null : key.slice(key.lastIndexOf('|') + 1));
    olds.sort((a, b) => byDue(dueOf(a[0]), dueOf(b[0])));
    news.sort((a, b) => byDue(a.due, b.due));
    olds.forEach(([, t], i) => {
      if (t.status !== 'open') moves.push({ taskId: t.id, status: t.status, to: news[i]! });
    });
  }
  return moves;
}

export type RoadmapService = ReturnType<typeof createRoadmapService>;
