import { runAdmin } from '../../src/cli/commands';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { createSettingsRepository } from '../../src/domain/shared/settings.repository';
import { isNudge, type Escalation } from '../../src/domain/reminders/outbox';
import { sentLog, sweep, type DeliveryOutcome, type OutboxMessage, type SweepDeps } from '../../src/domain/reminders/sweep';
import { atLocal } from '../../src/domain/reminders/working-time';
import { openTestDb, seedTerritory, testClock } from '../helpers/services';

/**
 * The sweep against the real database: a school task due Wednesday 31.03.2021 in Bodaibo (Irkutsk, UTC+8), its
 * head and curator, and the municipal coordinator; a fake delivery records what would reach Telegram.
 */
describe('the reminder sweep', () => {
  const time = testClock(new Date('2021-03-01T00:00:00Z'));
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  let delivered: OutboxMessage[];
  let deps: SweepDeps;
  const ZONE = 'Asia/Irkutsk';

  async function person(telegramId: number, role: 'head' | 'curator' | 'coordinator', scope: { level: 'organization' | 'municipality'; id: string }) {
    const invite = await db.services.people.createInvite({ role, scope });
    await db.services.people.redeemInvite({ code: invite.code, telegramId, chatId: telegramId, fullName: `Человек ${telegramId}`, position: 'должность', language: 'ru' });
  }

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
    await person(501, 'head', { level: 'organization', id: territory.school1.id });
    await person(502, 'curator', { level: 'organization', id: territory.school1.id });
    await person(503, 'coordinator', { level: 'municipality', id: territory.bodaibo.id });
    const context = { ownerLevel: 'municipality' as const, period: { start: '2021-01-01', end: '2024-12-31' }, referenceDate: '2021-01-15' };
    const item = withResponsible(newItem({ number: '1', section: null, name: 'Создание раздела «Наставничество» на сайте', deadline: 'до 31.03.2021', responsible: 'образовательные организации', documentKind: 'Ссылка' }, context), 'organizations', 'образовательные организации', context);
    await db.services.roadmap.publish({ title: 'Дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, { level: 'municipality', id: territory.bodaibo.id }, 'test');
    delivered = [];
    let messageId = 1000;
    deps = {
      services: db.services,
      sent: sentLog(db.conn),
      deliver: async (nudge): Promise<DeliveryOutcome> => {
        delivered.push(nudge);
        return { status: 'sent', messageId: ++messageId };
      },
    };
    await deps.sent.ensureIndexes();
  });
  afterAll(async () => db.close());

  const school1Task = async () => (await db.services.roadmap.tasksOf(territory.school1.id))[0]!.task;
  const sent = () => delivered.filter(isNudge).filter((n) => n.task.target.id === territory.school1.id).map((n) => `${n.kind} ${n.slot} → ${n.recipient.telegramId}`);
  const escalations = () => delivered.filter((m): m is Escalation => m.kind === 'escalation');

  it('a week before the due day, at 09:00 local, the head and the curator get one nudge each; a second sweep sends nothing', async () => {
    // Nothing of the task is due on Monday 1 March; at 09:00 there the coordinator gets only the weekly digest.
    const first = await sweep(deps, new Date('2021-03-01T01:00:00Z'));
    expect(first.nudges.map((n) => `${n.kind} → ${n.recipient.telegramId}`)).toEqual(['digest → 503']);
    // The kindergarten has nobody in the bot: its tasks reach only this digest.
    expect(first.nudges[0]).toMatchObject({ overdue: { tasks: 0 }, nobody: { count: 1, of: 2, top: [{ party: 'МКДОУ д/с № 5' }] } });
    await sweep(deps, atLocal('2021-03-24', 8 * 60 + 55, ZONE)); // 08:55 local: not yet
    expect(sent()).toEqual([]);
    await sweep(deps, atLocal('2021-03-24', 9 * 60 + 5, ZONE));
    expect(sent().sort()).toEqual(['before 2021-03-24 → 501', 'before 2021-03-24 → 502']);
    await sweep(deps, atLocal('2021-03-24', 9 * 60 + 10, ZONE));
    expect(sent()).toHaveLength(2);
  });

  it('two sweeps at the same moment (two instances) deliver each nudge once', async () => {
    const at = atLocal('2021-03-30', 9 * 60 + 1, ZONE);
    await Promise.all([sweep(deps, at), sweep(deps, at), sweep(deps, at)]);
    expect(sent().filter((s) => s.startsWith('before 2021-03-30')).sort()).toEqual(['before 2021-03-30 → 501', 'before 2021-03-30 → 502']);
  });

  it('after the bot was down, only the latest due nudge goes out, and the escalation reaches the coordinator', async () => {
    // Down from 30 March to Tuesday 6 April 10:00: the due-day nudge and the first overdue one (planned for Saturday
    // 3 April, moved to Monday 5 April) were missed; only the one of 6 April goes out.
    await sweep(deps, atLocal('2021-04-06', 10 * 60, ZONE));
    expect(sent().slice(4).sort()).toEqual(['overdue 2021-04-06 → 501', 'overdue 2021-04-06 → 502']);
    // One escalation for the item reaches the coordinator, listing every overdue school, the kindergarten's too
    // (nobody of it is in the bot).
    expect(escalations()).toHaveLength(1);
    expect(escalations()[0]).toMatchObject({ recipient: { telegramId: 503 }, slot: '2021-04-03', days: -3, due: '2021-03-31' });
    expect([...escalations()[0]!.parties].sort()).toEqual(['МБОУ СОШ № 1', 'МКДОУ д/с № 5']);
    const log = await deps.sent.ofTask((await school1Task()).id);
    expect(log.filter((l) => l.kind !== 'escalation').every((l) => l.status === 'sent' && l.messageId)).toBe(true);
    // The task's escalation is recorded once, as part of the one message that went to the coordinator.
    expect(log.filter((l) => l.kind === 'escalation').map((l) => l.status)).toEqual(['grouped']);
  });

  it('a task marked done gets no further nudges; a returned one is nudged again', async () => {
    const task = await school1Task();
    await db.services.roadmap.submit(territory.school1.id, task.id, [{ kind: 'link', url: 'https://school.example' }], 501);
    const before = delivered.length;
    await sweep(deps, atLocal('2021-04-09', 9 * 60 + 30, ZONE));
    expect(delivered.length).toBe(before);
    time.set(atLocal('2021-04-09', 10 * 60, ZONE));
    await db.services.roadmap.review({ level: 'municipality', id: territory.bodaibo.id }, task.id, 'returned', 503, 'Нет ссылки на раздел');
    await sweep(deps, atLocal('2021-04-09', 10 * 60 + 5, ZONE));
    expect(sent().slice(-2).sort()).toEqual(['overdue 2021-04-09 → 501', 'overdue 2021-04-09 → 502']);
    expect(escalations()).toHaveLength(1); // each task escalates once
  });

  it('npm run admin -- remind --at … --dry-run prints one line per nudge and «N nudges»', async () => {
    const lines: string[] = [];
    const admin = (argv: string[], deliver: SweepDeps['deliver'] | null = null) =>
      runAdmin(argv, { services: db.services, settings: createSettingsRepository(db.conn), out: (l) => lines.push(l), lang: 'ru', reminders: () => ({ sent: deps.sent, deliver }) });
    expect(await admin(['remind', '--at', '2021-04-12T09:30+08:00', '--dry-run'])).toBe(0);
    expect(lines).toEqual([
      'Человек 501 (501)  МБОУ СОШ № 1  п. 1 Создание раздела «Наставничество» на сайте  просрочено на 12 дн.',
      'Человек 502 (502)  МБОУ СОШ № 1  п. 1 Создание раздела «Наставничество» на сайте  просрочено на 12 дн.',
      'Человек 503 (503)  г. Бодайбо и район  еженедельная сводка',
      '3 nudges',
    ]);
    lines.length = 0;
    expect(await admin(['remind', '--at', '12 апреля', '--dry-run'])).toBe(2);
    expect(lines.join('\n')).toContain('--at 2021-03-30T09:00+08:00');
    lines.length = 0;
    expect(await admin(['remind', '--at', '2021-04-12T09:30+08:00'])).toBe(1);
    expect(lines.join('\n')).toContain('нужен BOT_TOKEN');
  });

  it('a dry run lists who would be nudged and records nothing', async () => {
    const at = atLocal('2021-04-12', 9 * 60 + 30, ZONE);
    const dry = await sweep(deps, at, { dryRun: true });
    expect(dry.nudges.map((n) => (isNudge(n) ? `${n.kind} ${n.slot} → ${n.recipient.telegramId}` : `${n.kind} → ${n.recipient.telegramId}`))).toEqual(['overdue 2021-04-12 → 501', 'overdue 2021-04-12 → 502', 'digest → 503']);
    const before = delivered.length;
    await sweep(deps, at);
    expect(delivered.length).toBe(before + 3);
  });

  it('a 403 marks the person unreachable, tells the coordinator once, and the next nudges skip them', async () => {
    const told: string[] = [];
    const blocking: SweepDeps = {
      ...deps,
      deliver: async (message) => {
        if (message.kind === 'notice') {
          told.push(`${message.recipient.telegramId}: ${message.person.fullName} (${message.party})`);
          return { status: 'sent', messageId: 2 };
        }
        delivered.push(message);
        return message.recipient.telegramId === 502 ? { status: 'failed', reason: '403 Forbidden: bot was blocked by the user', blocked: true } : { status: 'sent', messageId: 1 };
      },
    };
    await sweep(blocking, atLocal('2021-04-15', 9 * 60 + 30, ZONE));
    expect(told).toEqual(['503: Человек 502 (МБОУ СОШ № 1)']);
    expect((await db.services.people.getUser(502))?.unreachableAt).toBeDefined();
    const log = await deps.sent.ofTask((await school1Task()).id);
    expect(log.find((l) => l.recipient === 502 && l.slot === '2021-04-15')).toMatchObject({ status: 'failed', reason: '403 Forbidden: bot was blocked by the user' });
    await sweep(blocking, atLocal('2021-04-19', 9 * 60 + 30, ZONE));
    expect(sent().slice(-1)).toEqual(['overdue 2021-04-18 → 501']);
    expect(told).toHaveLength(1);
    // Writing to the bot again makes them reachable (the bot does this when any update of theirs arrives).
    await db.services.people.markReachable(502);
    expect((await db.services.people.getUser(502))?.unreachableAt).toBeUndefined();
  });
});
