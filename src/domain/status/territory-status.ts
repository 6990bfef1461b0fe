import { todayIn } from '../register/register-input';
import type { Task } from '../roadmap/roadmap.types';
import { addDays } from '../reminders/working-time';
import { nameKey } from '../shared/names';
import type { Services } from '../services';
import type { Scope } from '../territory/territory.types';

export interface PartyLine {
  id: string;
  name: string;
  overdue: number;
  /** Someone of it is in the bot (and reachable). */
  joined: boolean;
}

export interface TerritoryStatus {
  /** Schools (a municipality's) or municipalities (a region's) in the bot, out of all. */
  parties: { joined: number; of: number };
  tasks: { onTime: number; late: number; overdue: number; pending: number };
  /** The parties with the most overdue tasks, most first (ten). */
  mostOverdue: PartyLine[];
  /** A region's: one line per municipality, with its schools' figures. */
  municipalities?: { id: string; name: string; schoolsJoined: number; schools: number; overdue: number }[];
}

const isDone = (t: Task) => t.status === 'submitted' || t.status === 'accepted';

/** Every task of a territory's roadmaps that belongs to one of its parties (not the coordinator's own). */
async function territoryTasks(services: Services, scope: Scope): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const roadmap of await services.roadmap.roadmapsOf([scope.id])) tasks.push(...(await services.roadmap.tasksOfRoadmap(roadmap.id)).filter((t) => t.target.level !== 'coordinator'));
  return tasks;
}

/** Every overdue task of a territory by party, the party with most first; each party's tasks oldest first. */
export async function overdueByParty(services: Services, scope: Scope, today: string): Promise<{ party: string; tasks: { number: string; name: string; due: string }[] }[]> {
  const overdue = (await territoryTasks(services, scope)).filter((t) => !isDone(t) && t.due && t.due < today);
  const items = await services.roadmap.itemsOfTasks(overdue);
  const names = new Map<string, string>();
  for (const o of await services.territory.organizationsIn(scope)) names.set(o.id, o.shortName);
  if (scope.level === 'region') for (const m of await services.territory.listMunicipalities({ regionId: scope.id })) names.set(m.id, m.name);
  const by = new Map<string, Task[]>();
  for (const t of overdue) by.set(t.target.id, [...(by.get(t.target.id) ?? []), t]);
  return [...by]
    .map(([id, ts]) => ({
      party: names.get(id) ?? '—',
      tasks: ts.sort((a, b) => a.due!.localeCompare(b.due!)).map((t) => ({ number: items.get(t.itemId)?.number.replace(/\.$/, '') ?? '?', name: items.get(t.itemId)?.name ?? '', due: t.due! })),
    }))
    .sort((a, b) => b.tasks.length - a.tasks.length || a.party.localeCompare(b.party, 'ru'));
}

/**
 * A coordinator's territory at a glance: who of its parties is in the bot, its tasks done on time, late, overdue
 * and still ahead, and who is most overdue. A task counts as done on the day it was first submitted.
 */
export async function territoryStatus(services: Services, scope: Scope, today: string): Promise<TerritoryStatus> {
  const tasks = await territoryTasks(services, scope);
  const orgs = await services.territory.organizationsIn(scope);
  // A task is late when first sent after its due day, as a day in the territory's zone.
  const timeZone = await services.territory.timezoneOf(scope);
  const municipalities = scope.level === 'region' ? await services.territory.listMunicipalities({ regionId: scope.id }) : [];
  const names = new Map<string, string>([...orgs.map((o) => [o.id, o.shortName] as const), ...municipalities.map((m) => [m.id, m.name] as const)]);
  const people = await services.people.usersInScopes([...names.keys()]);
  const joined = new Set(people.filter((u) => !u.unreachableAt && u.role !== undefined).map((u) => u.scope!.id));

  const counts = { onTime: 0, late: 0, overdue: 0, pending: 0 };
  const overdueBy = new Map<string, number>();
  const overdueByMunicipality = new Map<string, number>();
  for (const t of tasks) {
    if (isDone(t)) {
      const first = t.submissions[0]?.at;
      const submitted = first ? todayIn(timeZone, new Date(first)) : undefined;
      if (t.due && submitted && submitted > t.due) counts.late++;
      else counts.onTime++;
    } else if (t.due && t.due < today) {
      counts.overdue++;
      overdueBy.set(t.target.id, (overdueBy.get(t.target.id) ?? 0) + 1);
      if (t.municipalityId) overdueByMunicipality.set(t.municipalityId, (overdueByMunicipality.get(t.municipalityId) ?? 0) + 1);
    } else counts.pending++;
  }
  // A municipality's parties are its schools; a region's, its municipalities (its roadmap's tasks are theirs).
  const partyIds = scope.level === 'region' ? municipalities.map((m) => m.id) : orgs.map((o) => o.id);
  const mostOverdue = [...overdueBy]
    .map(([id, overdue]) => ({ id, name: names.get(id) ?? '—', overdue, joined: joined.has(id) }))
    .sort((a, b) => b.overdue - a.overdue || a.name.localeCompare(b.name, 'ru'))
    .slice(0, 10);
  return {
    parties: { joined: partyIds.filter((id) => joined.has(id)).length, of: partyIds.length },
    tasks: counts,
    mostOverdue,
    ...(scope.level === 'region'
      ? {
          municipalities: municipalities.map((m) => {
            const schools = orgs.filter((o) => o.municipalityId === m.id);
            return { id: m.id, name: m.name, schoolsJoined: schools.filter((o) => joined.has(o.id)).length, schools: schools.length, overdue: overdueByMunicipality.get(m.id) ?? 0 };
          }),
        }
      : {}),
  };
}

export interface SchoolMark {
  id: string;
  name: string;
  overdue: number;
  /** Due within a week. */
  soon: number;
  joined: boolean;
}

/**
 * The organizations of a territory whose short or full name contains `search`: «сош 1», «СОШ № 1» and «школа №1»
 * find «МБОУ СОШ № 1», and «сош 1» does not find «СОШ № 10».
 */
export async function findSchools(services: Services, scope: Scope, search: string) {
  const norm = (text: string) => ` ${nameKey(text).replace(/[№#"'«»().,]/g, ' ').replace(/(\d+)/g, ' $1 ').replace(/\s+/g, ' ').trim()} `;
  const query = norm(search).trim();
  const pattern = new RegExp(` ${query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${/\d$/.test(query) ? ' ' : ''}`);
  return (await services.territory.organizationsIn(scope)).filter((o) => pattern.test(norm(o.shortName)) || pattern.test(norm(o.fullName)));
}

/**
 * The schools of a territory with what a coordinator looks for first (overdue, due within a week, nobody in the
 * bot), by name; `search` keeps those whose name contains it (see findSchools).
 */
export async function schoolMarks(services: Services, scope: Scope, today: string, search?: string): Promise<SchoolMark[]> {
  const orgs = search ? await findSchools(services, scope, search) : await services.territory.organizationsIn(scope);
  const week = addDays(today, 7);
  const tasks = (await territoryTasks(services, scope)).filter((t) => !isDone(t) && t.due);
  const people = await services.people.usersInScopes(orgs.map((o) => o.id));
  const joined = new Set(people.filter((u) => !u.unreachableAt && (u.role === 'head' || u.role === 'curator')).map((u) => u.scope!.id));
  const overdue = new Map<string, number>();
  const soon = new Map<string, number>();
  for (const t of tasks) {
    if (t.due! < today) overdue.set(t.target.id, (overdue.get(t.target.id) ?? 0) + 1);
    else if (t.due! <= week) soon.set(t.target.id, (soon.get(t.target.id) ?? 0) + 1);
  }
  return orgs
    .map((o) => ({ id: o.id, name: o.shortName, overdue: overdue.get(o.id) ?? 0, soon: soon.get(o.id) ?? 0, joined: joined.has(o.id) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'ru', { numeric: true }));
}
