import type { User } from '../people/people.types';
import type { TerritoryService } from '../territory/territory.service';
import type { Roadmap, Task } from './roadmap.types';

/**
 * Who answers for a task: a school's head and curators, a municipality's coordinators (a regional roadmap's
 * municipal tasks), or the roadmap owner's coordinators for their own tasks. The sweep nudges them, the review tells
 * them the decision.
 */
export function partyScopeId(task: Pick<Task, 'target'>, roadmap: Pick<Roadmap, 'owner'>): string {
  return task.target.level === 'coordinator' ? roadmap.owner.id : task.target.id;
}

/** The territory whose clock a task keeps: its municipality's, or the region's for a regional party. */
export function zoneScopeOf(task: Pick<Task, 'municipalityId' | 'regionId'>): { level: 'municipality' | 'region'; id: string } {
  return task.municipalityId ? { level: 'municipality', id: task.municipalityId } : { level: 'region', id: task.regionId };
}

/** Whether a person of the party's scope answers for the task (their role fits the kind of party). */
export function answersFor(user: Pick<User, 'role'>, task: Pick<Task, 'target'>): boolean {
  return task.target.level === 'organization' ? user.role === 'head' || user.role === 'curator' : user.role === 'coordinator';
}

/** The school or municipality a task belongs to, as a coordinator reads it; empty for the coordinator's own. */
export async function partyName(territory: TerritoryService, task: Pick<Task, 'target'>): Promise<string> {
  if (task.target.level === 'coordinator') return '';
  return territory.nameOf({ level: task.target.level, id: task.target.id });
}
