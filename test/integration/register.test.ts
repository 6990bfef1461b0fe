import type { PairDraft } from '../../src/domain/register/register.types';
import { openTestDb, seedTerritory, testClock } from '../helpers/services';

const draft = (over: Partial<PairDraft> = {}): PairDraft => ({
  mentor: { name: 'Петрова Анна Ивановна', category: 'teacher', position: 'учитель математики' },
  mentee: { name: 'Сидоров Олег Павлович', category: 'young_specialist' },
  form: 'teacher_teacher',
  programme: 'Адаптация молодого педагога',
  startDate: '2026-09-01',
  ...over,
});

describe('the register against FerretDB', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
  });
  afterAll(async () => db.close());

  it('saves a pair with codes for both people, and reuses a mentor for a second mentee', async () => {
    const school = territory.school1.id;
    const first = await db.services.register.createPair(school, draft(), 1);
    expect(first.status).toBe('saved');
    if (first.status !== 'saved') return;
    expect(first.pair.mentor).toMatchObject({ code: 'Н-001', name: 'Петрова Анна Ивановна', position: 'учитель математики' });
    expect(first.pair.mentee).toMatchObject({ code: 'Я-001', category: 'young_specialist' });
    const second = await db.services.register.createPair(
      school,
      draft({ mentor: { existingId: first.pair.mentor.id, category: 'teacher' }, mentee: { name: 'Кузнецова Ирина', category: 'teacher' } }),
      1,
    );
    expect(second.status === 'saved' && second.pair.mentor.id).toBe(first.pair.mentor.id);
    const page = await db.services.register.listPairs(school, 0, 10);
    expect(page.total).toBe(2);
  });

  it('warns about a form that does not fit, a pupil under 10, the same mentee in another pair, and refuses reversed dates', async () => {
    const school = territory.school1.id;
    const warnings = await db.services.register.review(
      school,
      draft({ form: 'teacher_teacher', mentee: { name: 'Сидоров Олег Павлович', category: 'pupil', age: 8 } }),
    );
    expect(warnings.map((w) => w.code).sort()).toEqual(['form_mentee_category', 'mentee_has_pair', 'pupil_too_young']);
    const reversed = await db.services.register.createPair(school, draft({ startDate: '2026-09-01', endDate: '2026-05-01' }), 1);
    expect(reversed.status).toBe('blocked');
  });

  it('keeps one school’s pair out of another school’s reach', async () => {
    const [pair] = (await db.services.register.listPairs(territory.school1.id, 0, 1)).items;
    expect(await db.services.register.getPair(territory.school8.id, pair!.id)).toBeNull();
    expect(await db.services.register.deletePair(territory.school8.id, pair!.id, 1)).toBe(false);
    expect(await db.services.register.getPair(territory.school1.id, pair!.id)).not.toBeNull();
  });

  it('imports the same rows twice without duplicating, and audits every change', async () => {
    const school = territory.kindergarten5.id;
    const rows = [draft(), draft({ mentee: { name: 'Орлова Вера', category: 'teacher' } })];
    expect(await db.services.register.importDrafts(school, rows, 2)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await db.services.register.importDrafts(school, rows, 2)).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(await db.services.register.importDrafts(school, [draft({ programme: 'Новая программа' })], 2)).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect((await db.services.register.listPairs(school, 0, 10)).total).toBe(2);
    const audit = await db.services.register.auditOf(school);
    expect(audit.filter((a) => a.action === 'import')).toHaveLength(3);
  });

  it('ends and deletes a pair; a mentee in no other pair goes with it', async () => {
    const school = territory.school8.id;
    const saved = await db.services.register.createPair(school, draft(), 3);
    if (saved.status !== 'saved') throw new Error('not saved');
    const ended = await db.services.register.endPair(school, saved.pair.id, '2027-05-31', 3);
    expect(ended.status === 'saved' && ended.pair).toMatchObject({ status: 'ended', endDate: '2027-05-31' });
    expect(await db.services.register.deletePair(school, saved.pair.id, 3)).toBe(true);
    expect((await db.services.register.listPairs(school, 0, 10)).total).toBe(0);
    const audit = await db.services.register.auditOf(school);
    expect(audit.map((a) => a.action)).toEqual(['delete', 'end', 'create']);
    expect(audit[1]!.changes).toEqual(
      expect.arrayContaining([{ field: 'endDate', after: '2027-05-31' }, { field: 'status', before: 'active', after: 'ended' }]),
    );
  });

  it('finds a person registered as a mentee in two schools', async () => {
    await db.services.register.createPair(territory.school8.id, draft({ mentee: { name: 'Сидоров  Олег Павлович', category: 'young_specialist' } }), 3);
    const dups = await db.services.register.menteesInSeveralSchools([territory.school1.id, territory.school8.id, territory.kindergarten5.id]);
    expect(dups).toEqual([{ name: 'Сидоров Олег Павлович', schoolIds: expect.arrayContaining([territory.school1.id, territory.school8.id]) }]);
  });
});

describe('name modes', () => {
  it('keeps only surname and initials with REGISTER_NAMES=initials, and no names with codes', async () => {
    const time = testClock();
    for (const [mode, expected] of [
      ['initials', 'Петрова А. И.'],
      ['codes', undefined],
    ] as const) {
      const db = await openTestDb(time.clock, 14, mode);
      try {
        const territory = await seedTerritory(db.services);
        const saved = await db.services.register.createPair(territory.school1.id, draft(), 1);
        expect(saved.status === 'saved' && saved.pair.mentor.name).toBe(expected ?? undefined);
        const raw = await db.conn.collection('register_people').find({}).toArray();
        expect(JSON.stringify(raw)).not.toContain('Анна');
        expect(JSON.stringify(raw)).not.toContain('Павлович');
      } finally {
        await db.close();
      }
    }
  });
});
