import type { User } from './people.types';

/**
 * Who may use which command. One table, so that the bot's handlers, its command menus and the access test all
 * read the same rules. 'guest' is anyone the bot does not know yet.
 */
export type Actor = 'guest' | 'head' | 'curator' | 'coordinator' | 'admin';

export const COMMANDS = ['start', 'help', 'me', 'lang', 'cancel', 'orgs', 'invite', 'mentors', 'counts', 'template', 'export', 'curators', 'tasks', 'review', 'roadmap', 'reminders', 'settings', 'status', 'overdue', 'schools', 'school', 'indicators', 'report', 'monitoring', 'request', 'practice', 'banks', 'meeting'] as const;
export type Command = (typeof COMMANDS)[number];

export const ACCESS: Record<Command, readonly Actor[]> = {
  start: ['guest', 'head', 'curator', 'coordinator', 'admin'],
  help: ['guest', 'head', 'curator', 'coordinator', 'admin'],
  lang: ['guest', 'head', 'curator', 'coordinator', 'admin'],
  cancel: ['guest', 'head', 'curator', 'coordinator', 'admin'],
  me: ['head', 'curator', 'coordinator', 'admin'],
  orgs: ['coordinator', 'admin'],
  invite: ['coordinator', 'admin'],
  // The register: a head, or the school's mentoring curator for them, keeps their school's; coordinators and the
  // operator read their territory's.
  mentors: ['head', 'curator', 'coordinator', 'admin'],
  counts: ['head', 'curator', 'coordinator', 'admin'],
  template: ['head', 'curator'],
  export: ['head', 'curator', 'coordinator', 'admin'],
  // Only the head decides who keeps the register with them.
  curators: ['head'],
  // Roadmap tasks: a school's (its head and curators) or a coordinator's own; coordinators review what came in.
  tasks: ['head', 'curator', 'coordinator'],
  // In one message: what a school still owes and its register; a coordinator's territory at a glance.
  status: ['head', 'curator', 'coordinator'],
  overdue: ['coordinator'],
  schools: ['coordinator'],
  school: ['coordinator'],
  review: ['coordinator'],
  roadmap: ['coordinator'],
  reminders: ['coordinator'],
  // A roadmap's reminder policy belongs to the coordinator who owns the roadmap.
  settings: ['coordinator'],
  // The 15 target indicators: a school's own for its head and curators; a territory's for its coordinator, who also
  // enters the territory's own figures (children living there, enterprises).
  indicators: ['head', 'curator', 'coordinator'],
  // One XLSX of the territory: roadmap matrix, register, indicators, monitoring.
  report: ['coordinator'],
  // The quarterly monitoring is started and followed by coordinators; heads answer it as a task (/tasks).
  monitoring: ['coordinator'],
  // A data request to every head of the territory: a task for each school.
  request: ['coordinator'],
  // School of Mentoring (seed 004): schools submit practices and programmes to the municipal bank…
  practice: ['head', 'curator'],
  // …the coordinator (the head of МШН) sees the banks and records МШН meetings.
  banks: ['coordinator'],
  meeting: ['coordinator'],
};

/** Every actor a user acts as: an operator who also coordinates a municipality is both. */
export function actorsOf(user: User | null | undefined): Actor[] {
  if (!user) return ['guest'];
  const actors: Actor[] = [];
  if (user.role === 'head') actors.push('head');
  if (user.role === 'curator') actors.push('curator');
  if (user.role === 'coordinator') actors.push('coordinator');
  if (user.isAdmin) actors.push('admin');
  return actors.length > 0 ? actors : ['guest'];
}

export function canUse(command: Command, user: User | null | undefined): boolean {
  return actorsOf(user).some((a) => ACCESS[command].includes(a));
}

/** The commands a user's Telegram menu shows, in menu order. */
export function menuCommands(user: User | null | undefined): Command[] {
  const order: Command[] = ['status', 'overdue', 'schools', 'indicators', 'tasks', 'review', 'roadmap', 'request', 'monitoring', 'report', 'reminders', 'settings', 'mentors', 'counts', 'practice', 'banks', 'meeting', 'template', 'export', 'curators', 'orgs', 'invite', 'me', 'help', 'lang', 'cancel'];
  const available = order.filter((c) => canUse(c, user));
  return actorsOf(user).includes('guest') ? ['start', ...available] : available;
}

/** Does this person keep the register of this school: its head or its mentoring curator. */
export function keepsRegisterOf(user: User | null | undefined, schoolId: string): boolean {
  return (user?.role === 'head' || user?.role === 'curator') && user.scope?.level === 'organization' && user.scope.id === schoolId;
}

/** Whose roadmap tasks this person works on: their school (head, curator) or their territory (coordinator). */
export function taskPartyOf(user: User | null | undefined): string | null {
  if (!user?.scope) return null;
  if ((user.role === 'head' || user.role === 'curator') && user.scope.level === 'organization') return user.scope.id;
  if (user.role === 'coordinator') return user.scope.id;
  return null;
}

/** A territory a coordinator answers for: it owns their roadmaps and they review its tasks. */
export type Territory = { level: 'municipality' | 'region'; id: string };

/** The territory of a coordinator, or null for anyone else. */
export function coordinatorTerritoryOf(user: User | null | undefined): Territory | null {
  if (user?.role !== 'coordinator' || !user.scope || user.scope.level === 'organization') return null;
  return { level: user.scope.level, id: user.scope.id };
}
