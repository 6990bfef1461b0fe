/**
 * npm run bench:status: the quick status answers for a municipality of 200 schools (the goal: each within a
 * second). 200 schools, a head in 150 of them, a municipal roadmap of 30 items published (6,000 tasks, some done,
 * most overdue or ahead); then the reads behind /status (a coordinator's and a head's), /overdue, /schools and
 * /school, each timed. Prints figures; asserts nothing. A database of its own is made and dropped at the end.
 * Options (env): MONGODB_TEST_URI (default mongodb://127.0.0.1:27017), BENCH_ORGS (200), BENCH_ITEMS (30).
 */
import { randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { peopleModels } from '../src/domain/people/people.model';
import { registerModels } from '../src/domain/register/register.model';
import { newItem, withResponsible } from '../src/domain/roadmap/roadmap-build';
import { createServices } from '../src/domain/services';
import { connectOptions } from '../src/domain/shared/connection';
import { nameKey } from '../src/domain/shared/names';
import { schoolStatus } from '../src/domain/status/school-status';
import { overdueByParty, schoolMarks, territoryStatus } from '../src/domain/status/territory-status';
import { buildTerritoryReport } from '../src/domain/report/territory-report';
import { translator } from '../src/bot/i18n';
import { territoryModels } from '../src/domain/territory/territory.model';

const MONGO = (process.env.MONGODB_TEST_URI ?? 'mongodb://127.0.0.1:27017').replace(/\/$/, '');
const ORGS = Number(process.env.BENCH_ORGS ?? 200);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 30);

async function main() {
  const dbName = `bench_status_${randomBytes(4).toString('hex')}`;
  const conn = mongoose.createConnection(`${MONGO}/${dbName}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
  await conn.asPromise();
  console.log(`status benchmark on ${MONGO} (database ${dbName}): ${ORGS} schools × ${ITEMS} items`);
  try {
    const now = new Date('2026-11-23T06:00:00Z');
    const { services, ensureIndexes } = createServices(conn, { clock: () => now, inviteTtlDays: 14 });
    await ensureIndexes();
    const { Region, Municipality, Organization } = territoryModels(conn);
    const { User } = peopleModels(conn);
    const region = await Region.create({ name: 'Иркутская область', nameKey: 'иркутская область' });
    const municipality = await Municipality.create({ regionId: region._id, name: 'г. Бодайбо и район', nameKey: 'г бодайбо и район', timezone: 'Asia/Irkutsk' });
    const orgs = Array.from({ length: ORGS }, (_, i) => {
      const name = `МБОУ СОШ № ${i + 1}`;
      return { _id: new Types.ObjectId(), regionId: region._id, municipalityId: municipality._id, fullName: `${name} г. Бодайбо`, shortName: name, nameKey: nameKey(name), shortNameKey: nameKey(name), kind: 'school' };
    });
    await Organization.insertMany(orgs, { lean: true });
    await User.insertMany(
      orgs.slice(0, Math.round(ORGS * 0.75)).map((o, k) => ({ telegramId: 30_000_000 + k, chatId: 30_000_000 + k, fullName: `Руководитель ${k}`, role: 'head', scope: { level: 'organization', id: o._id }, scopeId: o._id, isAdmin: false, language: 'ru' })),
      { lean: true },
    );
    const context = { ownerLevel: 'municipality' as const, period: { start: '2026-01-01', end: '2027-12-31' }, referenceDate: '2026-01-01' };
    const items = Array.from({ length: ITEMS }, (_, i) => {
      const due = new Date(Date.UTC(2026, 0, 15) + i * 25 * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('.');
      return withResponsible(newItem({ number: String(i + 1), section: null, name: `Мероприятие ${i + 1}`, deadline: `до ${due}`, responsible: 'ОО', documentKind: '' }, context), 'organizations', 'ОО', context);
    });
    const scope = { level: 'municipality' as const, id: String(municipality._id) };
    await services.roadmap.publish({ title: 'Дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items }, scope, 'bench');
    // Some schools confirmed a few tasks.
    for (const o of orgs.slice(0, 40)) {
      for (const { task } of (await services.roadmap.tasksOf(String(o._id))).slice(0, 3)) await services.roadmap.submit(String(o._id), task.id, [{ kind: 'comment', text: 'сделано' }], 1);
    }
    // The register: 10 active pairs a school (a teacher with pupils and a young specialist), and /counts.
    const { Pair, Counts } = registerModels(conn);
    const PAIRS = Number(process.env.BENCH_PAIRS ?? 10);
    const card = (code: string, category: string, extra: Record<string, unknown> = {}) => JSON.stringify({ code, name: `Человек ${code}`, category, ...extra });
    await Pair.insertMany(
      orgs.flatMap((o) =>
        Array.from({ length: PAIRS }, (_, k) => ({
          schoolId: o._id,
          municipalityId: municipality._id,
          regionId: region._id,
          mentorId: new Types.ObjectId(),
          menteeId: new Types.ObjectId(),
          form: k === 0 ? 'teacher_teacher' : 'teacher_pupil',
          programme: 'Программа',
          startDate: '2026-09-01',
          status: 'active',
          mentorCard: card(`Н-${k}`, 'teacher', { position: 'учитель' }),
          menteeCard: k === 0 ? card(`Я-${k}`, 'young_specialist') : card(`Я-${k}`, 'pupil', { age: 12 + (k % 6), grade: '7А' }),
        })),
      ),
      { lean: true },
    );
    await Counts.insertMany(
      orgs.map((o) => ({ schoolId: o._id, values: { pupils_11_18: 300, pupils_15_18: 100, young_specialists: 2, pupils_ovz: 5, pupils_at_risk: 2 }, reportedAt: now, reportedBy: 1 })),
      { lean: true },
    );
    const today = '2026-11-23';
    const time = async (label: string, run: () => Promise<unknown>) => {
      await run(); // once to warm the caches a running bot has
      const started = performance.now();
      await run();
      console.log(`  ${label}: ${(performance.now() - started).toFixed(0)} ms (goal ≤ 1,000 ms)`);
    };
    console.log('');
    // What the bot's /status reads: the territory's tasks and its indicators (a head's: the school's).
    await time("a coordinator's /status", () => Promise.all([territoryStatus(services, scope, today), services.indicators.forTerritory(scope)]));
    await time('/indicators (the territory)', () => services.indicators.forTerritory(scope));
    await time('/overdue', () => overdueByParty(services, scope, today));
    await time('/schools (every school with its marks)', () => schoolMarks(services, scope, today));
    await time('/school СОШ № 17', () => schoolMarks(services, scope, today, 'СОШ № 17'));
    await time("a head's /status", () => Promise.all([schoolStatus(services, String(orgs[17]!._id), today), services.indicators.forSchool(String(orgs[17]!._id))]));
    // A region (BENCH_MUNICIPALITIES > 1): more municipalities of the same size and a regional roadmap over all
    // their schools; a regional coordinator's /status reads every one of them.
    const MUNICIPALITIES = Number(process.env.BENCH_MUNICIPALITIES ?? 1);
    if (MUNICIPALITIES > 1) {
      for (let m = 1; m < MUNICIPALITIES; m++) {
        const other = await Municipality.create({ regionId: region._id, name: `Район ${m}`, nameKey: `район ${m}`, timezone: 'Asia/Irkutsk' });
        const more = Array.from({ length: ORGS }, (_, i) => {
          const name = `МБОУ СОШ № ${i + 1} района ${m}`;
          return { _id: new Types.ObjectId(), regionId: region._id, municipalityId: other._id, fullName: name, shortName: name, nameKey: nameKey(name), shortNameKey: nameKey(name), kind: 'school' };
        });
        await Organization.insertMany(more, { lean: true });
        await Pair.insertMany(
          more.flatMap((o) => Array.from({ length: PAIRS }, (_, k) => ({ schoolId: o._id, municipalityId: other._id, regionId: region._id, mentorId: new Types.ObjectId(), menteeId: new Types.ObjectId(), form: 'teacher_pupil', programme: 'Программа', startDate: '2026-09-01', status: 'active', mentorCard: card(`Н-${k}`, 'teacher'), menteeCard: card(`Я-${k}`, 'pupil', { age: 13 }) }))),
          { lean: true },
        );
        await Counts.insertMany(more.map((o) => ({ schoolId: o._id, values: { pupils_11_18: 300, pupils_15_18: 100, young_specialists: 2, pupils_ovz: 5, pupils_at_risk: 2 }, reportedAt: now, reportedBy: 1 })), { lean: true });
      }
      const regionScope = { level: 'region' as const, id: String(region._id) };
      const regional = { ...context, ownerLevel: 'region' as const };
      const regionalItems = Array.from({ length: ITEMS }, (_, i) => withResponsible(newItem({ number: String(i + 1), section: null, name: `Региональное мероприятие ${i + 1}`, deadline: 'до 15.10.2026', responsible: 'ОО', documentKind: '' }, regional), 'organizations', 'ОО', regional));
      const loading = performance.now();
      await services.roadmap.publish({ title: 'Региональная дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items: regionalItems }, regionScope, 'bench');
      console.log(`\n  a region of ${MUNICIPALITIES} municipalities × ${ORGS} schools (${MUNICIPALITIES * ORGS * ITEMS} regional tasks, ${MUNICIPALITIES * ORGS * PAIRS} pairs; loaded in ${((performance.now() - loading) / 1000).toFixed(1)} s):`);
      await time("a regional coordinator's /status", () => Promise.all([territoryStatus(services, regionScope, today), services.indicators.regionView(regionScope.id)]));
      await time('/indicators (the region)', () => services.indicators.forTerritory(regionScope));
      if (process.env.BENCH_DETAIL) {
        await time('  territoryStatus', () => territoryStatus(services, regionScope, today));
        await time('  regionView', () => services.indicators.regionView(regionScope.id));
        await time('  tasks of the regional roadmap', async () => services.roadmap.tasksOfRoadmap((await services.roadmap.roadmapsOf([regionScope.id]))[0]!.id));
        await time('  organizations', () => services.territory.organizationsIn(regionScope));
        await time('  pairs', async () => { for await (const b of services.register.pairsWithCards({ regionId: regionScope.id })) void b; });
        await time('  counts', async () => services.register.countsOf((await services.territory.organizationsIn(regionScope)).map((o) => o.id)));
        await time('  monitoring', async () => services.monitoring.latestAnswers((await services.territory.organizationsIn(regionScope)).map((o) => o.id)));
        await time('  users', async () => services.people.usersInScopes((await services.territory.organizationsIn(regionScope)).map((o) => o.id)));
      }
    }

    // /report builds the XLSX while a progress message shows: not a one-second answer, timed for the record.
    const started = performance.now();
    const report = await buildTerritoryReport(services, scope, { t: translator('ru'), today, timeZone: 'Asia/Irkutsk' });
    console.log(`  /report (XLSX of ${ORGS} schools × ${ITEMS} items, ${ORGS * PAIRS} pairs): ${(performance.now() - started).toFixed(0)} ms, ${Math.round(report.length / 1024)} KB`);
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
