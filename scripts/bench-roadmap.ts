/**
 * npm run bench:roadmap: a 30-item roadmap (as the tab-separated text of the seeds) imported for a municipality of
 * 1,000 organizations: reading, parsing the deadlines, publishing and the fan-out into tasks (the goal:
 * ≤ 10 s), then the same roadmap again (nothing new). Prints figures; asserts nothing. A database of its own is
 * made and dropped at the end. Options (env): MONGODB_TEST_URI (default mongodb://127.0.0.1:27017),
 * BENCH_ORGS (1000), BENCH_ITEMS (30).
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { draftRoadmap } from '../src/domain/roadmap/roadmap-build';
import { readRoadmapDocument } from '../src/domain/roadmap/roadmap-file';
import { parseRoadmap } from '../src/domain/roadmap/roadmap-parse';
import { createServices } from '../src/domain/services';
import { systemClock } from '../src/domain/shared/clock';
import { connectOptions } from '../src/domain/shared/connection';

const MONGO = (process.env.MONGODB_TEST_URI ?? 'mongodb://127.0.0.1:27017').replace(/\/$/, '');
const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 30);

// Deadlines and responsible parties as the seeds give them; yearly items make four tasks per school.
const DEADLINES = ['I квартал 2021 г.', 'До 09.11.2021', 'В течение всего периода', 'Ежегодно', '2022-2024 гг.', 'По мере необходимости', '15 июля 2022 года', 'В течение 2021/2022 учебного года'];
const RESPONSIBLE = ['Руководители МОО', 'МКУ «Ресурсный центр», образовательные организации', 'Бабкина И.Г. Руководители МОО', 'МКУ «Ресурсный центр»'];

function roadmapText(items: number): Buffer {
  const lines = ['Дорожная карта внедрения целевой модели наставничества на 2021-2024 гг.', '', '№ п/п\tНаименование мероприятия\tСроки\tОтветственный исполнитель\tВид документа\tОжидаемые результаты'];
  for (let i = 0; i < items; i++) {
    if (i % 6 === 0) lines.push(`${['I', 'II', 'III', 'IV', 'V', 'VI'][i / 6] ?? i / 6 + 1}. Раздел мероприятий номер ${i / 6 + 1}\t\t\t\t\t`);
    lines.push(`${(i % 6) + 1}.\tМероприятие по внедрению наставничества № ${i + 1}\t${DEADLINES[i % DEADLINES.length]}\t${RESPONSIBLE[i % RESPONSIBLE.length]}\tПриказ\tРезультат`);
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const dbName = `bench_roadmap_${randomBytes(4).toString('hex')}`;
  const conn = mongoose.createConnection(`${MONGO}/${dbName}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
  await conn.asPromise();
  console.log(`roadmap benchmark on ${MONGO} (database ${dbName}): ${ITEMS} items, ${ORGS} organizations`);
  try {
    const { services, ensureIndexes } = createServices(conn, { clock: systemClock, inviteTtlDays: 14 });
    await ensureIndexes();
    await services.territory.importTable({
      rows: [
        { row: 1, cells: ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'] },
        ...Array.from({ length: ORGS }, (_, i) => ({
          row: i + 2,
          cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', `МБОУ «Средняя школа № ${i + 1}»`, `МБОУ СОШ № ${i + 1}`, 'школа'],
        })),
      ],
    });
    const [municipality] = await services.territory.listMunicipalities();
    const owner = { level: 'municipality' as const, id: municipality!.id };
    const file = roadmapText(ITEMS);

    for (const round of ['first import', 'the same roadmap again']) {
      const started = performance.now();
      const read = await readRoadmapDocument('дорожная-карта.txt', file);
      if (!read.ok) throw new Error(`read failed: ${read.error.code}`);
      const parsed = parseRoadmap(read.document);
      if ('error' in parsed) throw new Error(`parse failed: ${parsed.error}`);
      const draft = draftRoadmap(parsed, { ownerLevel: 'municipality', period: parsed.period ?? { start: '2021-01-01', end: '2024-12-31' }, referenceDate: '2021-01-15' });
      const parsedMs = performance.now() - started;
      const result = await services.roadmap.publish(draft, owner, 'bench');
      const ms = performance.now() - started;
      console.log(
        `  ${round}: ${seconds(ms)} (goal ≤ 10 s; reading and parsing ${seconds(parsedMs)}): items ${draft.items.length}, ` +
          `tasks created ${result.tasks.created}, kept ${result.tasks.kept}`,
      );
    }
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
