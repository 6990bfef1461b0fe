import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { isNudge } from '../../src/domain/reminders/outbox';
import { drain, sentLog, sweep, type OutboxMessage, type SweepDeps } from '../../src/domain/reminders/sweep';
import { atLocal } from '../../src/domain/reminders/working-time';
import { startReminderJob } from '../../src/jobs/reminders';
import { silentLogger } from '../../src/logger';
import { openTestDb, seedTerritory, testClock } from '../helpers/services';

/** A coordinator's own policy (/settings) decides when a roadmap's tasks are nudged and escalated. */
describe('a roadmap with its own reminder policy', () => {
  const time = testClock(new Date('2021-03-01T00:00:00Z'));
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  let deps: SweepDeps;
  let roadmapId: string;
  const delivered: OutboxMessage[] = [];
  const ZONE = 'Asia/Irkutsk';
  const got = () => delivered.map((m) => `${m.kind}${isNudge(m) ? ` ${m.slot}` : ''} → ${m.recipient.telegramId}`);

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
    for (const [id, role, scope] of [
      [601, 'head', { level: 'organization', id: territory.school1.id }],
      [603, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }],
    ] as const) {
      const invite = await db.services.people.createInvite({ role, scope });
      await db.services.people.redeemInvite({ code: invite.code, telegramId: id, chatId: id, fullName: `Человек ${id}`, position: 'должность', language: 'ru' });
    }
    const context = { ownerLevel: 'municipality' as const, period: { start: '2021-01-01', end: '2021-12-31' }, referenceDate: '2021-01-15' };
    const item = withResponsible(newItem({ number: '2', section: null, name: 'Приказ о наставничестве', deadline: 'до 31.03.2021', responsible: 'образовательные организации', documentKind: 'Приказ' }, context), 'organizations', 'образовательные организации', context);
    const published = await db.services.roadmap.publish({ title: 'Дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, { level: 'municipality', id: territory.bodaibo.id }, 'test');
    roadmapId = published.roadmap.id;
    deps = { services: db.services, sent: sentLog(db.conn), deliver: async (m) => (delivered.push(m), { status: 'sent', messageId: 1 }) };
    await deps.sent.ensureIndexes();
  });
  afterAll(async () => db.close());

  it('refuses a policy outside the bounds and another territory changing it', async () => {
    const owner = territory.bodaibo.id;
    expect(await db.services.roadmap.setPolicy(owner, roadmapId, { before: [45], onDue: true, overdueEvery: 3, escalateAfter: 3, digest: true })).toBe('before_range');
    expect(await db.services.roadmap.setPolicy(owner, roadmapId, { before: [7], onDue: true, overdueEvery: 0, escalateAfter: 3, digest: true })).toBe('overdue_range');
    expect(await db.services.roadmap.setPolicy(territory.artemovsky.id, roadmapId, { before: [3], onDue: true, overdueEvery: 2, escalateAfter: 1, digest: false })).toBe('not_found');
    expect((await db.services.roadmap.getRoadmap(roadmapId))?.policy).toBeUndefined();
  });

  it('3 days before instead of 7, overdue every 2 days, escalation on the 1st day, no digest', async () => {
    expect(await db.services.roadmap.setPolicy(territory.bodaibo.id, roadmapId, { before: [3], onDue: false, overdueEvery: 2, escalateAfter: 1, digest: false })).toBeNull();
    await sweep(deps, atLocal('2021-03-24', 9 * 60 + 5, ZONE)); // 7 days before: the default would nudge today
    expect(got()).toEqual([]);
    // 3 days before is Sunday 28 March: the reminder comes on the working day before it, Friday 26 March; nothing
    // more on Monday 29 March, and no digest that Monday.
    await sweep(deps, atLocal('2021-03-26', 9 * 60 + 5, ZONE));
    expect(got()).toEqual(['before 2021-03-26 → 601']);
    await sweep(deps, atLocal('2021-03-29', 9 * 60 + 5, ZONE));
    expect(got()).toHaveLength(1);
    await sweep(deps, atLocal('2021-03-31', 9 * 60 + 5, ZONE)); // the due day: switched off
    expect(got()).toHaveLength(1);
    await sweep(deps, atLocal('2021-04-01', 9 * 60 + 5, ZONE)); // 1 day overdue: the coordinator hears of it
    expect(got().slice(1)).toEqual(['escalation → 603']);
    await sweep(deps, atLocal('2021-04-02', 9 * 60 + 5, ZONE)); // 2 days overdue: the school is nudged
    expect(got().slice(2)).toEqual(['overdue 2021-04-02 → 601']);
  });

  it('the running bot delivers what is queued from the bot at once (a kick), not at the next round', async () => {
    const job = startReminderJob(deps, () => atLocal('2021-04-02', 11 * 60, ZONE), silentLogger);
    const before = delivered.length;
    await deps.sent.enqueue([{ key: 'test|notice', kind: 'notice', recipient: { telegramId: 603, chatId: 603, language: 'ru' }, person: { telegramId: 601, fullName: 'Человек 601' }, party: 'МБОУ СОШ № 1' }], new Date());
    job.kick();
    for (let i = 0; i < 100 && delivered.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await job.stop();
    expect(delivered.slice(before).map((m) => m.key)).toEqual(['test|notice']);
    expect((await deps.sent.get('test|notice'))?.status).toBe('sent');
  });

  it('a task done while its nudge waits in the queue: the nudge is not sent', async () => {
    const at = atLocal('2021-04-05', 9 * 60 + 5, ZONE); // Monday: the next overdue nudge (planned for Sunday)
    const planned = await sweep(deps, at, { deliver: false });
    expect(planned.queued).toBe(1);
    const task = (await db.services.roadmap.tasksOf(territory.school1.id))[0]!.task;
    await db.services.roadmap.submit(territory.school1.id, task.id, [{ kind: 'link', url: 'https://school.example/prikaz' }], 601);
    const before = delivered.length;
    expect(await drain(deps, at)).toEqual([]);
    expect(delivered).toHaveLength(before);
    expect((await deps.sent.ofTask(task.id)).at(-1)).toMatchObject({ kind: 'overdue', status: 'skipped' });
  });
});
