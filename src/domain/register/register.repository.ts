import { Types, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import { registerModels, type AuditDoc, type CardDoc, type PairDoc, type PersonDoc } from './register.model';
import type { Pair, PairStatus, Person, PersonCard, PersonKind, ReportedCounts, SchoolCounts } from './register.types';

const oid = (id: string) => new Types.ObjectId(id);
const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

export const toPerson = (d: PersonDoc): Person => ({
  id: String(d._id),
  schoolId: String(d.schoolId),
  kind: d.kind,
  code: d.code,
  name: d.name ?? undefined,
  category: d.category as Person['category'],
  position: d.position ?? undefined,
  age: d.age ?? undefined,
  grade: d.grade ?? undefined,
});

/** The card a pair keeps of a person, as stored on the pair: JSON text of the fields that have a value. */
export function cardOf(p: Pick<PersonDoc, 'code' | 'name' | 'category' | 'position' | 'age' | 'grade'>): string {
  const card: CardDoc = { code: p.code, category: p.category };
  if (p.name != null) card.name = p.name;
  if (p.position != null) card.position = p.position;
  if (p.age != null) card.age = p.age;
  if (p.grade != null) card.grade = p.grade;
  return JSON.stringify(card);
}

const toCard = (text: string | undefined): PersonCard | undefined => {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as PersonCard;
  } catch {
    return undefined; // a damaged copy: the person is read from their own record instead
  }
};

export function toPair(d: PairDoc): Pair {
  const pair: Pair = {
    id: String(d._id),
    schoolId: String(d.schoolId),
    mentorId: String(d.mentorId),
    menteeId: String(d.menteeId),
    form: d.form as Pair['form'],
    programme: d.programme,
    startDate: d.startDate,
    endDate: d.endDate ?? undefined,
    status: d.status as PairStatus,
  };
  const mentorCard = toCard(d.mentorCard);
  const menteeCard = toCard(d.menteeCard);
  if (mentorCard) pair.mentorCard = mentorCard;
  if (menteeCard) pair.menteeCard = menteeCard;
  return pair;
}

/** Where a pair sits in the territory, copied onto it so territory-wide reads are equality queries. */
export interface SchoolPlace {
  schoolId: string;
  municipalityId: string;
  regionId: string;
}

export type PersonFields = Partial<Pick<PersonDoc, 'name' | 'nameKey' | 'category' | 'position' | 'age' | 'grade'>>;
export type PairFields = Partial<Pick<PairDoc, 'form' | 'programme' | 'startDate' | 'endDate' | 'status'>>;

/** $set for values, $unset for undefined ones, so that clearing a value (an edit, a blank cell) really clears it. */
export function setAndUnset(fields: Record<string, unknown>) {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) $unset[k] = '';
    else $set[k] = v;
  }
  return { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}) };
}

/**
 * The register's storage. Every read and write of a school's data takes the school id and puts it in the filter,
 * so an id guessed from another school (a forged callback) finds nothing.
 */
export function createRegisterRepository(conn: Connection) {
  const { Person, Pair, Counter, Counts, Consent, Audit } = registerModels(conn);

  /** Reported counts of many schools in one query, for a coordinator's overview. */
  async function countsOf(schoolIds: string[]): Promise<Map<string, ReportedCounts>> {
    if (schoolIds.length === 0) return new Map();
    // One school (/counts, a head's /status) by equality: FerretDB answers a $in by reading the whole collection.
    const docs = await Counts.find(schoolIds.length === 1 ? { schoolId: oid(schoolIds[0]!) } : { schoolId: { $in: schoolIds.map(oid) } }).lean();
    return new Map(
      docs.map((d) => [String(d.schoolId), { schoolId: String(d.schoolId), values: d.values as SchoolCounts, reportedAt: d.reportedAt, reportedBy: d.reportedBy }]),
    );
  }

  return {
    async ensureIndexes(): Promise<void> {
      await Promise.all([Person, Pair, Counts, Consent, Audit].map((m) => (m as typeof Person).syncIndexes()));
    },

    /** The next number of a school's mentor or mentee codes: one atomic $inc, safe across processes. */
    async nextNumber(schoolId: string, kind: PersonKind): Promise<number> {
      const doc = await Counter.findOneAndUpdate({ _id: `${schoolId}:${kind}` }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
      return doc!.seq;
    },

    async insertPerson(fields: Omit<PersonDoc, '_id' | 'createdAt' | 'updatedAt' | 'schoolId'> & { schoolId: string }): Promise<Person | null> {
      try {
        const d = await Person.create({ ...fields, schoolId: oid(fields.schoolId) });
        return toPerson(d.toObject());
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
    },

    async getPerson(schoolId: string, id: string): Promise<Person | null> {
      if (!isId(id)) return null;
      const d = await Person.findOne({ _id: oid(id), schoolId: oid(schoolId) }).lean<PersonDoc>();
      return d ? toPerson(d) : null;
    },

    async peopleByIds(ids: string[]): Promise<Map<string, Person>> {
      if (ids.length === 0) return new Map();
      const docs = await Person.find({ _id: { $in: ids.map(oid) } }).lean<PersonDoc[]>();
      return new Map(docs.map((d) => [String(d._id), toPerson(d)]));
    },

    async findPeopleByName(schoolId: string, kind: PersonKind, key: string): Promise<Person[]> {
      return (await Person.find({ schoolId: oid(schoolId), kind, nameKey: key }).lean<PersonDoc[]>()).map(toPerson);
    },

    async listPeople(schoolId: string, kind: PersonKind): Promise<Person[]> {
      return (await Person.find({ schoolId: oid(schoolId), kind }).sort({ code: 1 }).lean<PersonDoc[]>()).map(toPerson);
    },

    /** Mentees with a name in any of these schools, for finding one person registered in two schools. */
    async namedMentees(schoolIds: string[]): Promise<Person[]> {
      if (schoolIds.length === 0) return [];
      const docs = await Person.find({ kind: 'mentee', schoolId: { $in: schoolIds.map(oid) }, nameKey: { $exists: true } }).lean<PersonDoc[]>();
      return docs.map(toPerson);
    },

    /** Updates a person and the card of them every pair of theirs keeps. */
    async updatePerson(schoolId: string, id: string, fields: PersonFields): Promise<void> {
      const d = await Person.findOneAndUpdate({ _id: oid(id), schoolId: oid(schoolId) }, setAndUnset(fields), { returnDocument: 'after' }).lean<PersonDoc>();
      if (!d) return;
      await Pair.updateMany({ schoolId: d.schoolId, [d.kind === 'mentor' ? 'mentorId' : 'menteeId']: d._id }, { $set: { [`${d.kind}Card`]: cardOf(d) } });
    },

    async deletePerson(schoolId: string, id: string): Promise<void> {
      await Person.deleteOne({ _id: oid(id), schoolId: oid(schoolId) });
    },

    async insertPair(
      place: SchoolPlace,
      fields: Omit<PairDoc, '_id' | 'createdAt' | 'updatedAt' | 'schoolId' | 'municipalityId' | 'regionId' | 'mentorId' | 'menteeId' | 'mentorCard' | 'menteeCard'> & { mentor: Person; mentee: Person },
    ): Promise<Pair | null> {
      const { mentor, mentee, ...rest } = fields;
      try {
        const d = await Pair.create({
          ...rest,
          mentorCard: cardOf(mentor),
          menteeCard: cardOf(mentee),
          schoolId: oid(place.schoolId),
          municipalityId: oid(place.municipalityId),
          regionId: oid(place.regionId),
          mentorId: oid(mentor.id),
          menteeId: oid(mentee.id),
        });
        return toPair(d.toObject());
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
    },

    async getPair(schoolId: string, id: string): Promise<Pair | null> {
      if (!isId(id)) return null;
      const d = await Pair.findOne({ _id: oid(id), schoolId: oid(schoolId) }).lean<PairDoc>();
      return d ? toPair(d) : null;
    },

    async findPair(schoolId: string, mentorId: string, menteeId: string): Promise<Pair | null> {
      const d = await Pair.findOne({ schoolId: oid(schoolId), mentorId: oid(mentorId), menteeId: oid(menteeId) }).lean<PairDoc>();
      return d ? toPair(d) : null;
    },

    async pairsOfPerson(schoolId: string, personId: string): Promise<Pair[]> {
      const s = oid(schoolId);
      const p = oid(personId);
      const [asMentor, asMentee] = await Promise.all([
        Pair.find({ schoolId: s, mentorId: p }).lean<PairDoc[]>(),
        Pair.find({ schoolId: s, menteeId: p }).lean<PairDoc[]>(),
      ]);
      return [...asMentor, ...asMentee].map(toPair);
    },

    async listPairs(schoolId: string, page: { skip: number; limit: number }): Promise<{ items: Pair[]; total: number; active: number }> {
      const filter = { schoolId: oid(schoolId) };
      const [docs, total, active] = await Promise.all([
        Pair.find(filter).sort({ status: 1, startDate: -1, _id: 1 }).skip(page.skip).limit(page.limit).lean<PairDoc[]>(),
        Pair.countDocuments(filter),
        Pair.countDocuments({ ...filter, status: 'active' }),
      ]);
      return { items: docs.map(toPair), total, active };
    },

    async updatePair(schoolId: string, id: string, fields: PairFields): Promise<void> {
      await Pair.updateOne({ _id: oid(id), schoolId: oid(schoolId) }, setAndUnset(fields));
    },

    async deletePair(schoolId: string, id: string): Promise<boolean> {
      return (await Pair.deleteOne({ _id: oid(id), schoolId: oid(schoolId) })).deletedCount === 1;
    },

    /**
     * Pairs of a school, a municipality or a region in a stable order, in batches, for exports of any size
     * without holding them all in memory.
     */
    async *pairBatches(filter: { schoolId?: string; municipalityId?: string; regionId?: string }, batchSize = 2000): AsyncGenerator<Pair[]> {
      const q: Record<string, Types.ObjectId> = {};
      if (filter.schoolId) q.schoolId = oid(filter.schoolId);
      if (filter.municipalityId) q.municipalityId = oid(filter.municipalityId);
      if (filter.regionId) q.regionId = oid(filter.regionId);
      let batch: Pair[] = [];
      for await (const d of Pair.find(q).sort({ _id: 1 }).lean<PairDoc[]>().cursor({ batchSize })) {
        batch.push(toPair(d as unknown as PairDoc));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },

    async saveCounts(schoolId: string, values: SchoolCounts, reportedBy: number, at: Date): Promise<void> {
      await Counts.updateOne({ schoolId: oid(schoolId) }, { $set: { values, reportedAt: at, reportedBy } }, { upsert: true });
    },

    async getCounts(schoolId: string): Promise<ReportedCounts | null> {
      return (await countsOf([schoolId])).get(schoolId) ?? null;
    },

    countsOf,

    async hasConsent(schoolId: string): Promise<boolean> {
      return Boolean(await Consent.exists({ schoolId: oid(schoolId) }));
    },

    async saveConsent(schoolId: string, confirmedBy: number, at: Date): Promise<void> {
      try {
        await Consent.create({ schoolId: oid(schoolId), confirmedBy, confirmedAt: at });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // confirmed already: the first confirmation stands
      }
    },

    async audit(entry: Omit<AuditDoc, '_id' | 'schoolId' | 'entityId'> & { schoolId: string; entityId?: string }): Promise<void> {
      await Audit.create({ ...entry, schoolId: oid(entry.schoolId), entityId: entry.entityId ? oid(entry.entityId) : undefined });
    },

    async auditOf(schoolId: string, limit = 100) {
      return Audit.find({ schoolId: oid(schoolId) }).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditDoc[]>();
    },
  };
}

export type RegisterRepository = ReturnType<typeof createRegisterRepository>;
