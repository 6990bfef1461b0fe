import mongoose from 'mongoose';
import { autoStartQuarter, reportingQuarter, roundDeadline } from '../../src/domain/monitoring/monitoring-calendar';
import { createMonitoringRepository } from '../../src/domain/monitoring/monitoring.repository';
import { MONITORING_ROADMAP_TITLE } from '../../src/domain/monitoring/monitoring.service';
import { withDeadline } from '../../src/domain/roadmap/roadmap-build';
import { sentLog } from '../../src/domain/reminders/outbox';
import { createServices, type Services } from '../../src/domain/services';
import { connectOptions } from '../../src/domain/shared/connection';
import { runMonitoringJob } from '../../src/jobs/monitoring';
import { MONGODB_TEST_URI, openTestDb, seedTerritory, testClock } from '../helpers/services';

describe('the quarter calendar of the monitoring', () => {
  it('opens a round from ten days before the quarter ends up to its deadline, the tenth day after', () => {
    expect(roundDeadline({ year: 2026, q: 4 })).toBe('2027-01-10');
    expect(roundDeadline({ year: 2027, q: 1 })).toBe('2027-04-10');
    expect(autoStartQuarter('2026-12-20')).toBeNull();
    expect(autoStartQuarter('2026-12-21')).toEqual({ year: 2026, q: 4 });
    expect(autoStartQuarter('2027-01-10')).toEqual({ year: 2026, q: 4 });
    expect(autoStartQuarter('2027-01-11')).toBeNull();
    expect(autoStartQuarter('2027-03-21')).toEqual({ year: 2027, q: 1 });
    expect(autoStartQuarter('2027-06-20')).toEqual({ year: 2027, q: 2 });
    // /monitoring is about the fourth quarter until its answers are due, then about the first.
    expect(reportingQuarter('2026-11-23')).toEqual({ year: 2026, q: 4 });
    expect(reportingQuarter('2027-01-05')).toEqual({ year: 2026, q: 4 });
    expect(reportingQuarter('2027-01-11')).toEqual({ year: 2027, q: 1 });
  });
});

/**
 * The monitoring job against the real database, as the scheduler runs it: every hour, from two instances at once,
 * after a crash in the middle of opening a round.
 */
describe('the monitoring job', () => {
  const time = testClock(new Date('2026-12-20T03:00:00Z'));
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let second: Services;
  let secondConn: mongoose.Connection;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const owner = () => ({ level: 'municipality' as const, id: territory.bodaibo.id });

  async function person(telegramId: number, role: 'head' | 'curator' | 'coordinator', scope: { level: 'organization' | 'municipality'; id: string }) {
    const invite = await db.services.people.createInvite({ role, scope });
    await db.services.people.redeemInvite({ code: invite.code, telegramId, chatId: telegramId, fullName: `Человек ${telegramId}`, position: 'должность', language: 'ru' });
  }
  async function round() {
    const map = await db.services.roadmap.findRoadmap(owner(), MONITORING_ROADMAP_TITLE);
    return map ? { map, items: await db.services.roadmap.itemsOf(map.id), tasks: await db.services.roadmap.tasksOfRoadmap(map.id) } : null;
  }
  const invitations = async (taskIds: string[]) => (await Promise.all(taskIds.map((id) => sentLog(db.conn).ofTask(id)))).flat().filter((e) => e.kind === 'monitoring');

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
    secondConn = mongoose.createConnection(`${MONGODB_TEST_URI.replace(/\/$/, '')}/${db.conn.name}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
    await secondConn.asPromise();
    second = createServices(secondConn, { clock: time.clock, inviteTtlDays: 14 }).services;
    await person(701, 'head', { level: 'organization', id: territory.school1.id });
    await person(702, 'coordinator', { level: 'municipality', id: territory.bodaibo.id });
  });
  afterAll(async () => {
    await secondConn.close();
    await db.close();
  });

  it('before 21.12 it opens nothing', async () => {
    expect(await runMonitoringJob(db.services, time.clock())).toEqual({ opened: 0, announced: 0 });
    expect(await round()).toBeNull();
  });

  it('on 21.12 before working hours it opens the round once, however many run at once, and tells nobody yet', async () => {
    time.set(new Date('2026-12-21T00:17:00Z')); // 08:17 in Bodaibo
    const runs = await Promise.all([db.services, second, db.services, second].map((s) => runMonitoringJob(s, time.clock())));
    expect(runs.reduce((n, r) => n + r.opened, 0)).toBe(1);
    expect(runs.reduce((n, r) => n + r.announced, 0)).toBe(0);
    const r = (await round())!;
    expect(r.items.map((i) => i.key)).toEqual(['monitoring|2026-Q4']);
    expect(r.tasks).toHaveLength(2); // the school and the kindergarten
    expect(new Set(r.tasks.map((t) => t.target.id)).size).toBe(2);
    // The default reminders: before the fourth quarter's deadline (10.01, after the New Year holidays) they come on
    // the last working days of December (see plannedNudges), so the round needs no policy of its own.
    expect(r.map.policy).toBeUndefined();
    expect(await invitations(r.tasks.map((t) => t.id))).toHaveLength(0);
  });

  it('at 09:17 the heads are told, once, whichever instance runs', async () => {
    time.set(new Date('2026-12-21T01:17:00Z')); // 09:17 in Bodaibo
    const runs = await Promise.all([runMonitoringJob(db.services, time.clock()), runMonitoringJob(second, time.clock())]);
    expect(runs.reduce((n, r) => n + r.opened, 0)).toBe(0);
    expect(runs.reduce((n, r) => n + r.announced, 0)).toBe(1);
    time.set(new Date('2026-12-21T02:17:00Z'));
    expect(await runMonitoringJob(second, time.clock())).toEqual({ opened: 0, announced: 0 });
    const r = (await round())!;
    const told = await invitations(r.tasks.map((t) => t.id));
    expect(told.map((e) => e.recipient)).toEqual([701]);
  });

  it('a round whose record was lost (the opener died after publishing) is recorded again, never published again', async () => {
    // The coordinator moved the deadline in the roadmap editor; then the round's record is lost.
    const before = (await round())!;
    const context = { ownerLevel: 'municipality' as const, period: before.map.period, referenceDate: before.map.referenceDate };
    const draft = await db.services.roadmap.draftOf(before.map);
    const moved = draft.items.map((i) => (i.key === 'monitoring|2026-Q4' ? withDeadline(i, 'до 15.01.2027', context)! : i));
    await db.services.roadmap.publish({ ...draft, items: moved }, owner(), 'test');
    const edited = (await round())!;
    expect(new Set(edited.tasks.map((t) => t.due))).toEqual(new Set(['2027-01-15']));
    await createMonitoringRepository(db.conn).deleteRound('monitoring|2026-Q4', territory.bodaibo.id);

    time.set(new Date('2026-12-22T02:17:00Z'));
    // Not opened again; the heads hear of the new deadline (its tasks are new) once.
    expect(await runMonitoringJob(second, time.clock())).toEqual({ opened: 0, announced: 1 });
    expect(await runMonitoringJob(db.services, time.clock())).toEqual({ opened: 0, announced: 0 });
    const after = (await round())!;
    expect(after.tasks.map((t) => [t.id, t.due]).sort()).toEqual(edited.tasks.map((t) => [t.id, t.due]).sort());
    expect((await db.services.monitoring.roundOf(territory.bodaibo.id, { year: 2026, q: 4 }))?.due).toBe('2027-01-15');
  });

  it('the next quarter’s round is one more item of the same roadmap; the last quarter’s tasks stay', async () => {
    time.set(new Date('2027-01-11T02:17:00Z'));
    expect((await runMonitoringJob(db.services, time.clock())).opened).toBe(0);
    time.set(new Date('2027-03-21T02:17:00Z'));
    expect((await runMonitoringJob(db.services, time.clock())).opened).toBe(1);
    const r = (await round())!;
    expect(r.items.map((i) => [i.key, i.deadline])).toEqual([
      ['monitoring|2026-Q4', 'до 15.01.2027'],
      ['monitoring|2027-Q1', 'до 10.04.2027'],
    ]);
    expect(r.tasks).toHaveLength(4);
  });
});
