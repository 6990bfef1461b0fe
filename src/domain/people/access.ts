import type { User } from './people.types';

/**
 * Who may use which command. One table, so that the bot's handlers, its command menus and the access test all
 * read the same rules. 'guest' is anyone the bot does not know yet.
 */
export type Actor = 'guest' | 'head' | 'coordinator' | 'admin';

export const COMMANDS = ['start', 'help', 'me', 'lang', 'cancel', 'orgs', 'invite', 'mentors', 'counts', 'template', 'export'] as const;
export type Command = (typeof COMMANDS)[number];

export const ACCESS: Record<Command, readonly Actor[]> = {
  start: ['guest', 'head', 'coordinator', 'admin'],
  help: ['guest', 'head', 'coordinator', 'admin'],
  lang: ['guest', 'head', 'coordinator', 'admin'],
  cancel: ['guest', 'head', 'coordinator', 'admin'],
  me: ['head', 'coordinator', 'admin'],
  orgs: ['coordinator', 'admin'],
  invite: ['coordinator', 'admin'],
  // The register: a head keeps their school's; coordinators and the operator read their territory's.
  mentors: ['head', 'coordinator', 'admin'],
  counts: ['head', 'coordinator', 'admin'],
  template: ['head'],
  export: ['head', 'coordinator', 'admin'],
};

/** Every actor a user acts as: an operator who also coordinates a municipality is both. */
export function actorsOf(user: User | null | undefined): Actor[] {
  if (!user) return ['guest'];
  const actors: Actor[] = [];
  if (user.role === 'head') actors.push('head');
  if (user.role === 'coordinator') actors.push('coordinator');
  if (user.isAdmin) actors.push('admin');
  return actors.length > 0 ? actors : ['guest'];
}

export function canUse(command: Command, user: User | null | undefined): boolean {
  return actorsOf(user).some((a) => ACCESS[command].includes(a));
}

/** The commands a user's Telegram menu shows, in menu order. */
export function menuCommands(user: User | null | undefined): Command[] {
  const order: Command[] = ['mentors', 'counts', 'template', 'export', 'orgs', 'invite', 'me', 'help', 'lang', 'cancel'];
  const available = order.filter((c) => canUse(c, user));
  return actorsOf(user).includes('guest') ? ['start', ...available] : available;
}
