import type { Clock } from '../shared/clock';
import { nameKey } from '../shared/names';
import type { TerritoryService } from '../territory/territory.service';
import type { RegisterBulk } from './register-bulk';
import type { SchoolPlace, RegisterRepository, PersonFields } from './register.repository';
import { storedName } from './register-input';
import { checkPairRules } from './register-rules';
import type { CardedPair, NameMode, Pair, PairDraft, PairView, Person, PersonCard, PersonKind, RegisterWarning, ReportedCounts, SchoolCounts } from './register.types';

export interface RegisterServiceOptions {
  clock: Clock;
  nameMode: NameMode;
}

export type SaveResult =
  | { status: 'saved'; pair: PairView }
  | { status: 'blocked'; warnings: RegisterWarning[] }
  | { status: 'exists'; pair: PairView }
  | { status: 'not_found' };

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** A row of a file as the importer hands it over: the draft plus, in `codes` mode, the codes it names. */
export interface ImportDraft extends PairDraft {
  mentorCode?: string;
  menteeCode?: string;
}

const CODE_PREFIX: Record<PersonKind, string> = { mentor: 'Н', mentee: 'Я' };

/** What is stored for a person entered in a draft, within the deployment's name mode. */
export function personFieldsOf(kind: PersonKind, draft: PairDraft['mentor'] | PairDraft['mentee'], nameMode: NameMode): PersonFields {
  const name = storedName(draft.name, nameMode);
  const base = { name, nameKey: name ? nameKey(name) : undefined, category: draft.category };
  if (kind === 'mentor') return { ...base, position: (draft as PairDraft['mentor']).position, age: undefined, grade: undefined };
  const mentee = draft as PairDraft['mentee'];
  return { ...base, position: undefined, age: mentee.age, grade: mentee.grade };
}

/** Field-by-field differences for the audit log, as an array (field names never become document keys). */
function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  return Object.keys(after)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

/**
 * The register's use cases: a school's pairs with their mentors and mentees, kept within the deployment's name
 * mode, checked for consistency, with every change written to the audit log.
 */
export function createRegisterService(
  repo: RegisterRepository,
  territory: TerritoryService,
  options: RegisterServiceOptions,
  bulk: Pick<RegisterBulk, 'importDrafts' | 'peopleOfSchool'>,
) {
  const { clock, nameMode } = options;

  async function placeOf(schoolId: string): Promise<SchoolPlace | null> {
    const view = await territory.describeScope({ level: 'organization', id: schoolId });
    if (!view?.organization) return null;
    return { schoolId, municipalityId: view.organization.municipalityId, regionId: view.organization.regionId };
  }

  const personFields = (kind: PersonKind, draft: PairDraft['mentor'] | PairDraft['mentee']) => personFieldsOf(kind, draft, nameMode);

  async function createPerson(schoolId: string, kind: PersonKind, fields: PersonFields): Promise<Person> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const n = await repo.nextNumber(schoolId, kind);
      const code = `${CODE_PREFIX[kind]}-${String(n).padStart(3, '0')}`;
      const person = await repo.insertPerson({ schoolId, kind, code, category: fields.category!, ...fields });
      if (person) return person;
    }
    throw new Error('could not draw a free register code');
  }

  async function view(schoolId: string, pair: Pair | null): Promise<PairView | null> {
    if (!pair) return null;
    const people = await repo.peopleByIds([pair.mentorId, pair.menteeId]);
    const mentor = people.get(pair.mentorId);
    const mentee = people.get(pair.menteeId);
    if (!mentor || !mentee || mentor.schoolId !== schoolId) return null;
    return { ...pair, mentor, mentee };
  }

  /** Finds the person a draft names: by id when reused, by code in `codes` mode, else by name in the school. */
  async function resolvePerson(schoolId: string, kind: PersonKind, draft: { existingId?: string; name?: string }): Promise<Person | null> {
    if (draft.existingId) return repo.getPerson(schoolId, draft.existingId);
    const name = storedName(draft.name, nameMode);
    if (!name) return null;
    const [found] = await repo.findPeopleByName(schoolId, kind, nameKey(name));
    return found ?? null;
  }

  async function review(schoolId: string, draft: PairDraft, exceptPairId?: string): Promise<RegisterWarning[]> {
    const warnings = checkPairRules(draft);
    const mentorName = storedName(draft.mentor.name, nameMode);
    const menteeName = storedName(draft.mentee.name, nameMode);
    // A reused mentor is compared by the name stored for them.
    const reused = draft.mentor.existingId ? await repo.getPerson(schoolId, draft.mentor.existingId) : null;
    const mentorKey = mentorName ? nameKey(mentorName) : reused?.name ? nameKey(reused.name) : undefined;
    if (menteeName && mentorKey && nameKey(menteeName) === mentorKey) {
      warnings.push({ code: 'same_person_twice', name: menteeName, blocking: false });
    }
    if (menteeName && !draft.mentee.existingId) {
      const existing = await repo.findPeopleByName(schoolId, 'mentee', nameKey(menteeName));
      for (const person of existing) {
        const pairs = (await repo.pairsOfPerson(schoolId, person.id)).filter((p) => p.id !== exceptPairId && p.status === 'active');
        if (pairs.length > 0) {
          warnings.push({ code: 'mentee_has_pair', name: menteeName, blocking: false });
          break;
        }
      }
    }
    return warnings;
  }

  async function audit(actor: number, schoolId: string, entity: 'pair' | 'person' | 'counts' | 'consent', action: 'create' | 'update' | 'end' | 'delete' | 'import' | 'confirm', entityId: string | undefined, changes: { field: string; before?: unknown; after?: unknown }[]) {
    await repo.audit({ at: clock(), actor, schoolId, entity, entityId, action, changes });
  }

  const pairSnapshot = (p: PairView) => ({
    mentor: p.mentor.code,
    mentorName: p.mentor.name,
    mentorCategory: p.mentor.category,
    mentorPosition: p.mentor.position,
    mentee: p.mentee.code,
    menteeName: p.mentee.name,
    menteeCategory: p.mentee.category,
    menteeAge: p.mentee.age,
    menteeGrade: p.mentee.grade,
    form: p.form,
    programme: p.programme,
    startDate: p.startDate,
    endDate: p.endDate,
    status: p.status,
  });

  async function deleteIfOrphan(schoolId: string, personId: string) {
    if ((await repo.pairsOfPerson(schoolId, personId)).length === 0) await repo.deletePerson(schoolId, personId);
  }

  return {
    nameMode,
    review,

    hasConsent: repo.hasConsent,

    async confirmConsent(schoolId: string, actor: number): Promise<void> {
      await repo.saveConsent(schoolId, actor, clock());
      await audit(actor, schoolId, 'consent', 'confirm', undefined, []);
    },

    async listPairs(schoolId: string, page: number, pageSize: number): Promise<{ items: PairView[]; total: number; active: number; page: number; pages: number }> {
      const { items, total, active } = await repo.listPairs(schoolId, { skip: page * pageSize, limit: pageSize });
      const people = await repo.peopleByIds(items.flatMap((p) => [p.mentorId, p.menteeId]));
      const views = items
        .map((p) => ({ ...p, mentor: people.get(p.mentorId)!, mentee: people.get(p.menteeId)! }))
        .filter((p) => p.mentor && p.mentee);
      return { items: views, total, active, page, pages: Math.max(1, Math.ceil(total / pageSize)) };
    },

    async getPair(schoolId: string, pairId: string): Promise<PairView | null> {
      return view(schoolId, await repo.getPair(schoolId, pairId));
    },

    listMentors(schoolId: string): Promise<Person[]> {
      return repo.listPeople(schoolId, 'mentor');
    },

    /** Mentors of the school with this name, to offer reuse instead of a second record of the same person. */
    async mentorsNamed(schoolId: string, name: string): Promise<Person[]> {
      const stored = storedName(name, nameMode);
      return stored ? repo.findPeopleByName(schoolId, 'mentor', nameKey(stored)) : [];
    },

    /** Saves a new pair after the head confirmed its summary; blocking problems and an existing pair are refused. */
    async createPair(schoolId: string, draft: PairDraft, actor: number): Promise<SaveResult> {
      const blocking = checkPairRules(draft).filter((w) => w.blocking);
      if (blocking.length > 0) return { status: 'blocked', warnings: blocking };
      const place = await placeOf(schoolId);
      if (!place) return { status: 'not_found' };
      const mentor = (await resolvePerson(schoolId, 'mentor', draft.mentor)) ?? (await createPerson(schoolId, 'mentor', personFields('mentor', draft.mentor)));
      const existingMentee = draft.mentee.existingId ? await repo.getPerson(schoolId, draft.mentee.existingId) : null;
      const mentee = existingMentee ?? (await createPerson(schoolId, 'mentee', personFields('mentee', draft.mentee)));
      const fields = { mentor, mentee, form: draft.form, programme: draft.programme, startDate: draft.startDate, endDate: draft.endDate, status: 'active' as const };
      const pair = await repo.insertPair(place, fields);
      if (!pair) {
        const existing = await view(schoolId, await repo.findPair(schoolId, mentor.id, mentee.id));
        return existing ? { status: 'exists', pair: existing } : { status: 'not_found' };
      }
      const saved = (await view(schoolId, pair))!;
      await audit(actor, schoolId, 'pair', 'create', pair.id, diff({}, pairSnapshot(saved)));
      return { status: 'saved', pair: saved };
    },

    /** Applies an edited draft to a pair: the pair's own fields and its two people. */
    async updatePair(schoolId: string, pairId: string, draft: PairDraft, actor: number): Promise<SaveResult> {
      const before = await view(schoolId, await repo.getPair(schoolId, pairId));
      if (!before) return { status: 'not_found' };
      const blocking = checkPairRules(draft).filter((w) => w.blocking);
      if (blocking.length > 0) return { status: 'blocked', warnings: blocking };
      await repo.updatePerson(schoolId, before.mentor.id, personFields('mentor', draft.mentor));
      await repo.updatePerson(schoolId, before.mentee.id, personFields('mentee', draft.mentee));
      await repo.updatePair(schoolId, pairId, {
        form: draft.form,
        programme: draft.programme,
        startDate: draft.startDate,
        endDate: draft.endDate,
        status: draft.endDate && draft.endDate <= todayString(clock()) ? 'ended' : before.status,
      });
      const after = (await view(schoolId, await repo.getPair(schoolId, pairId)))!;
      await audit(actor, schoolId, 'pair', 'update', pairId, diff(pairSnapshot(before), pairSnapshot(after)));
      return { status: 'saved', pair: after };
    },

    async endPair(schoolId: string, pairId: string, endDate: string, actor: number): Promise<SaveResult> {
      const before = await view(schoolId, await repo.getPair(schoolId, pairId));
      if (!before) return { status: 'not_found' };
      if (endDate < before.startDate) {
        return { status: 'blocked', warnings: [{ code: 'dates_reversed', startDate: before.startDate, endDate, blocking: true }] };
      }
      await repo.updatePair(schoolId, pairId, { endDate, status: 'ended' });
      const after = (await view(schoolId, await repo.getPair(schoolId, pairId)))!;
      await audit(actor, schoolId, 'pair', 'end', pairId, diff(pairSnapshot(before), pairSnapshot(after)));
      return { status: 'saved', pair: after };
    },

    /** Deletes a pair, and its mentor or mentee when they are in no other pair of the school. */
    async deletePair(schoolId: string, pairId: string, actor: number): Promise<boolean> {
      const before = await view(schoolId, await repo.getPair(schoolId, pairId));
      if (!before || !(await repo.deletePair(schoolId, pairId))) return false;
      await deleteIfOrphan(schoolId, before.mentor.id);
      await deleteIfOrphan(schoolId, before.mentee.id);
      await audit(actor, schoolId, 'pair', 'delete', pairId, diff(pairSnapshot(before), {}).map((c) => ({ ...c, after: undefined })));
      return true;
    },

    /**
     * Loads rows a head confirmed (a file's good rows): a row naming a mentor and mentee already paired updates that
     * pair, a new one is created; importing the same file twice changes nothing the second time. One path for any
     * number of rows: register-bulk.ts, a handful of queries per file.
     */
    importDrafts: bulk.importDrafts,
    /** A school's people by id, in one equality query (exports read school by school). */
    peopleOfSchool: bulk.peopleOfSchool,

    async saveCounts(schoolId: string, values: SchoolCounts, actor: number): Promise<void> {
      const before = await repo.getCounts(schoolId);
      await repo.saveCounts(schoolId, values, actor, clock());
      await audit(actor, schoolId, 'counts', before ? 'update' : 'create', undefined, diff(before?.values ?? {}, values));
    },

    getCounts(schoolId: string): Promise<ReportedCounts | null> {
      return repo.getCounts(schoolId);
    },

    countsOf: repo.countsOf,

    auditOf: repo.auditOf,
    pairBatches: repo.pairBatches,
    peopleByIds: repo.peopleByIds,

    /**
     * Pairs in batches with both people's cards: a pair stored before cards existed gets them from its people (one
     * read a batch). A pair whose person is gone is left out.
     */
    async *pairsWithCards(filter: Parameters<typeof repo.pairBatches>[0]): AsyncGenerator<CardedPair[]> {
      for await (const batch of repo.pairBatches(filter)) {
        const lacking = batch.flatMap((p) => [...(p.mentorCard ? [] : [p.mentorId]), ...(p.menteeCard ? [] : [p.menteeId])]);
        const people = lacking.length > 0 ? await repo.peopleByIds(lacking) : new Map<string, PersonCard>();
        yield batch.flatMap((p) => {
          const mentorCard = p.mentorCard ?? people.get(p.mentorId);
          const menteeCard = p.menteeCard ?? people.get(p.menteeId);
          return mentorCard && menteeCard ? [{ ...p, mentorCard, menteeCard }] : [];
        });
      }
    },

    /** People registered as mentees in more than one school of these, by name (not possible in `codes` mode). */
    async menteesInSeveralSchools(schoolIds: string[]): Promise<{ name: string; schoolIds: string[] }[]> {
      const byKey = new Map<string, { name: string; schools: Set<string> }>();
      for (const person of await repo.namedMentees(schoolIds)) {
        const key = nameKey(person.name!);
        const entry = byKey.get(key) ?? { name: person.name!, schools: new Set<string>() };
        entry.schools.add(person.schoolId);
        byKey.set(key, entry);
      }
      return [...byKey.values()].filter((e) => e.schools.size > 1).map((e) => ({ name: e.name, schoolIds: [...e.schools] }));
    },
  };
}

function todayString(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export type RegisterService = ReturnType<typeof createRegisterService>;
