import { CALENDAR_YEARS, isWorkingDay, workingDaysIn } from '../../src/domain/reminders/calendar';
import { atLocal, localParts, nextWorkingSlot } from '../../src/domain/reminders/working-time';

describe('the Russian production calendar', () => {
  // The official number of working days of each year (five-day week), as the published calendars give it.
  it.each([
    [2020, 248],
    [2021, 247],
    [2022, 247],
    [2023, 247],
    [2024, 248],
    [2025, 247],
    [2026, 247],
  ])('%i has %i working days', (year, days) => {
    expect(CALENDAR_YEARS).toContain(year);
    expect(workingDaysIn(year)).toBe(days);
  });

  it.each([
    ['2021-01-08', false, 'New Year holidays'],
    ['2021-01-11', true, 'the first working day of 2021'],
    ['2021-02-20', true, 'a working Saturday (its day off moved to 22 February)'],
    ['2021-02-22', false, 'the transferred day off'],
    ['2024-04-27', true, 'a working Saturday before the May holidays'],
    ['2024-04-29', false, 'a transferred day off'],
    ['2024-12-28', true, 'a working Saturday'],
    ['2025-05-08', false, '23 February of 2025 fell on a Sunday and moved here'],
    ['2025-06-13', false, '8 March of 2025 fell on a Saturday and moved here'],
    ['2026-03-09', false, '8 March 2026 is a Sunday'],
    ['2026-11-23', true, 'an ordinary Monday'],
    ['2026-11-22', false, 'a Sunday'],
    ['2027-06-14', false, 'a year without a decree: 12 June on a Saturday gives Monday off by the Labour Code'],
  ])('%s is a working day: %s (%s)', (day, working) => {
    expect(isWorkingDay(day)).toBe(working);
  });
});

describe('working hours in the four time zones of the seeds', () => {
  const zones = [
    ['Asia/Yekaterinburg', 5],
    ['Asia/Barnaul', 7],
    ['Asia/Irkutsk', 8],
    ['Asia/Vladivostok', 10],
  ] as const;

  it.each(zones)('%s (UTC+%i): 09:00 local is the right moment, and back', (zone, offset) => {
    const nine = atLocal('2021-03-30', 9 * 60, zone);
    expect(nine.toISOString()).toBe(new Date(Date.UTC(2021, 2, 30, 9 - offset, 0)).toISOString());
    expect(localParts(nine, zone)).toEqual({ day: '2021-03-30', minutes: 540 });
  });

  it.each(zones)('%s: a moment in working hours stays, one after 18:00 waits for 09:00 of the next working day', (zone) => {
    const tuesdayNoon = atLocal('2021-03-30', 12 * 60, zone);
    expect(nextWorkingSlot(tuesdayNoon, zone)).toEqual(tuesdayNoon);
    expect(nextWorkingSlot(atLocal('2021-03-30', 18 * 60, zone), zone)).toEqual(atLocal('2021-03-31', 9 * 60, zone));
    expect(nextWorkingSlot(atLocal('2021-03-31', 7 * 60, zone), zone)).toEqual(atLocal('2021-03-31', 9 * 60, zone));
    // Friday evening → Monday morning; Friday 30 April 2021 evening → Tuesday 4 May (1–3 May are days off).
    expect(nextWorkingSlot(atLocal('2021-04-02', 19 * 60, zone), zone)).toEqual(atLocal('2021-04-05', 9 * 60, zone));
    expect(nextWorkingSlot(atLocal('2021-04-30', 18 * 60 + 30, zone), zone)).toEqual(atLocal('2021-05-04', 9 * 60, zone));
  });

  it('the same UTC moment is working time in one zone and night in another', () => {
    const moment = new Date('2021-03-30T02:00:00Z'); // 07:00 in Yekaterinburg, 12:00 in Vladivostok
    expect(nextWorkingSlot(moment, 'Asia/Vladivostok')).toEqual(moment);
    expect(nextWorkingSlot(moment, 'Asia/Yekaterinburg')).toEqual(new Date('2021-03-30T04:00:00Z'));
  });
});
