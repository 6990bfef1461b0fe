import { registerModels } from '../../src/domain/register/register.model';
import type { ImportDraft } from '../../src/domain/register/register.service';
import { Types } from 'mongoose';
import type { NameMode } from '../../src/domain/register/register.types';
import { createServices, type Services } from '../../src/domain/services';
import { createLeases, LeaseBusyError } from '../../src/domain/shared/lease';
import { openTestDb, seedTerritory, testClock } from '../helpers/services';

const teacher = (name: string, position?: string) => ({ name, category: 'teacher' as const, ...(position ? { position } : {}) });
const pupil = (name: string, age?: number, grade?: string) => ({ name, category: 'pupil' as const, ...(age ? { age } : {}), ...(grade ? { grade } : {}) });

const FIRST: ImportDraft[] = [
  { mentor: teacher('Петрова Анна Ивановна', 'учитель математики'), mentee: { name: 'Сидоров Олег', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Адаптация', startDate: '2026-09-01' },
  { mentor: teacher('Петрова Анна Ивановна', 'учитель математики'), mentee: pupil('Кузнецова Ирина', 14, '8Б'), form: 'teacher_pupil', programme: 'Шаг', startDate: '2026-09-01' },
  { mentor: teacher('Фёдоров Ян'), mentee: pupil('Кузнецова Ирина', 14, '8Б'), form: 'teacher_pupil', programme: 'Шаг', startDate: '2026-02-01', endDate: '2026-06-01' },
  // The same pair twice in one batch: the second row updates what the first made.
  { mentor: teacher('Фёдоров Ян'), mentee: pupil('Орлов Иван', 12), form: 'teacher_pupil', programme: 'Читаем', startDate: '2026-09-01' },
  { mentor: teacher('Фёдоров Ян'), mentee: pupil('Орлов Иван', 12), form: 'teacher_pupil', programme: 'Читаем вместе', startDate: '2026-09-01' },
];

const SECOND: ImportDraft[] = [
  { ...FIRST[0]!, mentor: teacher('Петрова Анна Ивановна', 'завуч') }, // the mentor's position changes
  { ...FIRST[1]!, mentor: teacher('Петрова Анна Ивановна', 'завуч') },
  { ...FIRST[2]!, programme: 'Шаг вперёд' }, // the pair changes
  FIRST[4]!,
  { mentor: teacher('Новикова Ева'), mentee: pupil('Рыбин Лев', 11), form: 'teacher_pupil', programme: 'Старт', startDate: '2026-10-01' },
];

/** A school's register as comparable plain data: people by code, pairs by the codes of their two people. */
async function snapshot(services: Services, schoolId: string) {
  const { items } = await services.register.listPairs(schoolId, 0, 1000);
  const person = (p: (typeof items)[number]['mentor']) => ({ code: p.code, name: p.name, category: p.category, position: p.position, age: p.age, grade: p.grade });
  return items
    .map((p) => ({ mentor: person(p.mentor), mentee: person(p.mentee), form: p.form, programme: p.programme, startDate: p.startDate, endDate: p.endDate, status: p.status }))
    .sort((a, b) => `${a.mentor.code}|${a.mentee.code}`.localeCompare(`${b.mentor.code}|${b.mentee.code}`));
}

/** Every pair's cards of its two people, next to what the people's own records say now. */
async function cardsAndPeople(db: Awaited<ReturnType<typeof openTestDb>>, schoolId: string) {
  const people = new Map((await db.conn.collection('register_people').find({ schoolId: new Types.ObjectId(schoolId) }).toArray()).map((p) => [String(p._id), p]));
  const card = (p: Record<string, unknown> | undefined) =>
    p && Object.fromEntries(['code', 'name', 'category', 'position', 'age', 'grade'].filter((k) => p[k] != null).map((k) => [k, p[k]]));
  const pairs = await db.conn.collection('register_pairs').find({ schoolId: new Types.ObjectId(schoolId) }).toArray();
  return pairs.map((p) => ({ cards: [JSON.parse(p.mentorCard), JSON.parse(p.menteeCard)], people: [card(people.get(String(p.mentorId))), card(people.get(String(p.menteeId)))] }));
}

describe('importing a file’s rows into the register (one bulk path, a handful of queries per file)', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
  });
  afterAll(async () => db.close());

  const line = (p: Awaited<ReturnType<typeof snapshot>>[number]) => `${p.mentor.code} ${p.mentor.name} → ${p.mentee.code} ${p.mentee.name}: ${p.programme}, ${p.status}`;

  it('resolves people by name within the batch and across imports, updates what changed and never duplicates', async () => {
    const { register } = db.services;
    const school = territory.kindergarten5.id;
    // Five rows: four pairs, the last row updating the pair the fourth made.
    expect(await register.importDrafts(school, FIRST, 1)).toEqual({ created: 4, updated: 1, unchanged: 0 });
    expect((await snapshot(db.services, school)).map(line)).toEqual([
      'Н-001 Петрова Анна Ивановна → Я-001 Сидоров Олег: Адаптация, active',
      'Н-001 Петрова Анна Ивановна → Я-002 Кузнецова Ирина: Шаг, active',
      'Н-002 Фёдоров Ян → Я-002 Кузнецова Ирина: Шаг, ended', // ended 01.06.2026, before today
      'Н-002 Фёдоров Ян → Я-003 Орлов Иван: Читаем вместе, active',
    ]);
    expect(await register.importDrafts(school, SECOND, 1)).toEqual({ created: 1, updated: 2, unchanged: 2 });
    expect(await register.importDrafts(school, SECOND, 1)).toEqual({ created: 0, updated: 0, unchanged: 5 });
    const after = await snapshot(db.services, school);
    expect(after.map(line)).toEqual([
      'Н-001 Петрова Анна Ивановна → Я-001 Сидоров Олег: Адаптация, active',
      'Н-001 Петрова Анна Ивановна → Я-002 Кузнецова Ирина: Шаг, active',
      'Н-002 Фёдоров Ян → Я-002 Кузнецова Ирина: Шаг вперёд, ended',
      'Н-002 Фёдоров Ян → Я-003 Орлов Иван: Читаем вместе, active',
      'Н-003 Новикова Ева → Я-004 Рыбин Лев: Старт, active',
    ]);
    expect(after.filter((p) => p.mentor.code === 'Н-001').map((p) => p.mentor.position)).toEqual(['завуч', 'завуч']);
    expect(after.find((p) => p.mentee.code === 'Я-002')?.mentee).toMatchObject({ age: 14, grade: '8Б', category: 'pupil' });
    // Every import is in the audit log, and the codes counter continues after an import.
    expect((await register.auditOf(school)).filter((e) => e.action === 'import')).toHaveLength(3);
    const next = await register.createPair(school, { mentor: teacher('Зуева Ия'), mentee: pupil('Зуев Ян', 12), form: 'teacher_pupil', programme: 'Старт', startDate: '2026-10-01' }, 1);
    expect(next.status === 'saved' && [next.pair.mentor.code, next.pair.mentee.code]).toEqual(['Н-004', 'Я-005']);
  });

  it('keeps each pair’s cards of its two people in step with the people, whatever changed them', async () => {
    const { register } = db.services;
    const school = territory.kindergarten5.id;
    const inStep = async () => {
      const rows = await cardsAndPeople(db, school);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.cards).toEqual(row.people);
    };
    await inStep(); // after the imports of the test above (new people, a changed position)
    // An edit of one pair renames its mentor: the mentor's other pair shows the new name too.
    const pairs = (await register.listPairs(school, 0, 100)).items.filter((p) => p.mentor.code === 'Н-001');
    expect(pairs).toHaveLength(2);
    const target = pairs[0]!;
    const saved = await register.updatePair(school, target.id, { mentor: teacher('Петрова-Смирнова Анна Ивановна', 'завуч'), mentee: { name: target.mentee.name, category: target.mentee.category as 'pupil', age: 15, grade: target.mentee.grade }, form: target.form, programme: target.programme, startDate: target.startDate }, 1);
    expect(saved.status).toBe('saved');
    await inStep();
    const other = (await cardsAndPeople(db, school)).filter((r) => r.cards[0].code === 'Н-001');
    expect(other.map((r) => r.cards[0].name)).toEqual(['Петрова-Смирнова Анна Ивановна', 'Петрова-Смирнова Анна Ивановна']);
    // A file that changes a mentee's age updates the cards of every pair of that mentee.
    await register.importDrafts(school, [{ mentor: teacher('Фёдоров Ян'), mentee: pupil('Кузнецова Ирина', 16, '10Б'), form: 'teacher_pupil', programme: 'Шаг вперёд', startDate: '2026-02-01', endDate: '2026-06-01' }], 1);
    await inStep();
    expect((await cardsAndPeople(db, school)).filter((r) => r.cards[1].name === 'Кузнецова Ирина').map((r) => r.cards[1].age)).toEqual([16, 16]);
  });

  it('when the register keeps codes, then known codes update their people and blank codes add people', async () => {
    const first: ImportDraft[] = [
      { mentor: { category: 'teacher' }, mentee: { category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' },
      { mentor: { category: 'student' }, mentee: { category: 'pupil', age: 13 }, form: 'student_pupil', programme: 'Лето', startDate: '2026-06-01' },
    ];
    const second: ImportDraft[] = [
      { mentorCode: 'Н-001', menteeCode: 'Я-001', mentor: { category: 'teacher', position: 'учитель' }, mentee: { category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' },
      { mentorCode: 'Н-002', mentor: { category: 'student' }, mentee: { category: 'pupil', age: 12 }, form: 'student_pupil', programme: 'Лето', startDate: '2026-06-01' },
    ];
    const { register } = createServices(db.conn, { clock: time.clock, inviteTtlDays: 14, nameMode: 'codes' as NameMode }).services;
    const school = territory.school8.id;
    expect(await register.importDrafts(school, first, 1)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await register.importDrafts(school, second, 1)).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect((await snapshot(db.services, school)).map((p) => `${p.mentor.code} → ${p.mentee.code}, ${p.mentor.position ?? '—'}, ${p.mentor.name ?? 'no name'}`)).toEqual([
      'Н-001 → Я-001, учитель, no name',
      'Н-002 → Я-002, —, no name',
      'Н-002 → Я-003, —, no name',
    ]);
    const stored = await db.conn.collection('register_people').find({ schoolId: new Types.ObjectId(school) }).toArray();
    expect(stored.every((p) => p.name === undefined)).toBe(true);
  });

  it('imports one file of a school at a time: a second waits its turn, a dead holder’s lease is taken over', async () => {
    const school = territory.school1.id;
    const leases = createLeases(db.conn, time.clock);
    const row: ImportDraft = { mentor: teacher('Лизунова Вера'), mentee: pupil('Лизунов Пётр', 13), form: 'teacher_pupil', programme: 'Старт', startDate: '2026-10-01' };
    await leases.run(`register-import:${school}`, 60_000, async () => {
      await expect(db.services.register.importDrafts(school, [row], 1)).rejects.toBeInstanceOf(LeaseBusyError);
    });
    // Five imports of the same new people at once: they go one by one (or wait), and nobody is created twice.
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => db.services.register.importDrafts(school, [row], 1)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LeaseBusyError);
    const named = (await snapshot(db.services, school)).filter((p) => p.mentee.name === 'Лизунов Пётр');
    expect(named).toHaveLength(1);
    // A process that died holding the lease: once its time is up, the next import takes it over.
    await db.conn.collection('leases').insertOne({ _id: `register-import:${school}` as never, token: 'dead', until: new Date(time.clock().getTime() - 1000) });
    expect(await db.services.register.importDrafts(school, [row], 1)).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await db.conn.collection('leases').countDocuments({})).toBe(0);
  });

  it('when a code the counter hands out is already taken, then the person gets the next free one', async () => {
    const school = territory.school1.id;
    await db.services.register.importDrafts(school, FIRST.slice(0, 1), 1);
    const { Person, Counter } = registerModels(db.conn);
    // Someone put the next mentor code in by hand, past the counter.
    const counter = await Counter.findById(`${school}:mentor`).lean();
    await Person.create({ schoolId: school, kind: 'mentor', code: `Н-${String(counter!.seq + 1).padStart(3, '0')}`, name: 'Вручную Внесённый', nameKey: 'вручную внесенный', category: 'teacher' });
    const counts = await db.services.register.importDrafts(school, [{ mentor: teacher('Кодова Ада'), mentee: pupil('Кодов Ян', 12), form: 'teacher_pupil', programme: 'Старт', startDate: '2026-10-01' }], 1);
    expect(counts.created).toBe(1);
    const pair = (await snapshot(db.services, school)).find((p) => p.mentor.name === 'Кодова Ада')!;
    expect(pair.mentor.code).toBe(`Н-${String(counter!.seq + 2).padStart(3, '0')}`);
  });
});
