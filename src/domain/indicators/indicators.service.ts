import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Territory } from '../people/access';
import type { RegisterService } from '../register/register.service';
import type { CardedPair, PersonCard, SchoolCounts } from '../register/register.types';
import type { Clock } from '../shared/clock';
import type { TerritoryService } from '../territory/territory.service';
import { computeIndicators, FIGURE_FIELDS, type IndicatorValue, type MonitoringFacts, type RegisterTally, type TerritoryFigures } from './indicators';

interface FiguresDoc {
  _id: Types.ObjectId;
  /** The municipality or region the figures are of: one document each. */
  scopeId: Types.ObjectId;
  level: 'municipality' | 'region';
  values: Record<string, number>;
  updatedAt: Date;
  updatedBy: number;
}

const figuresSchema = new Schema<FiguresDoc>(
  {
    scopeId: { type: Schema.Types.ObjectId, required: true, unique: true },
    level: { type: String, required: true },
    values: { type: Schema.Types.Mixed, default: {} },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: Number, required: true },
  },
  { collection: 'territory_figures', minimize: false },
);


/** Where the indicators read what the monitoring and the School of Mentoring hold (wired once those exist). */
export interface IndicatorSources {
  /** Each school's latest monitoring answer in a school, municipality or region (one equality query). */
  monitoring?: (scope: { level: 'organization' | 'municipality' | 'region'; id: string }) => Promise<Map<string, MonitoringFacts>>;
  /** Popularisation events held in a territory between two days (inclusive). */
  events?: (scope: Territory, from: string, to: string) => Promise<number>;
}

export interface FiguresView {
  /** What the coordinator entered for this territory. */
  own: TerritoryFigures;
  /** What the indicators use: a region's own figure, or the sum of all its municipalities' when each has one. */
  effective: TerritoryFigures;
}

/** Tallies active pairs into what the indicators count: distinct people per organization. */
export function tallyPairs(pairs: Iterable<CardedPair>): Map<string, RegisterTally> {
  const bySchool = new Map<string, { pairs: number; mentors: Map<string, PersonCard>; mentees: Map<string, PersonCard> }>();
  for (const p of pairs) {
    if (p.status !== 'active') continue;
    const entry = bySchool.get(p.schoolId) ?? { pairs: 0, mentors: new Map(), mentees: new Map() };
    entry.pairs++;
    entry.mentors.set(p.mentorId, p.mentorCard);
    entry.mentees.set(p.menteeId, p.menteeCard);
    bySchool.set(p.schoolId, entry);
  }
  const result = new Map<string, RegisterTally>();
  for (const [schoolId, { pairs: count, mentors, mentees }] of bySchool) {
    const menteeCards = [...mentees.values()];
    const mentorCards = [...mentors.values()];
    const isPupil = (c: PersonCard) => c.category === 'pupil' || c.category === 'pupil_ovz' || c.category === 'pupil_at_risk';
    result.set(schoolId, {
      pairs: count,
      pupilMentees: menteeCards.filter((c) => isPupil(c) && (c.age === undefined || (c.age >= 11 && c.age <= 18))).length,
      pupilMentors: mentorCards.filter((c) => c.category === 'pupil').length,
      youngSpecialists: menteeCards.filter((c) => c.category === 'young_specialist').length,
      ovz: menteeCards.filter((c) => c.category === 'pupil_ovz').length,
      atRisk: menteeCards.filter((c) => c.category === 'pupil_at_risk').length,
      employerMentors: mentorCards.filter((c) => c.category === 'employer').length,
    });
  }
  return result;
}

/**
 * The target indicators of a school, a municipality or a region, and the territory figures a coordinator enters
 * for them (children living there, enterprises): the register gives numerators, /counts and these figures the
 * denominators.
 */
export function createIndicatorsService(conn: Connection, deps: { territory: TerritoryService; register: RegisterService; clock: Clock }, sources: IndicatorSources = {}) {
  const Figures: Model<FiguresDoc> = (conn.models.TerritoryFigures as Model<FiguresDoc>) ?? conn.model<FiguresDoc>('TerritoryFigures', figuresSchema);

  const clean = (values: Record<string, unknown> | undefined): TerritoryFigures => {
    const out: TerritoryFigures = {};
    for (const f of FIGURE_FIELDS) if (typeof values?.[f] === 'number') out[f] = values[f];
    return out;
  };

  async function ownFigures(ids: string[]): Promise<Map<string, TerritoryFigures>> {
    if (ids.length === 0) return new Map();
    const docs = await Figures.find(ids.length === 1 ? { scopeId: new Types.ObjectId(ids[0]) } : { scopeId: { $in: ids.map((id) => new Types.ObjectId(id)) } }).lean<FiguresDoc[]>();
    return new Map(docs.map((d) => [String(d.scopeId), clean(d.values)]));
  }

  async function figuresOf(scope: Territory): Promise<FiguresView> {
    const municipalities = scope.level === 'region' ? await deps.territory.listMunicipalities({ regionId: scope.id }) : [];
    const stored = await ownFigures([scope.id, ...municipalities.map((m) => m.id)]);
    const own = stored.get(scope.id) ?? {};
    const effective: TerritoryFigures = { ...own };
    if (scope.level === 'region' && municipalities.length > 0) {
      for (const field of FIGURE_FIELDS) {
        if (effective[field] !== undefined) continue;
        const parts = municipalities.map((m) => stored.get(m.id)?.[field]);
        if (parts.every((v) => v !== undefined)) effective[field] = parts.reduce((a, b) => a! + b!, 0);
      }
    }
    return { own, effective };
  }

  /** What the active pairs of a scope count for the indicators. */
  async function tallyOf(filter: { schoolId?: string; municipalityId?: string; regionId?: string }): Promise<Map<string, RegisterTally>> {
    const pairs: CardedPair[] = [];
    for await (const batch of deps.register.pairsWithCards(filter)) pairs.push(...batch.filter((p) => p.status === 'active'));
    return tallyPairs(pairs);
  }

  const yearOf = () => deps.clock().toISOString().slice(0, 4);

  async function countsOf(ids: string[]): Promise<Map<string, SchoolCounts>> {
    return new Map([...(await deps.register.countsOf(ids))].map(([id, c]) => [id, c.values]));
  }

  /** A municipality's or a region's indicators over all its organizations and its own figures. */
  async function forTerritory(scope: Territory): Promise<IndicatorValue[]> {
    const organizations = await deps.territory.organizationsIn(scope);
    const ids = organizations.map((o) => o.id);
    const year = yearOf();
    return computeIndicators({
      level: scope.level,
      organizations,
      register: await tallyOf(scope.level === 'municipality' ? { municipalityId: scope.id } : { regionId: scope.id }),
      counts: await countsOf(ids),
      monitoring: sources.monitoring ? await sources.monitoring(scope) : new Map(),
      figures: (await figuresOf(scope)).effective,
      events: sources.events ? await sources.events(scope, `${year}-01-01`, `${year}-12-31`) : 0,
    });
  }

  async function regionView(regionId: string): Promise<{ region: IndicatorValue[]; municipalities: { id: string; name: string; values: IndicatorValue[] }[] }> {
    const scope = { level: 'region' as const, id: regionId };
    const municipalities = await deps.territory.listMunicipalities({ regionId });
    const organizations = await deps.territory.organizationsIn(scope);
    const ids = organizations.map((o) => o.id);
    const register = await tallyOf({ regionId });
    const counts = await countsOf(ids);
    const monitoring = sources.monitoring ? await sources.monitoring(scope) : new Map<string, MonitoringFacts>();
    const figures = await ownFigures(municipalities.map((m) => m.id));
    const year = yearOf();
    const eventsOf = async (territory: Territory) => (sources.events ? sources.events(territory, `${year}-01-01`, `${year}-12-31`) : 0);
    const out: { id: string; name: string; values: IndicatorValue[] }[] = [];
    for (const m of municipalities) {
      const own = organizations.filter((o) => o.municipalityId === m.id);
      const events = await eventsOf({ level: 'municipality', id: m.id });
      out.push({ id: m.id, name: m.name, values: computeIndicators({ level: 'municipality', organizations: own, register, counts, monitoring, figures: figures.get(m.id) ?? {}, events }) });
    }
    const region = computeIndicators({ level: 'region', organizations, register, counts, monitoring, figures: (await figuresOf(scope)).effective, events: await eventsOf(scope) });
    return { region, municipalities: out.sort((a, b) => a.name.localeCompare(b.name, 'ru')) };
  }

  return {
    figuresOf,

    /** Saves a coordinator's figures for their territory; a field given as null is cleared. */
    async setFigures(scope: Territory, values: Partial<Record<(typeof FIGURE_FIELDS)[number], number | null>>, actor: number): Promise<FiguresView> {
      const current = (await ownFigures([scope.id])).get(scope.id) ?? {};
      const next: TerritoryFigures = { ...current };
      for (const f of FIGURE_FIELDS) {
        if (!(f in values)) continue;
        const v = values[f];
        if (v === null || v === undefined) delete next[f];
        else next[f] = v;
      }
      await Figures.updateOne(
        { scopeId: new Types.ObjectId(scope.id) },
        { $set: { level: scope.level, values: next, updatedAt: deps.clock(), updatedBy: actor } },
        { upsert: true },
      );
      return figuresOf(scope);
    },

    /** One school's indicators: its register over its own /counts and its monitoring answers. */
    async forSchool(schoolId: string): Promise<IndicatorValue[]> {
      const [organization] = await deps.territory.organizationsIn({ level: 'organization', id: schoolId });
      if (!organization) return [];
      return computeIndicators({
        level: 'school',
        organizations: [organization],
        register: await tallyOf({ schoolId }),
        counts: await countsOf([schoolId]),
        monitoring: sources.monitoring ? await sources.monitoring({ level: 'organization', id: schoolId }) : new Map(),
        figures: {},
        events: 0,
      });
    },

    forTerritory,

    /** A region's indicators for each of its municipalities, by name, from one read of the region. */
    async byMunicipality(regionId: string): Promise<{ id: string; name: string; values: IndicatorValue[] }[]> {
      return (await regionView(regionId)).municipalities;
    },

    /** A region's own indicators and each municipality's, from one read of the region's register (its /status). */
    regionView,

    async ensureIndexes(): Promise<void> {
      await Figures.syncIndexes();
    },
  };
}

export type IndicatorsService = ReturnType<typeof createIndicatorsService>;
