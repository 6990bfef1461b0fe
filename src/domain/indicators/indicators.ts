import type { SchoolCounts } from '../register/register.types';
import type { OrganizationKind } from '../territory/territory.model';

/**
 * The 15 target indicators of seed 002 (Приложение 2 to order № 235 of Артёмовский ГО): what each measures, its
 * minimum value and from when it applies. Names and explanations a person reads are in locales/ under indicators.*.
 */
export type Measure =
  | 'schools_implementing'
  | 'children_mentees'
  | 'teen_mentors'
  | 'young_specialists'
  | 'enterprises'
  | 'events'
  | 'site_section'
  | 'ovz'
  | 'at_risk'
  | 'organizations_implementing'
  | 'independent_assessment';

export interface IndicatorDef {
  n: number;
  measure: Measure;
  /** The minimum value: percent, or a number of events for indicator 6. */
  target: number;
  unit: 'percent' | 'count';
  /** 'first': from the first year of the model on; a year: to be reached by then. */
  by: 'first' | number;
}

export const INDICATORS: readonly IndicatorDef[] = [
  { n: 1, measure: 'schools_implementing', target: 100, unit: 'percent', by: 'first' },
  { n: 2, measure: 'children_mentees', target: 20, unit: 'percent', by: 'first' },
  { n: 3, measure: 'teen_mentors', target: 5, unit: 'percent', by: 'first' },
  { n: 4, measure: 'young_specialists', target: 100, unit: 'percent', by: 'first' },
  { n: 5, measure: 'enterprises', target: 5, unit: 'percent', by: 'first' },
  { n: 6, measure: 'events', target: 1, unit: 'count', by: 'first' },
  { n: 7, measure: 'children_mentees', target: 70, unit: 'percent', by: 2024 },
  { n: 8, measure: 'teen_mentors', target: 35, unit: 'percent', by: 2024 },
  { n: 9, measure: 'young_specialists', target: 100, unit: 'percent', by: 2024 },
  { n: 10, measure: 'enterprises', target: 30, unit: 'percent', by: 2024 },
  { n: 11, measure: 'site_section', target: 100, unit: 'percent', by: 2024 },
  { n: 12, measure: 'ovz', target: 50, unit: 'percent', by: 2024 },
  { n: 13, measure: 'at_risk', target: 100, unit: 'percent', by: 2024 },
  { n: 14, measure: 'organizations_implementing', target: 100, unit: 'percent', by: 2024 },
  { n: 15, measure: 'independent_assessment', target: 100, unit: 'percent', by: 'first' },
];

/** Figures a coordinator enters for the territory: what no school can report. */
export const FIGURE_FIELDS = ['children_11_18', 'children_15_18', 'young_specialists', 'enterprises', 'enterprises_in_programmes'] as const;
export type FigureField = (typeof FIGURE_FIELDS)[number];
export type TerritoryFigures = Partial<Record<FigureField, number>>;

/** What one organization's active pairs hold: distinct people, by what the indicators count. */
export interface RegisterTally {
  pairs: number;
  /** Mentees who are pupils (any pupil category) aged 11-18, or whose age is not given. */
  pupilMentees: number;
  /** Mentors who are pupils (обучающиеся): the teenagers in the role of mentor. */
  pupilMentors: number;
  youngSpecialists: number;
  ovz: number;
  atRisk: number;
  employerMentors: number;
}

export const EMPTY_TALLY: RegisterTally = { pairs: 0, pupilMentees: 0, pupilMentors: 0, youngSpecialists: 0, ovz: 0, atRisk: 0, employerMentors: 0 };

export interface MonitoringFacts {
  siteSection: boolean;
  independentAssessment: boolean;
}

export interface IndicatorInputs {
  level: 'school' | 'municipality' | 'region';
  organizations: { id: string; kind: OrganizationKind }[];
  register: Map<string, RegisterTally>;
  /** What each organization reported in /counts. */
  counts: Map<string, SchoolCounts>;
  /** Each organization's latest monitoring answer. */
  monitoring: Map<string, MonitoringFacts>;
  /** The territory's own figures (absent for a school). */
  figures: TerritoryFigures;
  /** Popularisation events held this year in the territory (a school: not counted). */
  events: number;
}

export type Colour = 'green' | 'amber' | 'red' | 'none' | 'na';

/** How a value was computed: an explanation key under indicators.basis.* and its figures. */
export interface Basis {
  key: string;
  params: Record<string, number | string>;
}

export interface IndicatorValue {
  def: IndicatorDef;
  /** Percent (one decimal) or a count; null: no data, or not applicable at this level (colour 'na'). */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  colour: Colour;
  basis: Basis;
  /** What is missing for a value: a territory figure, the schools' /counts, the monitoring answers. */
  missing?: FigureField | 'counts' | 'monitoring';
}

/** Green from the target up, amber from three quarters of it, red below; a count target is met or not. */
export function colourOf(def: IndicatorDef, value: number): Colour {
  if (value >= def.target) return 'green';
  if (def.unit === 'percent' && value >= def.target * 0.75) return 'amber';
  return 'red';
}

const percent = (numerator: number, denominator: number) => Math.round((numerator / denominator) * 1000) / 10;

type Part = Omit<IndicatorValue, 'def' | 'colour' | 'value'> & { value?: number | null; na?: boolean };

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Every indicator for a school, a municipality or a region, from the register (numerators), the schools' reported
 * counts and the territory's own figures (denominators) and the monitoring answers. Where a denominator is
 * missing the value is «нет данных» (colour 'none') and `missing` says what to enter; what a level cannot have
 * (enterprises of one school) is 'na'. Counts summed over schools use only the schools that reported, and say so.
 */
export function computeIndicators(inputs: IndicatorInputs): IndicatorValue[] {
  const { level, organizations, register, counts, monitoring, figures } = inputs;
  const school = level === 'school';
  const tally = (id: string) => register.get(id) ?? EMPTY_TALLY;
  const implementing = organizations.filter((o) => tally(o.id).pairs > 0);
  const total = (field: keyof RegisterTally, ids = organizations.map((o) => o.id)) => sum(ids.map((id) => tally(id)[field]));

  const share = (numerator: number, denominator: number | undefined, key: string, missing: IndicatorValue['missing'], params: Basis['params'] = {}): Part => {
    if (denominator === undefined) return { numerator, denominator: null, basis: { key: `${key}_missing`, params: { numerator, ...params } }, missing };
    if (denominator === 0) return { numerator, denominator: 0, na: true, basis: { key: 'zero', params: { numerator } } };
    return { numerator, denominator, basis: { key, params: { numerator, denominator, ...params } } };
  };

  // A count every school reports in /counts, over the schools that reported it (the register's count likewise).
  const reported = (register: keyof RegisterTally, field: keyof SchoolCounts, name: string): Part => {
    const key = school ? `${name}_school` : name;
    const ids = organizations.filter((o) => counts.has(o.id)).map((o) => o.id);
    if (ids.length === 0) return { numerator: total(register), denominator: null, basis: { key: `${key}_missing`, params: { numerator: total(register) } }, missing: 'counts' };
    const denominator = sum(ids.map((id) => counts.get(id)![field]));
    return share(total(register, ids), denominator, key, 'counts', { reported: ids.length, of: organizations.length });
  };

  // Yes/no answers of the monitoring, over the organizations that run programmes and answered.
  const answered = (fact: keyof MonitoringFacts, name: string): Part => {
    const key = school ? `${name}_school` : name;
    if (implementing.length === 0) return { numerator: 0, denominator: 0, na: true, basis: { key: 'none_implementing', params: {} } };
    const answers = implementing.map((o) => monitoring.get(o.id)).filter((a): a is MonitoringFacts => a !== undefined);
    if (answers.length === 0) return { numerator: null, denominator: null, basis: { key: `${key}_missing`, params: {} }, missing: 'monitoring' };
    return share(answers.filter((a) => a[fact]).length, answers.length, key, 'monitoring', { answered: answers.length, of: implementing.length });
  };

  const schoolOnly = (): Part => ({ numerator: null, denominator: null, na: true, basis: { key: 'territory_only', params: {} } });

  const compute = (def: IndicatorDef): Part => {
    const one = organizations[0]?.id ?? '';
    switch (def.measure) {
      case 'schools_implementing': {
        const schools = organizations.filter((o) => o.kind === 'school');
        if (schools.length === 0) return { numerator: null, denominator: null, na: true, basis: { key: school ? 'not_school' : 'no_schools', params: {} } };
        return share(schools.filter((o) => tally(o.id).pairs > 0).length, schools.length, 'schools_implementing', undefined);
      }
      case 'organizations_implementing':
        return share(implementing.length, organizations.length, 'organizations_implementing', undefined);
      case 'children_mentees':
        return school
          ? share(total('pupilMentees'), counts.get(one)?.pupils_11_18, 'children_mentees_school', 'counts')
          : share(total('pupilMentees'), figures.children_11_18, 'children_mentees', 'children_11_18');
      case 'teen_mentors':
        return school
          ? share(total('pupilMentors'), counts.get(one)?.pupils_15_18, 'teen_mentors_school', 'counts')
          : share(total('pupilMentors'), figures.children_15_18, 'teen_mentors', 'children_15_18');
      case 'young_specialists':
        return !school && figures.young_specialists !== undefined
          ? share(total('youngSpecialists'), figures.young_specialists, 'young_specialists_figure', 'young_specialists')
          : reported('youngSpecialists', 'young_specialists', 'young_specialists');
      case 'enterprises': {
        if (school) return schoolOnly();
        const entered = figures.enterprises_in_programmes;
        const numerator = entered ?? total('employerMentors');
        return share(numerator, figures.enterprises, entered === undefined ? 'enterprises_by_mentors' : 'enterprises', 'enterprises');
      }
      case 'events':
        return school ? schoolOnly() : { numerator: inputs.events, denominator: null, value: inputs.events, basis: { key: 'events', params: { count: inputs.events } } };
      case 'site_section':
        return answered('siteSection', 'site_section');
      case 'independent_assessment':
        return answered('independentAssessment', 'independent_assessment');
      case 'ovz':
        return reported('ovz', 'pupils_ovz', 'ovz');
      case 'at_risk':
        return reported('atRisk', 'pupils_at_risk', 'at_risk');
    }
  };

  return INDICATORS.map((def) => {
    const { na, value: given, ...part } = compute(def);
    if (na) return { def, ...part, value: null, colour: 'na' as const };
    const value = given !== undefined ? given : part.numerator !== null && part.denominator ? percent(part.numerator, part.denominator) : null;
    return { def, ...part, value, colour: value === null ? ('none' as const) : colourOf(def, value) };
  });
}
