import { createRegisterBulk } from '../../src/domain/register/register-bulk';
import { registerModels } from '../../src/domain/register/register.model';
import type { ImportDraft } from '../../src/domain/register/register.service';
import type { NameMode } from '../../src/domain/register/register.types';
import { createServices, type Services } from '../../src/domain/services';
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

describe('the bulk import does what the service’s importDrafts does, in a few queries', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    territory = await seedTerritory(db.services);
  });
  afterAll(async () => db.close());

  const servicesIn = (nameMode: NameMode) => createServices(db.conn, { clock: time.clock, inviteTtlDays: 14, nameMode }).services;
  const bulkIn = (nameMode: NameMode) => createRegisterBulk(db.conn, db.services.territory, { clock: time.clock, nameMode });

  it('when the same batches are imported by both into two schools, then counts, codes and every field are the same', async () => {
    const service = db.services.register;
    const bulk = bulkIn('full');
    const a = territory.school1.id;
    const b = territory.kindergarten5.id;
    expect(await bulk.importDrafts(b, FIRST, 1)).toEqual(await service.importDrafts(a, FIRST, 1));
    expect(await snapshot(db.services, b)).toEqual(await snapshot(db.services, a));
    const second = await service.importDrafts(a, SECOND, 1);
    expect(second).toEqual({ created: 1, updated: 2, unchanged: 2 });
    expect(await bulk.importDrafts(b, SECOND, 1)).toEqual(second);
    expect(await snapshot(db.services, b)).toEqual(await snapshot(db.services, a));
    expect(await bulk.importDrafts(b, SECOND, 1)).toEqual({ created: 0, updated: 0, unchanged: 5 });
    expect((await snapshot(db.services, b)).map((p) => `${p.mentor.code} ${p.mentor.name} → ${p.mentee.code} ${p.mentee.name}: ${p.programme}, ${p.status}`)).toEqual([
      'Н-001 Петрова Анна Ивановна → Я-001 Сидоров Олег: Адаптация, active',
      'Н-001 Петрова Анна Ивановна → Я-002 Кузнецова Ирина: Шаг, active',
      'Н-002 Фёдоров Ян → Я-002 Кузнецова Ирина: Шаг вперёд, ended',
      'Н-002 Фёдоров Ян → Я-003 Орлов Иван: Читаем вместе, active',
      'Н-003 Новикова Ева → Я-004 Рыбин Лев: Старт, active',
    ]);
    // Every import is in the audit log, and the codes counter continues after a bulk import.
    expect((await db.services.register.auditOf(b)).filter((e) => e.action === 'import')).toHaveLength(3);
    const next = await service.createPair(b, { mentor: teacher('Зуева Ия'), mentee: pupil('Зуев Ян', 12), form: 'teacher_pupil', programme: 'Старт', startDate: '2026-10-01' }, 1);
    expect(next.status === 'saved' && [next.pair.mentor.code, next.pair.mentee.code]).toEqual(['Н-004', 'Я-005']);
  });

  it('when the register keeps codes, then known codes update their people and blank codes add people, as the service does', async () => {
    const first: ImportDraft[] = [
      { mentor: { category: 'teacher' }, mentee: { category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' },
      { mentor: { category: 'student' }, mentee: { category: 'pupil', age: 13 }, form: 'student_pupil', programme: 'Лето', startDate: '2026-06-01' },
    ];
    const second: ImportDraft[] = [
      { mentorCode: 'Н-001', menteeCode: 'Я-001', mentor: { category: 'teacher', position: 'учитель' }, mentee: { category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' },
      { mentorCode: 'Н-002', mentor: { category: 'student' }, mentee: { category: 'pupil', age: 12 }, form: 'student_pupil', programme: 'Лето', startDate: '2026-06-01' },
    ];
    // The service on school 8 of this database; the bulk import on school 8 of a second one, from the same start.
    const service = servicesIn('codes').register;
    const school = territory.school8.id;
    await service.importDrafts(school, first, 1);
    const expected = await service.importDrafts(school, second, 1);
    const viaService = await snapshot(db.services, school);
    expect(viaService.map((p) => `${p.mentor.code} → ${p.mentee.code}, ${p.mentor.position ?? '—'}, ${p.mentor.name ?? 'no name'}`)).toEqual([
      'Н-001 → Я-001, учитель, no name',
      'Н-002 → Я-002, —, no name',
      'Н-002 → Я-003, —, no name',
    ]);

    const other = await openTestDb(time.clock, 14, 'codes');
    try {
      const school2 = (await seedTerritory(other.services)).school8.id;
      const bulk = createRegisterBulk(other.conn, other.services.territory, { clock: time.clock, nameMode: 'codes' });
      await bulk.importDrafts(school2, first, 1);
      expect(await bulk.importDrafts(school2, second, 1)).toEqual(expected);
      expect(await snapshot(other.services, school2)).toEqual(viaService);
    } finally {
      await other.close();
    }
  });

  it('when a code the counter hands out is already taken, then the person gets the next free one', async () => {
    const school = territory.school1.id;
    const { Person, Counter } = registerModels(db.conn);
    // Someone put Н-101 in by hand, past the counter.
    const counter = await Counter.findById(`${school}:mentor`).lean();
    await Person.create({ schoolId: school, kind: 'mentor', code: `Н-${String(counter!.seq + 1).padStart(3, '0')}`, name: 'Вручную Внесённый', nameKey: 'вручную внесенный', category: 'teacher' });
    const counts = await bulkIn('full').importDrafts(school, [{ mentor: teacher('Кодова Ада'), mentee: pupil('Кодов Ян', 12), form: 'teacher_pupil', programme: 'Старт', startDate: '2026-10-01' }], 1);
    expect(counts.created).toBe(1);
    const pair = (await snapshot(db.services, school)).find((p) => p.mentor.name === 'Кодова Ада')!;
    expect(pair.mentor.code).toBe(`Н-${String(counter!.seq + 2).padStart(3, '0')}`);
  });
});
