import { Types, type Connection } from 'mongoose';
import type { MentoringForm } from '../register/register.types';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import { monitoringModels, type AnswerDoc, type RoundDoc } from './monitoring.model';
import type { MonitoringAnswer, MonitoringRound } from './monitoring.types';
import { zeroByForm } from './monitoring-input';

const oid = (id: string) => new Types.ObjectId(id);

const toAnswer = (d: AnswerDoc): MonitoringAnswer => ({
  roundKey: d.roundKey,
  quarter: d.quarter,
  schoolId: String(d.schoolId),
  municipalityId: String(d.municipalityId),
  regionId: String(d.regionId),
  answeredAt: d.answeredAt,
  answeredBy: d.answeredBy,
  programmes: d.programmes,
  participants: { ...zeroByForm(), ...(d.participants as Partial<Record<MentoringForm, number>>) },
  wentWell: d.wentWell ?? null,
  obstacles: d.obstacles ?? null,
  satisfaction: d.satisfaction,
  siteSection: d.siteSection === true,
  independentAssessment: d.independentAssessment === true,
});

const toRound = (d: RoundDoc): MonitoringRound => ({
  roundKey: d.roundKey,
  quarter: d.quarter,
  municipalityId: String(d.municipalityId),
  regionId: String(d.regionId),
  roadmapId: String(d.roadmapId),
  itemId: String(d.itemId),
  due: d.due,
  openedAt: d.openedAt,
  openedBy: d.openedBy,
  announcedAt: d.announcedAt ?? null,
});

const roundId = (roundKey: string, municipalityId: string) => `${roundKey}|${municipalityId}`;

/** Monitoring answers (one per school and round) and the rounds opened in each municipality. */
export function createMonitoringRepository(conn: Connection) {
  const { Answer, Round } = monitoringModels(conn);

  return {
    async ensureIndexes(): Promise<void> {
      await Answer.syncIndexes();
      await Round.syncIndexes();
    },

    /** Writes a school's answer to a round, replacing the one it gave before. */
    async upsertAnswer(a: MonitoringAnswer): Promise<void> {
      const set = {
        roundKey: a.roundKey,
        quarter: a.quarter,
        schoolId: oid(a.schoolId),
        municipalityId: oid(a.municipalityId),
        regionId: oid(a.regionId),
        answeredAt: a.answeredAt,
        answeredBy: a.answeredBy,
        programmes: a.programmes,
        participants: a.participants,
        wentWell: a.wentWell,
        obstacles: a.obstacles,
        satisfaction: a.satisfaction,
        siteSection: a.siteSection,
        independentAssessment: a.independentAssessment,
      };
      try {
        await Answer.updateOne({ _id: `${a.roundKey}|${a.schoolId}` }, { $set: set }, { upsert: true });
      } catch (err) {
        // Two presses at once: both tried to insert; the second one updates what the first wrote.
        if (!isDuplicateKeyError(err)) throw err;
        await Answer.updateOne({ _id: `${a.roundKey}|${a.schoolId}` }, { $set: set });
      }
    },

    /** Every answer of these schools (all rounds). */
    async answersOfSchools(schoolIds: string[]): Promise<MonitoringAnswer[]> {
      const out: MonitoringAnswer[] = [];
      for (let i = 0; i < schoolIds.length; i += 1000) {
        const docs = await Answer.find({ schoolId: { $in: schoolIds.slice(i, i + 1000).map(oid) } }).lean<AnswerDoc[]>();
        out.push(...docs.map(toAnswer));
      }
      return out;
    },

    /** A school's answers, or a territory's (a municipality's or a region's), of one round or of all: one equality query. */
    async answersIn(scope: { level: 'organization' | 'municipality' | 'region'; id: string }, roundKey?: string): Promise<MonitoringAnswer[]> {
      const field = scope.level === 'organization' ? 'schoolId' : scope.level === 'municipality' ? 'municipalityId' : 'regionId';
      const filter: Record<string, unknown> = { [field]: oid(scope.id) };
      if (roundKey) filter.roundKey = roundKey;
      return (await Answer.find(filter).lean<AnswerDoc[]>()).map(toAnswer);
    },

    async getRound(roundKey: string, municipalityId: string): Promise<MonitoringRound | null> {
      const d = await Round.findById(roundId(roundKey, municipalityId)).lean<RoundDoc>();
      return d ? toRound(d) : null;
    },

    /** Every municipality's round of one quarter. */
    async roundsOf(roundKey: string): Promise<MonitoringRound[]> {
      return (await Round.find({ roundKey }).lean<RoundDoc[]>()).map(toRound);
    },

    /** Records a round once (a second save of the same round changes nothing). */
    async saveRound(r: Omit<MonitoringRound, 'announcedAt'>): Promise<void> {
      const doc = {
        roundKey: r.roundKey,
        quarter: r.quarter,
        municipalityId: oid(r.municipalityId),
        regionId: oid(r.regionId),
        roadmapId: oid(r.roadmapId),
        itemId: oid(r.itemId),
        due: r.due,
        openedAt: r.openedAt,
        openedBy: r.openedBy,
      };
      try {
        await Round.updateOne({ _id: roundId(r.roundKey, r.municipalityId) }, { $setOnInsert: doc }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    },

    async markAnnounced(roundKey: string, municipalityId: string, at: Date): Promise<void> {
      await Round.updateOne({ _id: roundId(roundKey, municipalityId) }, { $set: { announcedAt: at } });
    },

    async deleteRound(roundKey: string, municipalityId: string): Promise<void> {
      await Round.deleteOne({ _id: roundId(roundKey, municipalityId) });
    },
  };
}

export type MonitoringRepository = ReturnType<typeof createMonitoringRepository>;
