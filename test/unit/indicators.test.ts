import { computeIndicators, EMPTY_TALLY, type IndicatorInputs, type IndicatorValue } from '../../src/domain/indicators/indicators';
import { tallyPairs } from '../../src/domain/indicators/indicators.service';
import type { Pair, PersonCard } from '../../src/domain/register/register.types';

/**
 * The 15 indicators of seed 002 against figures computed by hand. A municipality of three schools and a
 * kindergarten; two schools reported /counts; the coordinator entered the children 11-18 and the enterprises but
 * not the children 15-18.
 */
const tally = (t: Partial<typeof EMPTY_TALLY>) => ({ ...EMPTY_TALLY, ...t });
const municipality: IndicatorInputs = {
  level: 'municipality',
  organizations: [
    { id: 's1', kind: 'school' },
    { id: 's2', kind: 'school' },
    { id: 's3', kind: 'school' },
    { id: 'k1', kind: 'kindergarten' },
  ],
  register: new Map([
    ['s1', tally({ pairs: 5, pupilMentees: 40, pupilMentors: 6, youngSpecialists: 2, ovz: 3, atRisk: 1, employerMentors: 2 })],
    ['s2', tally({ pairs: 2, pupilMentees: 10, youngSpecialists: 1, employerMentors: 1 })],
    ['k1', tally({ pairs: 1, youngSpecialists: 1 })],
  ]),
  counts: new Map([
    ['s1', { pupils_11_18: 200, pupils_15_18: 80, young_specialists: 4, pupils_ovz: 6, pupils_at_risk: 2 }],
    ['s3', { pupils_11_18: 300, pupils_15_18: 100, young_specialists: 3, pupils_ovz: 4, pupils_at_risk: 1 }],
  ]),
  monitoring: new Map([
    ['s1', { siteSection: true, independentAssessment: false }],
    ['s2', { siteSection: false, independentAssessment: true }],
  ]),
  figures: { children_11_18: 1000, enterprises: 40 },
  events: 2,
};

const byNumber = (values: IndicatorValue[]) => new Map(values.map((v) => [v.def.n, v]));
const brief = (v: IndicatorValue | undefined) => v && { value: v.value, numerator: v.numerator, denominator: v.denominator, colour: v.colour, missing: v.missing };

describe('target indicators of a municipality', () => {
  const values = byNumber(computeIndicators(municipality));

  it('computes all 15, with the seed minimums', () => {
    expect([...values.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect([...values.values()].map((v) => v.def.target)).toEqual([100, 20, 5, 100, 5, 1, 70, 35, 100, 30, 100, 50, 100, 100, 100]);
  });

  it('shares of organizations running programmes: 2 of 3 schools, 3 of 4 organizations', () => {
    expect(brief(values.get(1))).toEqual({ value: 66.7, numerator: 2, denominator: 3, colour: 'red', missing: undefined });
    // 75 % of a 100 % target is amber, not red.
    expect(brief(values.get(14))).toEqual({ value: 75, numerator: 3, denominator: 4, colour: 'amber', missing: undefined });
  });

  it('children as mentees over the children living there (a coordinator figure): 50 of 1000', () => {
    expect(brief(values.get(2))).toEqual({ value: 5, numerator: 50, denominator: 1000, colour: 'red', missing: undefined });
    expect(values.get(7)?.value).toBe(5);
    expect(values.get(7)?.def.by).toBe(2024);
  });

  it('says «no data» and what is missing when the children 15-18 were not entered', () => {
    expect(brief(values.get(3))).toEqual({ value: null, numerator: 6, denominator: null, colour: 'none', missing: 'children_15_18' });
    expect(values.get(8)?.colour).toBe('none');
  });

  it('young specialists, children with disabilities and at risk over the schools that reported /counts only', () => {
    // s1 and s3 reported: 2 + 0 young specialists with a mentor of 4 + 3.
    expect(brief(values.get(4))).toEqual({ value: 28.6, numerator: 2, denominator: 7, colour: 'red', missing: undefined });
    expect(values.get(4)?.basis.params).toMatchObject({ reported: 2, of: 4 });
    expect(brief(values.get(12))).toEqual({ value: 30, numerator: 3, denominator: 10, colour: 'red', missing: undefined });
    expect(brief(values.get(13))).toEqual({ value: 33.3, numerator: 1, denominator: 3, colour: 'red', missing: undefined });
  });

  it('enterprises: employer mentors over the enterprises entered, 3 of 40', () => {
    expect(brief(values.get(5))).toEqual({ value: 7.5, numerator: 3, denominator: 40, colour: 'green', missing: undefined });
    expect(brief(values.get(10))).toEqual({ value: 7.5, numerator: 3, denominator: 40, colour: 'red', missing: undefined });
    expect(values.get(5)?.basis.key).toBe('enterprises_by_mentors');
    const entered = byNumber(computeIndicators({ ...municipality, figures: { ...municipality.figures, enterprises_in_programmes: 12 } }));
    expect(brief(entered.get(10))).toEqual({ value: 30, numerator: 12, denominator: 40, colour: 'green', missing: undefined });
  });

  it('events are a count against one a year', () => {
    expect(brief(values.get(6))).toEqual({ value: 2, numerator: 2, denominator: null, colour: 'green', missing: undefined });
    expect(byNumber(computeIndicators({ ...municipality, events: 0 })).get(6)?.colour).toBe('red');
  });

  it('monitoring answers: of the organizations running programmes that answered', () => {
    expect(brief(values.get(11))).toEqual({ value: 50, numerator: 1, denominator: 2, colour: 'red', missing: undefined });
    expect(brief(values.get(15))).toEqual({ value: 50, numerator: 1, denominator: 2, colour: 'red', missing: undefined });
    const none = byNumber(computeIndicators({ ...municipality, monitoring: new Map() }));
    expect(brief(none.get(11))).toMatchObject({ value: null, colour: 'none', missing: 'monitoring' });
  });

  it('no school reported /counts: «no data», pointing at /counts', () => {
    const none = byNumber(computeIndicators({ ...municipality, counts: new Map() }));
    for (const n of [4, 9, 12, 13]) expect(brief(none.get(n))).toMatchObject({ value: null, colour: 'none', missing: 'counts' });
  });
});

describe('target indicators of one school', () => {
  const school = (id: string, kind: 'school' | 'kindergarten'): IndicatorInputs => ({ ...municipality, level: 'school', organizations: [{ id, kind }], figures: {}, events: 0 });

  it('uses its own /counts and leaves out what only a territory has', () => {
    const values = byNumber(computeIndicators(school('s1', 'school')));
    expect(brief(values.get(1))).toMatchObject({ value: 100, colour: 'green' });
    expect(brief(values.get(2))).toEqual({ value: 20, numerator: 40, denominator: 200, colour: 'green', missing: undefined });
    expect(brief(values.get(3))).toEqual({ value: 7.5, numerator: 6, denominator: 80, colour: 'green', missing: undefined });
    expect(brief(values.get(4))).toEqual({ value: 50, numerator: 2, denominator: 4, colour: 'red', missing: undefined });
    for (const n of [5, 6, 10]) expect(values.get(n)?.colour).toBe('na');
    expect(brief(values.get(11))).toMatchObject({ value: 100, colour: 'green' });
    expect(brief(values.get(15))).toMatchObject({ value: 0, colour: 'red' });
  });

  it('without /counts the shares are «no data»; a school with no such pupils has nothing to cover', () => {
    const s2 = byNumber(computeIndicators(school('s2', 'school')));
    expect(brief(s2.get(2))).toMatchObject({ value: null, numerator: 10, colour: 'none', missing: 'counts' });
    const zero = byNumber(computeIndicators({ ...school('s3', 'school'), counts: new Map([['s3', { pupils_11_18: 300, pupils_15_18: 100, young_specialists: 3, pupils_ovz: 0, pupils_at_risk: 0 }]]) }));
    expect(zero.get(12)?.colour).toBe('na');
    // s3 runs no programme: the monitoring indicators do not apply to it.
    expect(zero.get(11)?.colour).toBe('na');
    expect(brief(zero.get(14))).toMatchObject({ value: 0, colour: 'red' });
  });

  it('a kindergarten is not a general-education school (indicator 1)', () => {
    expect(byNumber(computeIndicators(school('k1', 'kindergarten'))).get(1)?.colour).toBe('na');
  });
});

describe('tallying the register', () => {
  const card = (category: string, age?: number): PersonCard => ({ code: 'x', category: category as PersonCard['category'], ...(age !== undefined ? { age } : {}) });
  const pair = (id: string, mentor: [string, PersonCard], mentee: [string, PersonCard], status: 'active' | 'ended' = 'active') =>
    ({ id, schoolId: 's', mentorId: mentor[0], menteeId: mentee[0], form: 'teacher_pupil', programme: 'p', startDate: '2026-09-01', status, mentorCard: mentor[1], menteeCard: mentee[1] }) as Pair & { mentorCard: PersonCard; menteeCard: PersonCard };

  it('counts distinct people of active pairs; pupils outside 11-18 are not children of indicator 2', () => {
    const t = tallyPairs([
      pair('1', ['m1', card('teacher')], ['e1', card('pupil', 12)]),
      pair('2', ['m1', card('teacher')], ['e2', card('pupil', 9)]),
      pair('3', ['m2', card('pupil')], ['e1', card('pupil', 12)]),
      pair('4', ['m3', card('employer')], ['e3', card('pupil_ovz', 15)]),
      pair('5', ['m4', card('teacher')], ['e4', card('young_specialist')]),
      pair('6', ['m5', card('employer')], ['e5', card('pupil_at_risk')], 'ended'),
    ]).get('s');
    expect(t).toEqual({ pairs: 5, pupilMentees: 2, pupilMentors: 1, youngSpecialists: 1, ovz: 1, atRisk: 0, employerMentors: 1 });
  });
});
