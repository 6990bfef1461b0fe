import type { User as TgUser } from 'grammy/types';
import { menuCommands } from '../../src/domain/people/access';
import { translator } from '../../src/bot/i18n';
import { person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

const t = translator('ru');
const DENIED = [t('access.guest'), t('access.denied')];

// Written out by hand on purpose: this is the rule the issue states, checked against what the bot does.
const TABLE: Record<string, Record<string, boolean>> = {
  guest: { start: true, help: true, lang: true, cancel: true, me: false, orgs: false, invite: false, mentors: false, counts: false, template: false, export: false, curators: false, tasks: false, review: false, roadmap: false, reminders: false, settings: false, status: false, overdue: false, schools: false, school: false },
  head: { start: true, help: true, lang: true, cancel: true, me: true, orgs: false, invite: false, mentors: true, counts: true, template: true, export: true, curators: true, tasks: true, review: false, roadmap: false, reminders: false, settings: false, status: true, overdue: false, schools: false, school: false },
  curator: { start: true, help: true, lang: true, cancel: true, me: true, orgs: false, invite: false, mentors: true, counts: true, template: true, export: true, curators: false, tasks: true, review: false, roadmap: false, reminders: false, settings: false, status: true, overdue: false, schools: false, school: false },
  coordinator: { start: true, help: true, lang: true, cancel: true, me: true, orgs: true, invite: true, mentors: true, counts: true, template: false, export: true, curators: false, tasks: true, review: true, roadmap: true, reminders: true, settings: true, status: true, overdue: true, schools: true, school: true },
  admin: { start: true, help: true, lang: true, cancel: true, me: true, orgs: true, invite: true, mentors: true, counts: true, template: false, export: true, curators: false, tasks: false, review: false, roadmap: false, reminders: false, settings: false, status: false, overdue: false, schools: false, school: false },
};

describe('access: role × command', () => {
  let h: Harness;
  const people: Record<string, TgUser> = {
    guest: person(7001),
    head: person(7002),
    curator: person(7005),
    coordinator: person(7003),
    admin: person(7004),
  };

  beforeAll(async () => {
    h = await createHarness();
    const territory = await seedTerritory(h.services);
    await h.register(people.head!, 'head', { level: 'organization', id: territory.school1.id });
    await h.register(people.curator!, 'curator', { level: 'organization', id: territory.school1.id });
    await h.register(people.coordinator!, 'coordinator', { level: 'municipality', id: territory.bodaibo.id });
    await h.services.people.makeAdmin(people.admin!.id);
  });
  afterAll(async () => h.close());

  const cases = Object.entries(TABLE).flatMap(([actor, row]) => Object.entries(row).map(([command, allowed]) => [actor, command, allowed] as const));

  it.each(cases)('%s sending /%s: allowed = %s', async (actor, command, allowed) => {
    const from = people[actor]!;
    h.telegram.clear();
    await h.send(from, `/${command}`);
    await h.send(from, '/cancel'); // leave whatever dialogue the command opened
    const reply = h.telegram.textsTo(from.id)[0];
    expect(reply).toBeDefined();
    if (allowed) expect(DENIED).not.toContain(reply);
    else expect(DENIED).toContain(reply);
  });

  it('the command menu of each role lists exactly what that role may use', () => {
    expect(menuCommands(null)).toEqual(['start', 'help', 'lang', 'cancel']);
    expect(menuCommands({ telegramId: 1, isAdmin: false, role: 'head' })).toEqual(['status', 'indicators', 'tasks', 'mentors', 'counts', 'practice', 'template', 'export', 'curators', 'me', 'help', 'lang', 'cancel']);
    expect(menuCommands({ telegramId: 1, isAdmin: false, role: 'curator' })).toEqual(['status', 'indicators', 'tasks', 'mentors', 'counts', 'practice', 'template', 'export', 'me', 'help', 'lang', 'cancel']);
    expect(menuCommands({ telegramId: 1, isAdmin: false, role: 'coordinator' })).toEqual(['status', 'overdue', 'schools', 'indicators', 'tasks', 'review', 'roadmap', 'request', 'monitoring', 'report', 'reminders', 'settings', 'mentors', 'counts', 'banks', 'meeting', 'export', 'orgs', 'invite', 'me', 'help', 'lang', 'cancel']);
    expect(menuCommands({ telegramId: 1, isAdmin: true })).toEqual(['mentors', 'counts', 'export', 'orgs', 'invite', 'me', 'help', 'lang', 'cancel']);
  });

  it('a guest who writes anything is told how to get an invite', async () => {
    h.telegram.clear();
    await h.send(people.guest!, 'Здравствуйте, как записаться?');
    expect(h.telegram.lastTextTo(people.guest!.id)).toContain('ссылку-приглашение');
  });
});
