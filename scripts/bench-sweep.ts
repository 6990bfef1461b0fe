/**
 * npm run bench:sweep: the reminder sweep at scale and the delivery rate. Prints figures; asserts nothing.
 *  (a) 40,500 organizations (a head each) in 50 municipalities over the four seed time zones, one regional roadmap
 *      of 30 items with due dates spread over 2021-2024: 1,215,000 tasks, put in directly in bulk. Then one sweep at
 *      09:05 Irkutsk time on an ordinary Tuesday: its time, the task documents it examined (read through the
 *      nudgeDay index) and the nudges it handed over (to a delivery that only counts). Goal: ≤ 2 s.
 *  (b) 600 nudges to 600 chats through the real delivery (grammY Api, auto-retry, the pacer) against our own Bot API
 *      emulator over HTTP, which answers 429 with retry_after beyond 30 messages a second like Telegram: the
 *      sustained rate and the 429s seen. Goal: ≥ 24 messages/s with no 429 left unhandled.
 * Options (env): MONGODB_TEST_URI (default mongodb://127.0.0.1:27017), BENCH_ORGS (40500), BENCH_ITEMS (30),
 * BENCH_MESSAGES (600). A database of its own is made and dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import mongoose, { Types } from 'mongoose';
import { createNudgeDelivery, createPacer } from '../src/bot/nudges';
import { peopleModels } from '../src/domain/people/people.model';
import { roadmapModels } from '../src/domain/roadmap/roadmap.model';
import { drain, sweep, type Nudge } from '../src/domain/reminders/sweep';
import { atLocal } from '../src/domain/reminders/working-time';
import { createServices } from '../src/domain/services';
import { nameKey } from '../src/domain/shared/names';
import { territoryModels } from '../src/domain/territory/territory.model';
import { silentLogger } from '../src/logger';
import { startEmulator } from '../src/sandbox/emulator';
import { connectOptions } from '../src/domain/shared/connection';

const MONGO = (process.env.MONGODB_TEST_URI ?? 'mongodb://127.0.0.1:27017').replace(/\/$/, '');
const ORGS = Number(process.env.BENCH_ORGS ?? 40_500);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 30);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 600);
const ZONES = ['Asia/Yekaterinburg', 'Asia/Barnaul', 'Asia/Irkutsk', 'Asia/Vladivostok'];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function loadTerritoryAndTasks(conn: mongoose.Connection, now: Date) {
  const { Region, Municipality, Organization } = territoryModels(conn);
  const { User } = peopleModels(conn);
  const { Roadmap, Item, Task } = roadmapModels(conn);
  const region = await Region.create({ name: 'Сводный регион', nameKey: 'сводный регион' });
  const municipalities = await Municipality.insertMany(
    Array.from({ length: 50 }, (_, i) => ({ regionId: region._id, name: `Муниципалитет ${i + 1}`, nameKey: `муниципалитет ${i + 1}`, timezone: ZONES[i % ZONES.length]! })),
  );
  const orgs = Array.from({ length: ORGS }, (_, i) => {
    const m = municipalities[i % municipalities.length]!;
    const name = `Школа № ${i + 1}`;
    return { _id: new Types.ObjectId(), regionId: region._id, municipalityId: m._id, fullName: name, shortName: name, nameKey: nameKey(name), shortNameKey: nameKey(name), kind: 'school' };
  });
  for (let i = 0; i < orgs.length; i += 5000) await Organization.insertMany(orgs.slice(i, i + 5000), { lean: true });
  for (let i = 0; i < orgs.length; i += 5000) {
    await User.insertMany(
      orgs.slice(i, i + 5000).map((o, k) => ({ telegramId: 10_000_000 + i + k, chatId: 10_000_000 + i + k, fullName: `Руководитель ${i + k}`, role: 'head', scope: { level: 'organization', id: o._id }, scopeId: o._id, isAdmin: false, language: 'ru' })),
      { lean: true },
    );
  }
  const roadmap = await Roadmap.create({ owner: { level: 'region', id: region._id }, title: 'Бенчмарк', titleKey: 'бенчмарк', period: { start: '2021-01-01', end: '2024-12-31' }, referenceDate: '2021-01-01', publishedBy: 'bench', publishedAt: now });
  const items = await Item.insertMany(
    Array.from({ length: ITEMS }, (_, i) => ({ roadmapId: roadmap._id, key: `|${i + 1}`, position: i, number: String(i + 1), section: null, sectionNumber: null, name: `Мероприятие ${i + 1}`, deadline: '', responsible: 'ОО', documentKind: 'Приказ', result: '', assignments: '[]', gaps: [] })),
  );
  // Due dates spread over four years, so that on any day a few thousand tasks have a nudge planned.
  const start = Date.UTC(2021, 0, 11);
  const span = 4 * 365;
  const today = now.toISOString().slice(0, 10);
  let inserted = 0;
  let dueSoon = 0;
  const batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await Task.insertMany(batch.splice(0), { ordered: false, lean: true });
  };
  for (const [o, org] of orgs.entries()) {
    for (const [i, item] of items.entries()) {
      const due = new Date(start + (((o * 7 + i * 53) % span) * 86_400_000)).toISOString().slice(0, 10);
      // The next planned nudge day as the previous sweeps left it: today for those whose nudge is due now.
      const daysTo = (Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
      const nudgeDay = [7, 1, 0, -3, -6].includes(daysTo) ? today : new Date(Date.parse(`${due}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
      if (nudgeDay === today) dueSoon++;
      batch.push({
        roadmapId: roadmap._id,
        itemId: item._id,
        target: { level: 'organization', id: org._id },
        targetId: org._id,
        municipalityId: org.municipalityId,
        regionId: region._id,
        key: `${item._id}|organization:${org._id}|${due}`,
        due,
        start: null,
        status: 'open',
        nudgeDay,
        submissions: [],
        reviews: [],
      });
      inserted++;
      if (batch.length >= 5000) await flush();
    }
  }
  await flush();
  return { inserted, dueSoon };
}

async function deliveryRate() {
  const emulator = await startEmulator({ port: 0, token: '123456:bench-token', botUsername: 'bench_bot', flood: { perSecond: 30, perChatPerSecond: 1 } });
  const api = new Api(emulator.token, { apiRoot: emulator.url });
  let retries = 0;
  api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (!res.ok && res.error_code === 429) retries++;
    return res;
  });
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  const deliver = createNudgeDelivery(api, silentLogger, createPacer({ perSecond: 25, perChatMs: 1000 }));
  // A bot cannot write first: each person has written to it once.
  const users = Array.from({ length: MESSAGES }, (_, i) => ({ id: 20_000_000 + i, first_name: `U${i}` }));
  for (const u of users) emulator.sendText(u, '/start');
  const started = performance.now();
  const outcomes = await Promise.all(
    users.map((u, i) =>
      deliver({
        key: `k${i}`,
        kind: 'due',
        slot: '2024-03-05',
        days: 0,
        recipient: { telegramId: u.id, chatId: u.id, language: 'ru' },
        task: { id: String(new Types.ObjectId()), target: { level: 'organization', id: '' }, due: '2024-03-05' },
        item: { id: '', number: '1', name: 'Мероприятие', documentKind: '' },
        roadmap: { id: '', owner: { level: 'region', id: '' }, title: 'Бенчмарк' },
        party: '',
      } satisfies Nudge),
    ),
  );
  const ms = performance.now() - started;
  await emulator.close();
  const sent = outcomes.filter((o) => o.status === 'sent').length;
  console.log(`  ${sent} of ${MESSAGES} delivered in ${seconds(ms)}: ${(sent / (ms / 1000)).toFixed(1)} messages/s (goal ≥ 24); 429s answered by the emulator and retried: ${retries}; failed: ${MESSAGES - sent}`);
}

async function main() {
  const dbName = `bench_sweep_${randomBytes(4).toString('hex')}`;
  const conn = mongoose.createConnection(`${MONGO}/${dbName}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
  await conn.asPromise();
  console.log(`sweep benchmark on ${MONGO} (database ${dbName}): ${ORGS} organizations × ${ITEMS} tasks`);
  try {
    const now = atLocal('2024-03-05', 9 * 60 + 5, 'Asia/Irkutsk'); // Tuesday
    const { services, ensureIndexes } = createServices(conn, { clock: () => now, inviteTtlDays: 14 });
    await ensureIndexes();
    const loadStarted = performance.now();
    const { inserted, dueSoon } = await loadTerritoryAndTasks(conn, now);
    console.log(`\n(a) one sweep over ${inserted} tasks (loaded in ${seconds(performance.now() - loadStarted)}; ${dueSoon} have their nudge day today)`);
    const deps = { services, sent: services.reminders.sent, deliver: async () => ({ status: 'sent' as const, messageId: 1 }) };
    const started = performance.now();
    const result = await sweep(deps, now, { deliver: false });
    const swept = performance.now() - started;
    console.log(`  sweep: ${seconds(swept)} (goal ≤ 2 s): task documents examined ${result.examined}, messages queued ${result.queued}`);
    console.log(`  by step (ms): ${Object.entries(result.ms).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const again = performance.now();
    const second = await sweep(deps, new Date(now.getTime() + 5 * 60_000), { deliver: false });
    console.log(`  the next sweep, 5 minutes later: ${seconds(performance.now() - again)}, examined ${second.examined}, queued ${second.queued}`);
    const drained = performance.now();
    const sample = await drain(deps, now);
    console.log(`  handing the queue to a delivery that only counts: ${sample.length} messages in ${seconds(performance.now() - drained)} (database work per message, before Telegram's pace)`);
    console.log('\n(b) delivery against the local Bot API emulator (HTTP)');
    await deliveryRate();
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
