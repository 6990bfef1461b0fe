import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { DeadlineContext, Every, Schedule, occurrences, parseDeadline } from '../../src/domain/roadmap/deadline';

// The four seed roadmaps (test/fixtures/seeds): their periods and reference dates (the order's date).
const SEED_000: DeadlineContext = { period: { start: '2021-01-01', end: '2024-12-31' }, ref: '2021-05-28' };
const SEED_002: DeadlineContext = { period: { start: '2020-11-02', end: '2024-12-31' }, ref: '2020-11-02' };
const SEED_003: DeadlineContext = { period: { start: '2020-01-01', end: '2021-12-31' }, ref: '2020-06-01' };
const SEED_004: DeadlineContext = { period: { start: '2023-09-01', end: '2024-12-31' }, ref: '2024-04-05' };

type Expected = Omit<Schedule, 'input'>;

const NONE = { due: null, start: null, every: null, times: null, parts: null, on: null };
const date = (due: string): Expected => ({ ...NONE, kind: 'date', due });
const period = (start: string, due: string): Expected => ({ ...NONE, kind: 'period', start, due });
const recurring = (every: Every, times: number, start: string, due: string | null, on: string | null = null): Expected => ({
  ...NONE,
  kind: 'recurring',
  every,
  times,
  start,
  due,
  on,
});
const OPEN: Expected = { ...NONE, kind: 'open' };
const UNKNOWN: Expected = { ...NONE, kind: 'unknown' };

function expectReading(input: string, context: DeadlineContext, expected: Expected): void {
  expect(parseDeadline(input, context)).toEqual({ input, ...expected });
}

describe('rule 1: a day is a date', () => {
  it.each<[string, DeadlineContext, string]>([
    // seed 002
    ['До 09.11.2020', SEED_002, '2020-11-09'],
    ['До 20.11.2020', SEED_002, '2020-11-20'],
    ['До 01.12.2020', SEED_002, '2020-12-01'],
    ['До 11.11.2020', SEED_002, '2020-11-11'],
    ['в срок до 09.11.2020.', SEED_002, '2020-11-09'],
    // seed 003
    ['15 июля 2020 года', SEED_003, '2020-07-15'],
    ['28 июля 2020 года', SEED_003, '2020-07-28'],
    ['20 июля 2020 года', SEED_003, '2020-07-20'],
    ['10 августа 2020 года', SEED_003, '2020-08-10'],
    ['20 августа 2020 года', SEED_003, '2020-08-20'],
    ['До 1 сентября 2020 года', SEED_003, '2020-09-01'],
    ['До 1 августа 2020 года', SEED_003, '2020-08-01'],
    ['До 10 августа 2020 года', SEED_003, '2020-08-10'],
    ['До 1 ноября 2020 года', SEED_003, '2020-11-01'],
    ['До 1 января 2021 года', SEED_003, '2021-01-01'],
    // seed 004
    ['в срок до 01.05.2024 года', SEED_004, '2024-05-01'],
    // the examples
    ['не позднее 25.12.2021', SEED_000, '2021-12-25'],
    ['к 1 сентября 2022 г.', SEED_000, '2022-09-01'],
    ['До 09.11.2020.', SEED_002, '2020-11-09'],
  ])('reads «%s» as due that day', (input, context, due) => {
    expectReading(input, context, date(due));
  });

  it.each<[string, string, string]>([
    ['до 20.08.21', '2021-05-28', '2021-08-20'],
    ['до 1.9.22', '2021-05-28', '2022-09-01'],
  ])('takes the two-digit year of «%s» as 20xx', (input, ref, due) => {
    expectReading(input, { ...SEED_000, ref }, date(due));
  });

  it.each<[string, string, string]>([
    ['до 25 мая', '2021-05-28', '2022-05-25'],
    ['до 25 мая', '2021-05-25', '2021-05-25'],
    ['до 25 мая', '2021-01-10', '2021-05-25'],
    ['к 1 сентября', '2021-05-28', '2021-09-01'],
  ])('gives «%s» without a year the first such day on or after the reference date %s', (input, ref, due) => {
    expectReading(input, { ...SEED_000, ref }, date(due));
  });

  it.each(['31.02.2021', 'до 31.02.2021', 'до 30 февраля 2021 года', 'до 01.13.2021', 'до 29.02.2021'])(
    'does not read the impossible date «%s»',
    (input) => {
      expectReading(input, SEED_000, UNKNOWN);
    },
  );

  it.each<[string, string]>([
    ['  ДО\u00a009.11.2020. ', '2020-11-09'],
    ['до  09.11.2020г.', '2020-11-09'],
    ['В СРОК ДО 01.12.2020', '2020-12-01'],
    ['\n\nДо 09.11.2020\n', '2020-11-09'],
  ])('ignores case, spaces, line breaks, non-breaking spaces and trailing dots in %j', (input, due) => {
    expectReading(input, SEED_002, date(due));
  });
});

describe('rule 2: a month, quarter, half-year, year or range of them is a period', () => {
  it.each<[string, DeadlineContext, string, string]>([
    // seed 000
    ['I квартал 2021 г.', SEED_000, '2021-01-01', '2021-03-31'],
    ['II квартал 2021 г.', SEED_000, '2021-04-01', '2021-06-30'],
    ['III квартал 2021 г.', SEED_000, '2021-07-01', '2021-09-30'],
    ['2022-2024 гг.', SEED_000, '2022-01-01', '2024-12-31'],
    ['2021-2023гг.', SEED_000, '2021-01-01', '2023-12-31'],
    ['2021-2024 гг.', SEED_000, '2021-01-01', '2024-12-31'],
    ['2021-2024 г.г.', SEED_000, '2021-01-01', '2024-12-31'],
    // seed 002: its indicator table and «В течении 4 квартала» (no year: the quarter around the order's date)
    ['2024 год', SEED_002, '2024-01-01', '2024-12-31'],
    ['В течении 4 квартала', SEED_002, '2020-10-01', '2020-12-31'],
    // seed 003
    ['Июнь-июль    2020 года', SEED_003, '2020-06-01', '2020-07-31'],
    ['Август 2020 года', SEED_003, '2020-08-01', '2020-08-31'],
    ['Сентябрь - октябрь 2020 года', SEED_003, '2020-09-01', '2020-10-31'],
    ['Сентябрь 2020 года', SEED_003, '2020-09-01', '2020-09-30'],
    ['Октябрь 2020 года ', SEED_003, '2020-10-01', '2020-10-31'],
    ['Февраль 2021 года', SEED_003, '2021-02-01', '2021-02-28'],
    ['Апрель-май 2021 года', SEED_003, '2021-04-01', '2021-05-31'],
    ['Сентябрь-октябрь 2021 года', SEED_003, '2021-09-01', '2021-10-31'],
    ['2020 – 2021 гг.', SEED_003, '2020-01-01', '2021-12-31'],
    // the examples
    ['Сентябрь 2021', SEED_000, '2021-09-01', '2021-09-30'],
    ['2 полугодие 2021', SEED_000, '2021-07-01', '2021-12-31'],
    ['2022 год', SEED_000, '2022-01-01', '2022-12-31'],
    ['01.09.2021 – 31.05.2022', SEED_000, '2021-09-01', '2022-05-31'],
    ['с 1 сентября по 31 декабря 2021 года', SEED_000, '2021-09-01', '2021-12-31'],
    ['в сентябре 2021 года', SEED_000, '2021-09-01', '2021-09-30'],
    ['в 2022 году', SEED_000, '2022-01-01', '2022-12-31'],
    ['первое полугодие 2022 г.', SEED_000, '2022-01-01', '2022-06-30'],
    ['четвёртый квартал 2021', SEED_000, '2021-10-01', '2021-12-31'],
    ['Июнь—июль 2020 года', SEED_003, '2020-06-01', '2020-07-31'],
    ['сентябрь 2021 – март 2022', SEED_000, '2021-09-01', '2022-03-31'],
  ])('reads «%s» as the period from its first to its last day', (input, context, start, due) => {
    expectReading(input, context, period(start, due));
  });

  it.each<[string, string, string]>([
    ['Июнь-июль    \n2020 года', '2020-06-01', '2020-07-31'],
    ['Июнь-июль\n2020 года', '2020-06-01', '2020-07-31'],
    ['Май\n2021 года', '2021-05-01', '2021-05-31'],
  ])('reads the seed 003 cell %j across its line break', (input, start, due) => {
    expectReading(input, SEED_003, period(start, due));
  });

  it.each<[string, string, string]>([
    ['сентябрь', '2021-09-01', '2021-09-30'],
    ['май', '2021-05-01', '2021-05-31'],
    ['апрель', '2022-04-01', '2022-04-30'],
    ['I квартал', '2022-01-01', '2022-03-31'],
    ['2 полугодие', '2021-07-01', '2021-12-31'],
    ['сентябрь-март', '2021-09-01', '2022-03-31'],
  ])('gives «%s» without a year the first such period ending on or after the reference date', (input, start, due) => {
    expectReading(input, SEED_000, period(start, due)); // ref 2021-05-28
  });

  it('reads «Сентябрь-март 2020 года» as September 2020 – March 2021, the reading inside the roadmap period', () => {
    expectReading('Сентябрь-март 2020 года', SEED_003, period('2020-09-01', '2021-03-31'));
  });

  it('takes September 2019 – March 2020 when only that reading is inside the period', () => {
    const context = { period: { start: '2019-01-01', end: '2020-12-31' }, ref: '2019-06-01' };
    expectReading('Сентябрь-март 2020 года', context, period('2019-09-01', '2020-03-31'));
  });

  it.each<[string, DeadlineContext]>([
    ['both readings are inside', { period: { start: '2019-01-01', end: '2021-12-31' }, ref: '2019-06-01' }],
    ['neither reading is inside', { period: { start: '2022-01-01', end: '2024-12-31' }, ref: '2022-01-01' }],
    ['the period starts after September 2020 (seed 002)', SEED_002],
  ])('leaves «Сентябрь-март 2020 года» unknown when %s', (_why, context) => {
    expectReading('Сентябрь-март 2020 года', context, UNKNOWN);
  });

  it.each(['2024-2022 гг.', '5 квартал 2021', '3 полугодие 2021', '31.05.2022 – 01.09.2021', 'до сентября 2021', 'до 2022 года'])(
    'does not read «%s»',
    (input) => {
      expectReading(input, SEED_000, UNKNOWN);
    },
  );
});

describe('rule 3: a school year runs from 1 September to 31 May', () => {
  it.each<[string, DeadlineContext, string, string]>([
    ['В течение 2020/2021 учебного года', SEED_003, '2020-09-01', '2021-05-31'],
    ['2020/2021 учебный год', SEED_003, '2020-09-01', '2021-05-31'],
    ['в течение 2021-2022 учебного года', SEED_000, '2021-09-01', '2022-05-31'],
    ['2021-2022 уч. год', SEED_000, '2021-09-01', '2022-05-31'],
    ['2021/22 учебный год', SEED_000, '2021-09-01', '2022-05-31'],
    ['в течение учебного года', SEED_000, '2020-09-01', '2021-05-31'],
    ['в течение учебного года', { ...SEED_000, ref: '2021-06-15' }, '2021-09-01', '2022-05-31'],
  ])('reads «%s» as that school year', (input, context, start, due) => {
    expectReading(input, context, period(start, due));
  });

  it('does not read a school year whose years are not consecutive', () => {
    expectReading('2021/2023 учебный год', SEED_000, UNKNOWN);
  });
});

describe('rule 4: the end of a span is a date, «С …» runs to the end of the roadmap period', () => {
  it.each<[string, string]>([
    ['До конца 2022 года', '2022-12-31'],
    ['к концу 2021/2022 учебного года', '2022-05-31'],
    ['до конца III квартала 2022 г.', '2022-09-30'],
    ['до конца года', '2021-12-31'],
  ])('reads «%s» as due on the last day', (input, due) => {
    expectReading(input, SEED_000, date(due));
  });

  it.each<[string, DeadlineContext, string, string]>([
    ['С 2022 г.', SEED_000, '2022-01-01', '2024-12-31'],
    ['с 01.12.2020г.', SEED_002, '2020-12-01', '2024-12-31'],
    ['начиная с сентября 2021 года', SEED_000, '2021-09-01', '2024-12-31'],
  ])('reads «%s» as a period from its first day to the end of the roadmap period', (input, context, start, due) => {
    expectReading(input, context, period(start, due));
  });

  it('does not read «С 2025 г.» when the roadmap period ends before it', () => {
    expectReading('С 2025 г.', SEED_000, UNKNOWN);
  });
});

describe('rule 5: the whole period', () => {
  it.each<[string, DeadlineContext]>([
    ['В течение всего периода', SEED_000],
    ['В течение всего периода', SEED_002],
    ['весь период', SEED_000],
    ['Постоянно', SEED_003],
    ['в течении всего периода', SEED_000],
  ])('reads «%s» as the roadmap period', (input, context) => {
    expectReading(input, context, period(context.period.start, context.period.end));
  });
});

describe('rule 6: recurrence', () => {
  it.each<[string, DeadlineContext, Every, number, string | null]>([
    // seeds
    ['Ежегодно', SEED_000, 'year', 1, '2021-12-31'],
    ['Ежегодно', SEED_002, 'year', 1, '2020-12-31'],
    ['Ежегодно, по итогам периода', SEED_002, 'year', 1, '2020-12-31'],
    ['не реже 2-х раз за учебный год', SEED_004, 'school-year', 2, '2024-05-31'],
    // the examples (ref 2021-05-28)
    ['ежеквартально', SEED_000, 'quarter', 1, '2021-06-30'],
    ['ежемесячно', SEED_000, 'month', 1, '2021-05-31'],
    ['1 раз в полугодие', SEED_000, 'half-year', 1, '2021-06-30'],
    ['не реже 2-х раз за учебный год', SEED_000, 'school-year', 2, '2021-05-31'],
    ['дважды в год', SEED_000, 'year', 2, '2021-06-30'],
    ['не менее трех раз в год', SEED_000, 'year', 3, '2021-08-31'],
    ['ежегодно, по итогам года', SEED_000, 'year', 1, '2021-12-31'],
  ])('reads «%s» as recurring, due at the first end of a unit on or after the reference date', (input, context, every, times, due) => {
    expectReading(input, context, recurring(every, times, context.period.start, due));
  });

  it.each<[string, string, string]>([
    ['ежегодно до 25 мая', '05-25', '2022-05-25'],
    ['ежегодно ко Дню учителя', '10-05', '2021-10-05'],
  ])('reads «%s» as yearly on a named day', (input, on, due) => {
    expectReading(input, SEED_000, recurring('year', 1, '2021-01-01', due, on));
  });

  it('counts from the period start when the reference date comes before it', () => {
    const context = { period: { start: '2021-01-01', end: '2024-12-31' }, ref: '2020-06-01' };
    expectReading('Ежегодно', context, recurring('year', 1, '2021-01-01', '2021-12-31'));
  });

  it('has no due date when no occurrence is left in the period', () => {
    const context = { period: { start: '2021-01-01', end: '2022-12-31' }, ref: '2023-03-01' };
    expectReading('Ежегодно', context, recurring('year', 1, '2021-01-01', null));
  });

  it.each(['ежегодно, по итогам квартала', 'не реже чем один раз в три года', 'ежегодно до 29 февраля', '20 раз в год', 'ежегодно в мае'])(
    'does not read «%s»',
    (input) => {
      expectReading(input, SEED_000, UNKNOWN);
    },
  );
});

describe('rule 7: open deadlines have no due date', () => {
  it.each(['По мере необходимости', 'По доп. сообщению', 'по дополнительному сообщению', 'По отдельному графику', 'по запросу'])(
    'reads «%s» as open',
    (input) => {
      expectReading(input, SEED_002, OPEN);
    },
  );
});

describe('rule 8: named days', () => {
  it.each<[string, DeadlineContext, string]>([
    ['День учителя октябрь 2021 года', SEED_003, '2021-10-05'],
    ['ко Дню учителя 2022', SEED_000, '2022-10-05'],
    ['ко Дню учителя', SEED_000, '2021-10-05'],
    ['к Дню знаний', SEED_000, '2021-09-01'],
    ['День знаний 2022', SEED_000, '2022-09-01'],
  ])('reads «%s» as that day', (input, context, due) => {
    expectReading(input, context, date(due));
  });

  it('does not read a named day with another month («День учителя ноябрь 2021 года»)', () => {
    expectReading('День учителя ноябрь 2021 года', SEED_003, UNKNOWN);
  });
});

describe('rule 9: several deadlines in one phrase', () => {
  it.each(['До 09.11.2020 Далее- по мере необходимости', 'До 09.11.2020 Далее - по мере необходимости', 'До 09.11.2020, далее по мере необходимости'])(
    'reads «%s» as a date, then open',
    (input) => {
      expectReading(input, SEED_002, {
        ...NONE,
        kind: 'multiple',
        due: '2020-11-09',
        parts: [
          { input: 'До 09.11.2020', ...date('2020-11-09') },
          { input: 'по мере необходимости', ...OPEN },
        ],
      });
    },
  );

  it('takes the earliest due date of the parts', () => {
    const schedule = parseDeadline('До 01.12.2020; до 09.11.2020', SEED_002);
    expect(schedule).toMatchObject({ kind: 'multiple', due: '2020-11-09', start: null, every: null, times: null, on: null });
    expect(schedule.parts?.map((p) => p.due)).toEqual(['2020-12-01', '2020-11-09']);
  });

  it('reads «В течение всего периода, ежеквартально» as one quarterly recurrence over the period', () => {
    expectReading('В течение всего периода, ежеквартально', SEED_002, recurring('quarter', 1, '2020-11-02', '2020-12-31'));
  });

  it('leaves the phrase unknown when one of its parts cannot be read (seed 002 indicators)', () => {
    for (const input of [
      'Первый год внедрения целевой модели наставничества, далее - сохранение показателя на уровне не ниже минимального значения',
      'Первый год внедрения целевой модели наставничества, далее - не реже одного раза в год',
      'Первый год внедрения целевой модели наставничества, далее - не реже чем один раз в три года',
      'До 09.11.2020 Далее - когда-нибудь',
    ]) {
      expectReading(input, SEED_002, UNKNOWN);
    }
  });
});

describe('rule 10: anything else is unknown', () => {
  it.each(['когда-нибудь', '', '   ', 'в ближайшее время', 'Первый год внедрения целевой модели', 'сентябрь-понедельник 2021', '15 брюмера 2021'])(
    'reads «%s» as unknown with every other field empty',
    (input) => {
      expectReading(input, SEED_000, UNKNOWN);
    },
  );

  it('reads a phrase of only spaces and line breaks as unknown, keeping the input as given', () => {
    expectReading(' \n\u00a0\n ', SEED_000, UNKNOWN);
  });
});

describe('occurrences: one due date per task', () => {
  const YEARS_2021_2024 = { start: '2021-01-01', end: '2024-12-31' };

  it('gives a yearly recurrence over 2021–2024 four due dates, none before the period start', () => {
    expect(occurrences(parseDeadline('Ежегодно', SEED_000), YEARS_2021_2024)).toEqual([
      { start: '2021-01-01', due: '2021-12-31' },
      { start: '2022-01-01', due: '2022-12-31' },
      { start: '2023-01-01', due: '2023-12-31' },
      { start: '2024-01-01', due: '2024-12-31' },
    ]);
  });

  it('keeps the first year when the period starts mid-year, starting it at the period start', () => {
    const dues = occurrences(parseDeadline('Ежегодно', SEED_002), SEED_002.period);
    expect(dues[0]).toEqual({ start: '2020-11-02', due: '2020-12-31' });
    expect(dues.map((o) => o.due)).toEqual(['2020-12-31', '2021-12-31', '2022-12-31', '2023-12-31', '2024-12-31']);
  });

  it('gives a quarterly recurrence the end of each quarter', () => {
    expect(occurrences(parseDeadline('ежеквартально', SEED_000), { start: '2021-01-01', end: '2021-12-31' })).toEqual([
      { start: '2021-01-01', due: '2021-03-31' },
      { start: '2021-04-01', due: '2021-06-30' },
      { start: '2021-07-01', due: '2021-09-30' },
      { start: '2021-10-01', due: '2021-12-31' },
    ]);
  });

  it('splits a school year in two for «не реже 2-х раз за учебный год»: 31 December and 31 May', () => {
    expect(occurrences(parseDeadline('не реже 2-х раз за учебный год', SEED_004), SEED_004.period)).toEqual([
      { start: '2023-09-01', due: '2023-12-31' },
      { start: '2024-01-01', due: '2024-05-31' },
      { start: '2024-09-01', due: '2024-12-31' },
    ]);
  });

  it('splits a month by days when there are more occurrences than months', () => {
    const schedule = parseDeadline('4 раза в месяц', SEED_000);
    expect(occurrences(schedule, { start: '2021-02-01', end: '2021-02-28' }).map((o) => o.due)).toEqual([
      '2021-02-07',
      '2021-02-14',
      '2021-02-21',
      '2021-02-28',
    ]);
  });

  it('puts a yearly recurrence with a named day on that day each year', () => {
    expect(occurrences(parseDeadline('ежегодно до 25 мая', SEED_000), { start: '2021-01-01', end: '2022-12-31' })).toEqual([
      { start: '2021-01-01', due: '2021-05-25' },
      { start: '2021-05-26', due: '2022-05-25' },
    ]);
  });

  it('gives a date its day and a period its day with its start', () => {
    expect(occurrences(parseDeadline('До 09.11.2020', SEED_002), SEED_002.period)).toEqual([{ start: null, due: '2020-11-09' }]);
    expect(occurrences(parseDeadline('I квартал 2021 г.', SEED_000), SEED_000.period)).toEqual([{ start: '2021-01-01', due: '2021-03-31' }]);
  });

  it('gives open and unknown deadlines no occurrences', () => {
    expect(occurrences(parseDeadline('По доп. сообщению', SEED_002), SEED_002.period)).toEqual([]);
    expect(occurrences(parseDeadline('когда-нибудь', SEED_002), SEED_002.period)).toEqual([]);
  });

  it('gives several deadlines the union of their occurrences, sorted', () => {
    expect(occurrences(parseDeadline('До 09.11.2020 Далее - по мере необходимости', SEED_002), SEED_002.period)).toEqual([
      { start: null, due: '2020-11-09' },
    ]);
    const period2021 = { start: '2020-11-02', end: '2021-12-31' };
    expect(occurrences(parseDeadline('ежегодно; до 01.12.2020; ежегодно', SEED_002), period2021)).toEqual([
      { start: null, due: '2020-12-01' },
      { start: '2020-11-02', due: '2020-12-31' },
      { start: '2021-01-01', due: '2021-12-31' },
    ]);
  });
});

describe('the deadline command line', () => {
  const root = resolve(__dirname, '../..');
  const run = (args: string[], input = '') =>
    spawnSync('npx', ['tsx', 'scripts/deadline.ts', ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });

  it('prints one JSON object per phrase, skipping blank lines', () => {
    const result = run(
      ['--period', '2020-11-02..2024-12-31', '--ref', '2020-11-02'],
      'До 09.11.2020\n\n   \nЕжегодно\nДо 09.11.2020 Далее- по мере необходимости\nкогда-нибудь\n',
    );
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { input: 'До 09.11.2020', kind: 'date', due: '2020-11-09', start: null, every: null, times: null, parts: null },
      { input: 'Ежегодно', kind: 'recurring', due: '2020-12-31', start: '2020-11-02', every: 'year', times: 1, parts: null },
      {
        input: 'До 09.11.2020 Далее- по мере необходимости',
        kind: 'multiple',
        due: '2020-11-09',
        start: null,
        every: null,
        times: null,
        parts: [
          { input: 'До 09.11.2020', kind: 'date', due: '2020-11-09', start: null, every: null, times: null, parts: null },
          { input: 'по мере необходимости', kind: 'open', due: null, start: null, every: null, times: null, parts: null },
        ],
      },
      { input: 'когда-нибудь', kind: 'unknown', due: null, start: null, every: null, times: null, parts: null },
    ]);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['input', 'kind', 'due', 'start', 'every', 'times', 'parts']);
  });

  it.each<[string, string[]]>([
    ['a bad --period', ['--period', '2021-13-01..2024-12-31', '--ref', '2021-05-28']],
    ['a --period ending before it starts', ['--period', '2024-12-31..2021-01-01']],
    ['no --period', ['--ref', '2021-05-28']],
    ['a bad --ref', ['--period', '2021-01-01..2024-12-31', '--ref', 'вчера']],
    ['an unknown argument', ['--period', '2021-01-01..2024-12-31', '--when', 'now']],
  ])('exits with code 2 and a message on stderr for %s', (_why, args) => {
    const result = run(args, 'До 09.11.2020\n');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--(period|ref)|аргумент/);
  });
});
