import { Types, type Connection } from 'mongoose';
import { createLeases } from '../shared/lease';
import { nameKey } from '../shared/names';
import type { TerritoryService } from '../territory/territory.service';
import { registerModels, type PairDoc, type PersonDoc } from './register.model';
import { cardOf, setAndUnset, toPair, toPerson, type PersonFields } from './register.repository';
import { storedName } from './register-input';
import { personFieldsOf, type ImportCounts, type ImportDraft, type RegisterServiceOptions } from './register.service';
import type { Pair, PairDraft, Person, PersonKind } from './register.types';

const CODE_PREFIX: Record<PersonKind, string> = { mentor: 'Н', mentee: 'Я' };
/** How long a school's import may hold its lease before another may take it over (10,000 rows take seconds). */
const IMPORT_LEASE_MS = 5 * 60 * 1000;
const oid = (id: string) => new Types.ObjectId(id);

/** Field-by-field differences, compared the way register.service.ts compares them. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/**
 * The register's file paths in bulk, for files of thousands of rows and exports of whole territories.
 *
 * `importDrafts`: the import of a head's file in a handful of queries instead of several per row: the school's people and pairs
 * are read once, every row is resolved in memory exactly as `register.service.ts`'s importDrafts resolves it (by id,
 * by code, by name; a row naming a pair already there updates it), and the new people, new pairs and changes are
 * written in bulk. Codes for new people come from one atomic $inc per kind that reserves a block of numbers.
 *
 * Same results and counts as the service's importDrafts (test/integration/register-bulk.test.ts compares them); it
 * exists because per-row queries make a 5,000-row file take minutes on FerretDB.
 *
 * `peopleOfSchool`: a school's people in one equality query, for exports (FerretDB scans the collection for the
 * `$in` that peopleByIds sends).
 *
 * It reads the models directly, as the repository has no bulk operations.
 */
export function createRegisterBulk(conn: Connection, territory: TerritoryService, options: RegisterServiceOptions) {
  const { Person, Pair, Counter, Audit } = registerModels(conn);
  const leases = createLeases(conn, options.clock);
  const { clock, nameMode } = options;

  const personFields = (kind: PersonKind, draft: PairDraft['mentor'] | PairDraft['mentee']) => personFieldsOf(kind, draft, nameMode);

  /** Reserves `count` code numbers of a school and kind; returns the first. */
  async function reserveNumbers(schoolId: string, kind: PersonKind, count: number): Promise<number> {
    const doc = await Counter.findOneAndUpdate({ _id: `${schoolId}:${kind}` }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' }).lean();
    return doc!.seq - count + 1;
  }

  /** Inserts new people with fresh codes; a code taken meanwhile (E11000) is drawn again for that person. */
  async function insertPeople(schoolId: string, people: (Omit<PersonDoc, 'createdAt' | 'updatedAt' | 'code'> & { code?: string })[]) {
    let pending = people;
    for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
      for (const kind of ['mentor', 'mentee'] as const) {
        const ofKind = pending.filter((p) => p.kind === kind);
        if (ofKind.length === 0) continue;
        const first = await reserveNumbers(schoolId, kind, ofKind.length);
        ofKind.forEach((p, i) => (p.code = `${CODE_PREFIX[kind]}-${String(first + i).padStart(3, '0')}`));
      }
      try {
        await Person.insertMany(pending, { ordered: false });
        pending = [];
      } catch (err) {
        const failed = new Set(writeErrorIndexes(err));
        if (failed.size === 0) throw err;
        pending = pending.filter((_, i) => failed.has(i));
      }
    }
    if (pending.length > 0) throw new Error('could not draw free register codes');
  }

  async function importNow(schoolId: string, drafts: ImportDraft[], actor: number): Promise<ImportCounts> {
    const view = await territory.describeScope({ level: 'organization', id: schoolId });
    if (!view?.organization) throw new Error('the school is not in the directory');
    const place = { schoolId: oid(schoolId), municipalityId: oid(view.organization.municipalityId), regionId: oid(view.organization.regionId) };
    const today = clock().toISOString().slice(0, 10);

    const [peopleDocs, pairDocs] = await Promise.all([
      Person.find({ schoolId: place.schoolId }).sort({ _id: 1 }).lean<PersonDoc[]>(),
      Pair.find({ schoolId: place.schoolId }).lean<PairDoc[]>(),
    ]);
    const byId = new Map<string, Person>();
    const byCode = new Map<string, Person>();
    const byName = new Map<string, Person>();
    const remember = (p: Person) => {
      byId.set(p.id, p);
      byCode.set(`${p.kind}|${p.code}`, p);
      const key = p.name ? nameKey(p.name) : undefined;
      if (key && !byName.has(`${p.kind}|${key}`)) byName.set(`${p.kind}|${key}`, p);
    };
    peopleDocs.map(toPerson).forEach(remember);
    const pairs = new Map<string, Pair>(pairDocs.map((d) => toPair(d)).map((p) => [`${p.mentorId}|${p.menteeId}`, p]));

    const newPeople = new Map<string, Omit<PersonDoc, 'createdAt' | 'updatedAt' | 'code'> & { code?: string }>();
    const personUpdates = new Map<string, PersonFields>();
    const newPairs = new Map<string, Pair>();
    const pairUpdates = new Map<string, Pick<Pair, 'form' | 'programme' | 'startDate' | 'endDate' | 'status'>>();
    const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };

    const resolve = (kind: PersonKind, draft: { existingId?: string; name?: string }, code?: string): Person | null => {
      if (draft.existingId) return byId.get(draft.existingId) ?? null;
      if (code) return byCode.get(`${kind}|${code}`) ?? null;
      const name = storedName(draft.name, nameMode);
      return name ? (byName.get(`${kind}|${nameKey(name)}`) ?? null) : null;
    };
    const create = (kind: PersonKind, fields: PersonFields): Person => {
      const id = new Types.ObjectId();
      const doc = { _id: id, schoolId: place.schoolId, kind, category: fields.category!, ...fields };
      newPeople.set(String(id), doc);
      // Until it is inserted it has no code; it is found by name (or id) by later rows like any other person.
      const person: Person = { id: String(id), schoolId, kind, code: `new:${String(id)}`, category: fields.category as Person['category'], name: fields.name, position: fields.position, age: fields.age, grade: fields.grade };
      remember(person);
      return person;
    };
    /** Applies fields to a known person; true when something changed. */
    const update = (person: Person, fields: PersonFields): boolean => {
      const { nameKey: _key, ...rest } = fields;
      if (changedFields(person as unknown as Record<string, unknown>, rest).length === 0) return false;
      const oldKey = person.name ? `${person.kind}|${nameKey(person.name)}` : undefined;
      Object.assign(person, { name: fields.name, category: fields.category, position: fields.position, age: fields.age, grade: fields.grade });
      if (oldKey && byName.get(oldKey) === person) byName.delete(oldKey);
      remember(person);
      const fresh = newPeople.get(person.id);
      if (fresh) Object.assign(fresh, fields);
      else personUpdates.set(person.id, fields);
      return true;
    };

    for (const draft of drafts) {
      let changed = false;
      const mentorFields = personFields('mentor', draft.mentor);
      const menteeFields = personFields('mentee', draft.mentee);
      let mentor = resolve('mentor', draft.mentor, draft.mentorCode);
      if (!mentor) mentor = create('mentor', mentorFields);
      else changed = update(mentor, mentorFields) || changed;
      let mentee = resolve('mentee', draft.mentee, draft.menteeCode);
      if (!mentee) mentee = create('mentee', menteeFields);
      else changed = update(mentee, menteeFields) || changed;

      const status = draft.endDate && draft.endDate <= today ? 'ended' : 'active';
      const pairFields = { form: draft.form, programme: draft.programme, startDate: draft.startDate, endDate: draft.endDate, status } as const;
      const key = `${mentor.id}|${mentee.id}`;
      const existing = pairs.get(key);
      if (!existing) {
        const pair: Pair = { id: String(new Types.ObjectId()), schoolId, mentorId: mentor.id, menteeId: mentee.id, ...pairFields };
        pairs.set(key, pair);
        newPairs.set(pair.id, pair);
        counts.created++;
        continue;
      }
      if (changedFields(existing as unknown as Record<string, unknown>, pairFields).length > 0) {
        Object.assign(existing, pairFields);
        if (!newPairs.has(existing.id)) pairUpdates.set(existing.id, pairFields);
        changed = true;
      }
      if (changed) counts.updated++;
      else counts.unchanged++;
    }

    if (newPeople.size > 0) await insertPeople(schoolId, [...newPeople.values()]);
    if (personUpdates.size > 0) {
      await Person.bulkWrite(
        [...personUpdates].map(([id, fields]) => ({ updateOne: { filter: { _id: oid(id), schoolId: place.schoolId }, update: setAndUnset(fields) } })),
        { ordered: false },
      );
    }
    // Every pair keeps a card of its two people as they are after this import (new people have their codes now).
    const card = (id: string) => {
      const fresh = newPeople.get(id);
      return fresh ? cardOf(fresh as Parameters<typeof cardOf>[0]) : cardOf(byId.get(id)!);
    };
    if (newPairs.size > 0) {
      const docs = [...newPairs.values()].map((p) => ({
        _id: oid(p.id),
        ...place,
        mentorId: oid(p.mentorId),
        menteeId: oid(p.menteeId),
        form: p.form,
        programme: p.programme,
        startDate: p.startDate,
        ...(p.endDate ? { endDate: p.endDate } : {}),
        status: p.status,
        mentorCard: card(p.mentorId),
        menteeCard: card(p.menteeId),
      }));
      try {
        await Pair.insertMany(docs, { ordered: false });
      } catch (err) {
        // A pair made at the same moment by another import of this school stands; the rest were inserted.
        if (writeErrorIndexes(err).length === 0) throw err;
      }
    }
    // Pairs already stored: their own changes, and fresh cards where one of their people changed.
    const pairWrites = [...pairs.values()]
      .filter((p) => !newPairs.has(p.id) && (pairUpdates.has(p.id) || personUpdates.has(p.mentorId) || personUpdates.has(p.menteeId) || !p.mentorCard || !p.menteeCard))
      .map((p) => {
        const update = setAndUnset({ ...(pairUpdates.get(p.id) ?? {}) }) as { $set?: Record<string, unknown>; $unset?: Record<string, ''> };
        update.$set = { ...update.$set, mentorCard: card(p.mentorId), menteeCard: card(p.menteeId) };
        return { updateOne: { filter: { _id: oid(p.id), schoolId: place.schoolId }, update } };
      });
    if (pairWrites.length > 0) await Pair.bulkWrite(pairWrites, { ordered: false });
    await Audit.create({
      at: clock(),
      actor,
      schoolId: place.schoolId,
      entity: 'pair',
      action: 'import',
      changes: [
        { field: 'created', after: counts.created },
        { field: 'updated', after: counts.updated },
        { field: 'unchanged', after: counts.unchanged },
      ],
    });
    return counts;
  }

  return {
    async peopleOfSchool(schoolId: string): Promise<Map<string, Person>> {
      const docs = await Person.find({ schoolId: oid(schoolId) }).lean<PersonDoc[]>();
      return new Map(docs.map((d) => [String(d._id), toPerson(d)]));
    },

    /**
     * Loads rows a head confirmed: a row naming a mentor and mentee already paired updates that pair, a new one is
     * created; importing the same file twice changes nothing the second time.
     */
    async importDrafts(schoolId: string, drafts: ImportDraft[], actor: number): Promise<ImportCounts> {
      // Two files of one school at once (its head and its curator, two instances) would both create a new person
      // named in both: one import of a school at a time, the other is told to wait (LeaseBusyError).
      return leases.run(`register-import:${schoolId}`, IMPORT_LEASE_MS, () => importNow(schoolId, drafts, actor));
    },
  };
}

/** Indexes of the documents an unordered insertMany refused as duplicates; any other failure is rethrown. */
function writeErrorIndexes(err: unknown): number[] {
  const writeErrors = (err as { writeErrors?: { index?: number; code?: number; err?: { index?: number; code?: number } }[] }).writeErrors;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) throw err;
  return writeErrors.map((w) => {
    const code = w.code ?? w.err?.code;
    if (code !== 11000) throw err;
    return w.index ?? w.err?.index ?? 0;
  });
}

export type RegisterBulk = ReturnType<typeof createRegisterBulk>;
