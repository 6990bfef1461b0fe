import { DEFAULT_POLICY, dueNow, nextNudgeAt, plannedNudges } from '../../src/domain/reminders/policy';
import { atLocal } from '../../src/domain/reminders/working-time';

const show = (zone: string) => (n: { kind: string; slot: string; at: Date }) => {
  const local = new Intl.DateTimeFormat('ru-RU', { timeZone: zone, weekday: 'short', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }).format(n.at);
  return `${n.kind} ${n.slot} → ${local}`;
};

describe('when a task is nudged', () => {
  it('7 and 1 days before, on the day, every 3 days overdue and one escalation on the 3rd day, in working slots', () => {
    // Due Wednesday 31.03.2021 in Irkutsk (UTC+8).
    const zone = 'Asia/Irkutsk';
    const plan = plannedNudges('2021-03-31', zone, DEFAULT_POLICY, atLocal('2021-04-10', 20 * 60, zone));
    expect(plan.map(show(zone))).toEqual([
      'before 2021-03-24 → ср, 24.03, 09:00',
      'before 2021-03-30 → вт, 30.03, 09:00',
      'due 2021-03-31 → ср, 31.03, 09:00',
      'overdue 2021-04-03 → пн, 05.04, 09:00', // Saturday → Monday
      'escalation 2021-04-03 → пн, 05.04, 09:00',
      'overdue 2021-04-06 → вт, 06.04, 09:00',
      'overdue 2021-04-09 → пт, 09.04, 09:00',
    ]);
  });

  it('a reminder before the deadline planned on a holiday comes on the working day before it, not after the deadline', () => {
    // Due Tuesday 04.05.2021: the day before is 3 May (a day off, after the 1–3 May weekend): «1 day before» comes on
    // Friday 30 April, 4 days before, instead of on the due day itself.
    const zone = 'Asia/Yekaterinburg';
    const plan = plannedNudges('2021-05-04', zone, DEFAULT_POLICY, atLocal('2021-05-04', 20 * 60, zone));
    expect(plan.map(show(zone))).toEqual(['before 2021-04-27 → вт, 27.04, 09:00', 'before 2021-04-30 → пт, 30.04, 09:00', 'due 2021-05-04 → вт, 04.05, 09:00']);
    expect(plan[1]!.days).toBe(4);
    // A deadline right after the New Year holidays (Monday 11.01.2021): 7 and 1 days before fall on the holidays,
    // so they come on the last working days of December, not on the due day.
    const newYear = plannedNudges('2021-01-11', zone, DEFAULT_POLICY, atLocal('2021-01-11', 20 * 60, zone));
    expect(newYear.map(show(zone))).toEqual(['before 2020-12-31 → чт, 31.12, 09:00', 'due 2021-01-11 → пн, 11.01, 09:00']);
  });

  it('nudges that land on one slot after a weekend leave only the more urgent', () => {
    // Overdue every day from Friday 02.04.2021: Saturday's, Sunday's and Monday's all come on Monday: one is sent.
    const zone = 'Asia/Yekaterinburg';
    const plan = plannedNudges('2021-04-02', zone, { before: [], onDue: false, overdueEvery: 1, escalateAfter: 10, digest: true }, atLocal('2021-04-05', 20 * 60, zone));
    expect(plan.map(show(zone))).toEqual(['overdue 2021-04-05 → пн, 05.04, 09:00']);
  });

  it('after a pause only the latest nudge is due, and the next one is known for the index', () => {
    const zone = 'Asia/Vladivostok';
    const now = atLocal('2021-04-07', 11 * 60, zone);
    const { party, escalation } = dueNow('2021-03-31', zone, DEFAULT_POLICY, now);
    expect(party && show(zone)(party)).toBe('overdue 2021-04-06 → вт, 06.04, 09:00');
    expect(escalation?.slot).toBe('2021-04-03');
    expect(nextNudgeAt('2021-03-31', zone, DEFAULT_POLICY, now)).toEqual(atLocal('2021-04-09', 9 * 60, zone));
  });
});
