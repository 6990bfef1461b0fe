import type { User } from '../people/people.types';
import type { Task } from '../roadmap/roadmap.types';
import type { Services } from '../services';
import type { Scope } from '../territory/territory.types';
import type { Digest, DigestLine } from './outbox';
import { policyOf } from './policy';
import { addDays, localParts, nextWorkingDay } from './working-time';
import { isWorkingDay } from './calendar';

const TOP = 10;

/** Monday of the week of a local day (YYYY-MM-DD). */
export function weekStart(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

/** The day the weekly digest goes out: Monday, or the first working day after it when Monday is a holiday. */
export function digestDay(day: string): string {
  const monday = weekStart(day);
  return isWorkingDay(monday) ? monday : nextWorkingDay(monday);
}

/** Whether a coordinator's digest of this week is due at `now` in their zone (from 09:00 on the digest day). */
export function digestDue(now: Date, timeZone: string): string | null {
  const local = localParts(now, timeZone);
  const day = digestDay(local.day);
  return local.day >= day && local.day <= addDays(weekStart(local.day), 6) ? weekStart(local.day) : null;
}

/**
 * The weekly digest of a coordinator's territory: overdue tasks by school (or municipality), the tasks due this
 * week, and the parties where nobody has joined the bot, whose tasks reach no one but this digest. Null when the
 * territory has no roadmap with the digest switched on.
 */
export async function buildDigest(services: Services, scope: Scope, recipient: Pick<User, 'telegramId' | 'chatId' | 'language' | 'fullName'>, today: string): Promise<Digest | null> {
  const roadmaps = (await services.roadmap.roadmapsOf([scope.id])).filter((r) => policyOf(r.policy).digest);
  if (roadmaps.length === 0) return null;
  const start = weekStart(today);
  const end = addDays(start, 6);
  const tasks: Task[] = [];
  const items = new Map<string, { number: string; name: string }>();
  for (const roadmap of roadmaps) {
    tasks.push(...(await services.roadmap.openTasksDueBy(roadmap.id, end)).filter((t) => t.target.level !== 'coordinator'));
    for (const item of await services.roadmap.itemsOf(roadmap.id)) items.set(item.id, { number: item.number.replace(/\.$/, ''), name: item.name });
  }
  // The parties of the territory and who of them is in the bot.
  const territory = await services.territory.nameOf(scope);
  const parties = new Map<string, string>();
  // A municipality's parties are its schools; a region's are its municipalities, and its schools where its
  // roadmap gives them tasks directly.
  if (scope.level === 'region') for (const m of await services.territory.listMunicipalities({ regionId: scope.id })) parties.set(m.id, m.name);
  if (scope.level !== 'region' || tasks.some((t) => t.target.level === 'organization')) for (const o of await services.territory.organizationsIn(scope)) parties.set(o.id, o.shortName);
  const people = await services.people.usersInScopes([...parties.keys()]);
  const joined = new Set(people.filter((u) => !u.unreachableAt && (u.role === 'head' || u.role === 'curator' || u.role === 'coordinator')).map((u) => u.scope!.id));

  const overdue = tasks.filter((t) => t.due! < today);
  const thisWeek = tasks.filter((t) => t.due! >= today && t.due! <= end);
  const lines = (list: Task[]): DigestLine[] => {
    const by = new Map<string, Task[]>();
    for (const t of list) by.set(t.target.id, [...(by.get(t.target.id) ?? []), t]);
    return [...by]
      .map(([id, ts]) => ({ party: parties.get(id) ?? '—', count: ts.length, items: [...new Set(ts.sort((a, b) => a.due!.localeCompare(b.due!)).map((t) => items.get(t.itemId)?.number ?? '?'))].slice(0, 5) }))
      .sort((a, b) => b.count - a.count || a.party.localeCompare(b.party, 'ru'));
  };
  const overdueLines = lines(overdue);
  const weekItems = new Map<string, { number: string; name: string; due: string; count: number }>();
  for (const t of thisWeek) {
    const key = `${t.itemId}|${t.due}`;
    const item = items.get(t.itemId);
    weekItems.set(key, { number: item?.number ?? '?', name: item?.name ?? '', due: t.due!, count: (weekItems.get(key)?.count ?? 0) + 1 });
  }
  // Nobody in the bot: every party of the territory without a reachable person, those with tasks first.
  const nobodyIds = [...parties.keys()].filter((id) => !joined.has(id));
  const nobodyLines = nobodyIds
    .map((id) => ({
      party: parties.get(id) ?? '—',
      count: overdue.filter((t) => t.target.id === id).length,
      dueThisWeek: thisWeek.filter((t) => t.target.id === id).length,
      items: [...new Set(overdue.filter((t) => t.target.id === id).map((t) => items.get(t.itemId)?.number ?? '?'))].slice(0, 5),
    }))
    .sort((a, b) => b.count + b.dueThisWeek - (a.count + a.dueThisWeek) || a.party.localeCompare(b.party, 'ru'));
  return {
    key: `digest|${start}|${recipient.telegramId}`,
    kind: 'digest',
    recipient,
    territory,
    week: { start, end },
    overdue: { tasks: overdue.length, parties: overdueLines.length, top: overdueLines.slice(0, TOP) },
    dueThisWeek: { tasks: thisWeek.length, items: [...weekItems.values()].sort((a, b) => a.due.localeCompare(b.due) || a.number.localeCompare(b.number, 'ru', { numeric: true })).slice(0, TOP) },
    nobody: { count: nobodyLines.length, of: parties.size, top: nobodyLines.slice(0, TOP) },
  };
}

