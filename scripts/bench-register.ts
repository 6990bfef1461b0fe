/**
 * npm run bench:register: the register's two heavy paths, end to end against a real MongoDB-compatible server.
 *  (a) a head's 5,000-row XLSX: parse + import through the register service (the goal: ≤ 10 s), and the
 *      same file again (no changes);
 *  (b) the export of a municipality with 100,000 pairs over 50 schools (goal: ≤ 15 s, memory flat), with the
 *      resident memory sampled every 100 ms.
 * It prints figures; it asserts nothing. A database of its own is made and dropped at the end.
 *
 * Options (env): MONGODB_TEST_URI (default mongodb://127.0.0.1:27017), BENCH_ROWS (5000),
 * BENCH_PAIRS (100000), BENCH_SCHOOLS (50).
 */
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import mongoose, { Types } from 'mongoose';
import { parseRegisterFile, templateColumns, writeTerritoryExport } from '../src/domain/register/register-file';
import { registerModels } from '../src/domain/register/register.model';
import { cardOf } from '../src/domain/register/register.repository';
import { createServices } from '../src/domain/services';
import { nameKey } from '../src/domain/shared/names';
import { systemClock } from '../src/domain/shared/clock';
import { connectOptions } from '../src/domain/shared/connection';

const MONGO = (process.env.MONGODB_TEST_URI ?? 'mongodb://127.0.0.1:27017').replace(/\/$/, '');
const ROWS = Number(process.env.BENCH_ROWS ?? 5000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 100_000);
const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 50);

const ABC = 'абвгдежзиклмнопрстуфхцчшэюя';
/** A distinct name-like word for a number (register names may not hold digits). */
function word(n: number, length = 4): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s = ABC[n % ABC.length] + s;
    n = Math.floor(n / ABC.length);
  }
  return s[0]!.toUpperCase() + s.slice(1);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * Samples memory every 100 ms while `work` runs; returns its result, the time, and the peaks over the start of the
 * resident set and of the V8 heap in use. RSS also counts garbage V8 has not collected yet (it collects lazily when
 * memory is plentiful); run with NODE_OPTIONS=--max-old-space-size=64 to see the export fit in a small heap.
 */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peak: number; heapPeak: number; samples: number }> {
  const baseline = process.memoryUsage();
  let peak = baseline.rss;
  let heapPeak = baseline.heapUsed;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
    samples++;
  };
  const timer = setInterval(sample, 100);
  const started = performance.now();
  try {
    const result = await work();
    sample();
    return { result, ms: performance.now() - started, peak: peak - baseline.rss, heapPeak: heapPeak - baseline.heapUsed, samples };
  } finally {
    clearInterval(timer);
  }
}

async function buildFile(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Реестр');
  sheet.addRow(templateColumns('full').map((c) => c.header));
  for (let i = 0; i < rows; i++) {
    const mentor = Math.floor(i / 5); // five mentees per mentor, as in a school with many pupil pairs
    const pupil = i % 3 !== 0;
    sheet.addRow([
      `Наставникова ${word(mentor)} Петровна`,
      'педагог',
      'учитель',
      `Ученикова ${word(i)} Ивановна`,
      pupil ? 'обучающийся' : 'молодой специалист',
      pupil ? 11 + (i % 7) : '',
      pupil ? `${5 + (i % 6)}А` : '',
      pupil ? 'педагог–учащийся' : 'учитель–учитель',
      'Программа наставничества «Шаг вперёд»',
      new Date(Date.UTC(2026, 8, 1)),
      '',
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function main() {
  const dbName = `bench_register_${randomBytes(4).toString('hex')}`;
  const conn = mongoose.createConnection(`${MONGO}/${dbName}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
  await conn.asPromise();
  console.log(`register benchmark on ${MONGO} (database ${dbName})`);
  try {
    const { services, ensureIndexes } = createServices(conn, { clock: systemClock, inviteTtlDays: 14, nameMode: 'full' });
    await ensureIndexes();
    await services.territory.importTable({
      rows: Array.from({ length: SCHOOLS }, (_, i) => ({
        row: i + 1,
        cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', `МБОУ «Средняя школа № ${i + 1}»`, `МБОУ СОШ № ${i + 1}`, 'школа'],
      })),
    });
    const schools = await services.territory.listOrganizations();
    const [municipality] = await services.territory.listMunicipalities();

    // (a) import of one school's file
    const timeImport = async (label: string, rows: number, schoolId: string) => {
      const file = await buildFile(rows);
      console.log(`  ${label}: ${rows}-row XLSX (${(file.length / 1024).toFixed(0)} KB)`);
      const run = () =>
        sampled(async () => {
          const t0 = performance.now();
          const parsed = await parseRegisterFile('реестр.xlsx', file, { nameMode: 'full', today: '2026-11-23' });
          const parseMs = performance.now() - t0;
          if (parsed.fatal || parsed.rows.length !== rows) throw new Error(`parse failed: ${JSON.stringify(parsed.fatal ?? parsed.errors.slice(0, 3))}`);
          const counts = await services.register.importDrafts(schoolId, parsed.rows.map((r) => r.draft), 1);
          return { parseMs, counts };
        });
      const first = await run();
      console.log(`    parse ${seconds(first.result.parseMs)}, parse + import ${seconds(first.ms)} (${(first.ms / rows).toFixed(1)} ms/row): ${JSON.stringify(first.result.counts)}; peak RSS +${mb(first.peak)}`);
      const again = await run();
      console.log(`    the same file again: ${seconds(again.ms)}: ${JSON.stringify(again.result.counts)}`);
    };
    console.log('\n(a) import of a head\'s file (goal: 5,000 rows ≤ 10 s)');
    await timeImport('register.importDrafts', ROWS, schools[0]!.id);

    // (b) export of a municipality: pairs put in directly, in bulk
    console.log(`\n(b) export of a municipality with ${PAIRS} pairs over ${schools.length} schools`);
    const { Person, Pair } = registerModels(conn);
    const insertStarted = performance.now();
    const perSchool = Math.ceil(PAIRS / schools.length);
    let made = 0;
    for (const [s, org] of schools.entries()) {
      const count = Math.min(perSchool, PAIRS - made);
      if (count <= 0) break;
      const schoolId = new Types.ObjectId(org.id);
      const place = { schoolId, municipalityId: new Types.ObjectId(org.municipalityId), regionId: new Types.ObjectId(org.regionId) };
      const mentors = Array.from({ length: Math.ceil(count / 5) }, (_, i) => {
        const name = `Педагогова ${word(s * 10_000 + i)} Петровна`;
        return { _id: new Types.ObjectId(), schoolId, kind: 'mentor', code: `Н-${100_000 + i}`, name, nameKey: nameKey(name), category: 'teacher', position: 'учитель' };
      });
      const mentees = Array.from({ length: count }, (_, i) => {
        // Every school's first 2 mentees share names with the next school's: people registered in two schools.
        const n = i < 2 ? (s % 2 === 0 ? s : s - 1) * 10 + i : s * 100_000 + i;
        const name = `Ученикова ${word(n, 5)} Ивановна`;
        return { _id: new Types.ObjectId(), schoolId, kind: 'mentee', code: `Я-${100_000 + i}`, name, nameKey: nameKey(name), category: 'pupil', age: 11 + (i % 7), grade: `${5 + (i % 6)}Б` };
      });
      await Person.insertMany([...mentors, ...mentees], { ordered: false, lean: true });
      const pairs = mentees.map((m, i) => ({
        ...place,
        mentorId: mentors[Math.floor(i / 5)]!._id,
        menteeId: m._id,
        // The cards of the two people every pair keeps, as the register's writes store them.
        mentorCard: cardOf(mentors[Math.floor(i / 5)]!),
        menteeCard: cardOf(m),
        form: 'teacher_pupil',
        programme: 'Программа наставничества «Шаг вперёд»',
        startDate: '2026-09-01',
        status: 'active',
      }));
      for (let i = 0; i < pairs.length; i += 5000) await Pair.insertMany(pairs.slice(i, i + 5000), { ordered: false, lean: true });
      made += count;
    }
    console.log(`  inserted ${made} pairs (and their people) in ${seconds(performance.now() - insertStarted)}`);

    global.gc?.();
    const source = { pairBatches: services.register.pairBatches, peopleByIds: services.register.peopleByIds, peopleOfSchool: services.register.peopleOfSchool };
    const exported = await sampled(() =>
      writeTerritoryExport(source, { nameMode: 'full', filter: { municipalityId: municipality!.id }, organizations: schools, municipalities: [municipality!] }),
    );
    const size = (await stat(exported.result.path)).size;
    console.log(
      `  writeTerritoryExport: ${seconds(exported.ms)} (goal ≤ 15 s), ${exported.result.pairs} pairs, ${exported.result.repeatedMentees} repeated mentees, ` +
        `file ${mb(size)}; peaks over the start: RSS +${mb(exported.peak)}, V8 heap in use +${mb(exported.heapPeak)} (${exported.samples} samples)`,
    );
    await rm(exported.result.path, { force: true });
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
