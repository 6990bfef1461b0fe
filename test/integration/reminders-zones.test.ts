import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { isNudge } from '../../src/domain/reminders/outbox';
import { sentLog, sweep, type OutboxMessage, type SweepDeps } from '../../src/domain/reminders/sweep';
import { openTestDb, testClock } from '../helpers/services';

/**
 * One regional roadmap over the four seed time zones (UTC+5, +7, +8, +10): a task due Wednesday 31.03.2021 for a
 * school in each. The same UTC moment is working time in some zones and not yet in others.
 */
describe('sweeps across the four time zones, weekends, holidays and quiet hours', () => {
  const time = testClock(new Date('2021-03-01T00:00:00Z'));
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let delivered: OutboxMessage[];
  let deps: SweepDeps;
  const SCHOOLS = [
    ['Asia/Yekaterinburg', 'Артемовский городской округ', 'Школа УТЦ+5'],
    ['Asia/Barnaul', 'г. Горно-Алтайск', 'Школа УТЦ+7'],
    ['Asia/Irkutsk', 'г. Бодайбо и район', 'Школа УТЦ+8'],
    ['Asia/Vladivostok', 'Кировский муниципальный район', 'Школа УТЦ+10'],
  ] as const;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    await db.services.territory.importTable({
      rows: [
        { row: 1, cells: ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'] },
        ...SCHOOLS.map(([zone, municipality, school], i) => ({ row: i + 2, cells: ['Сводный регион', municipality, zone, `${school} (полное)`, school, 'школа'] })),
      ],
    });
    const region = (await db.services.territory.listRegions())[0]!;
    for (const [i, org] of (await db.services.territory.listOrganizations()).entries()) {
      const invite = await db.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: org.id } });
      await db.services.people.redeemInvite({ code: invite.code, telegramId: 700 + i, chatId: 700 + i, fullName: org.shortName, position: 'директор', language: 'ru' });
    }
    const context = { ownerLevel: 'region' as const, period: { start: '2021-01-01', end: '2021-12-31' }, referenceDate: '2021-01-15' };
    const item = withResponsible(newItem({ number: '1', section: null, name: 'Приказ о внедрении ЦМН', deadline: 'до 31.03.2021', responsible: 'ОО', documentKind: 'Приказ' }, context), 'organizations', 'ОО', context);
    await db.services.roadmap.publish({ title: 'Региональная дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, { level: 'region', id: region.id }, 'test');
    delivered = [];
    deps = { services: db.services, sent: sentLog(db.conn), deliver: async (n) => (delivered.push(n), { status: 'sent', messageId: 1 }) };
    await sweep(deps, new Date('2021-03-01T00:30:00Z'));
  });
  afterAll(async () => db.close());

  // Each head is named after their school.
  const got = () => delivered.filter(isNudge).map((n) => `${n.recipient.fullName}: ${n.kind} ${n.slot}`).sort();

  it('at 02:30 UTC on 24.03 the schools where it is already 09:00 get the week-ahead nudge; Yekaterinburg (07:30) waits', async () => {
    await sweep(deps, new Date('2021-03-24T02:30:00Z'));
    expect(got()).toEqual(['Школа УТЦ+10: before 2021-03-24', 'Школа УТЦ+7: before 2021-03-24', 'Школа УТЦ+8: before 2021-03-24']);
    await sweep(deps, new Date('2021-03-24T04:00:00Z')); // 09:00 in Yekaterinburg
    expect(got()).toHaveLength(4);
  });

  it('after 18:00 local nothing goes out until 09:00 of the next working day', async () => {
    delivered.length = 0;
    // 30.03 09:00 UTC: 14:00 in Yekaterinburg, 19:00 in Vladivostok — the Vladivostok school had its nudge at 09:00 local.
    await sweep(deps, new Date('2021-03-29T23:30:00Z')); // 09:30 in Vladivostok on the 30th: only there
    expect(got()).toEqual(['Школа УТЦ+10: before 2021-03-30']);
    await sweep(deps, new Date('2021-03-30T12:00:00Z')); // 17:00 in Yekaterinburg; 19:00 and 20:00 in +7/+8: they wait
    expect(got()).toEqual(['Школа УТЦ+10: before 2021-03-30', 'Школа УТЦ+5: before 2021-03-30']);
    await sweep(deps, new Date('2021-03-31T02:05:00Z')); // 09:05 in Barnaul, 10:05 in Irkutsk on the due day
    expect(got().filter((g) => g.includes('УТЦ+7') || g.includes('УТЦ+8'))).toEqual(['Школа УТЦ+7: due 2021-03-31', 'Школа УТЦ+8: due 2021-03-31']);
  });

  it('a nudge due on Saturday 3 April (3 days overdue) comes on Monday 5 April in every zone', async () => {
    delivered.length = 0;
    await sweep(deps, new Date('2021-04-03T05:00:00Z')); // Saturday, 10:00–15:00 local everywhere
    expect(got().filter((g) => g.includes('overdue'))).toEqual([]);
    await sweep(deps, new Date('2021-04-05T05:00:00Z')); // Monday
    expect(got().filter((g) => g.includes('overdue 2021-04-03'))).toHaveLength(4);
  });

  it('a sweep killed in the middle and run again sends the rest, and nothing twice', async () => {
    delivered.length = 0;
    let calls = 0;
    const dying: SweepDeps = {
      ...deps,
      deliver: async (n) => {
        if (++calls === 2) throw new Error('killed'); // the process dies while handing over the second nudge
        delivered.push(n);
        return { status: 'sent', messageId: 1 };
      },
    };
    await expect(sweep(dying, new Date('2021-04-06T05:00:00Z'))).rejects.toThrow('killed');
    const beforeRestart = delivered.length;
    expect(beforeRestart).toBeLessThan(4);
    // The restarted sweep delivers what the dead one had queued and not yet taken.
    await sweep(deps, new Date('2021-04-06T05:05:00Z'));
    // Four schools: the one being handed over when it died is not sent again (at most once: Telegram cannot tell a
    // resend from a new message); every other school gets its nudge exactly once.
    expect(delivered).toHaveLength(3);
    expect(new Set(delivered.map((n) => n.key)).size).toBe(3);
  });
});
