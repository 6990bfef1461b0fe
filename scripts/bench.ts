/**
 * npm run bench: updates per second and handler latency of the full bot (Redis sessions and conversations,
 * MongoDB/FerretDB, Telegram faked at fetch) for a mix of /start, /help and onboarding steps, beside a bare
 * grammY bot answering the same updates on the same machine. It prints figures; it asserts nothing.
 *
 * Options (env): BENCH_USERS (default 200 concurrent people), BENCH_ROUNDS (default 3).
 */
import { randomBytes } from 'node:crypto';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { createBot } from '../src/bot';
import { CONSENT_DATA } from '../src/bot/conversations/onboarding';
import { createRedisStorage } from '../src/bot/storage';
import { createServices } from '../src/domain/services';
import { systemClock } from '../src/domain/shared/clock';
import { silentLogger } from '../src/logger';
import { botInfo, callbackUpdate, FakeTelegram, person, TEST_TOKEN, textUpdate } from '../test/helpers/fake-telegram';
import { connectOptions } from '../src/domain/shared/connection';

const USERS = Number(process.env.BENCH_USERS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// A server address without a database name; the benchmark makes and drops a database of its own.
const MONGO = (process.env.MONGODB_TEST_URI ?? 'mongodb://127.0.0.1:27017').replace(/\/$/, '');
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Handler = (u: Update) => Promise<void>;

/** One person's script: /start, /help, then the whole onboarding and /help again (7 updates). */
function scriptFor(id: number, code: string, telegram: FakeTelegram): (() => Update)[] {
  const who = person(id);
  return [
    () => textUpdate(who, '/start'),
    () => textUpdate(who, '/help'),
    () => textUpdate(who, `/start ${code}`),
    () => textUpdate(who, 'Иванова Мария Петровна'),
    () => textUpdate(who, 'директор'),
    () => callbackUpdate(who, CONSENT_DATA.agree, telegram.lastButtons(id)[0]?.messageId ?? 1),
    () => textUpdate(who, '/help'),
  ];
}

async function measure(name: string, handle: Handler, users: number[], code: string, telegram: FakeTelegram) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    users.map(async (id) => {
      for (const make of scriptFor(id, code, telegram)) {
        const update = make();
        const t0 = performance.now();
        await handle(update);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { name, updates: latencies.length, rate: latencies.length / seconds, p50: pct(50), p99: pct(99) };
}

function bareBot(telegram: FakeTelegram): Bot {
  const bot = new Bot(TEST_TOKEN, { botInfo, client: { fetch: telegram.fetch } });
  bot.command('start', (ctx) => ctx.reply('Здравствуйте!'));
  bot.command('help', (ctx) => ctx.reply('Справка'));
  bot.on('callback_query:data', (ctx) => ctx.answerCallbackQuery());
  bot.on('message:text', (ctx) => ctx.reply('Принято'));
  return bot;
}

async function main() {
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const conn = mongoose.createConnection(`${MONGO}/${dbName}`, connectOptions());
  await conn.asPromise();
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS, { keyPrefix: prefix });
  const { services, ensureIndexes } = createServices(conn, { clock: systemClock, inviteTtlDays: 14 });
  await ensureIndexes();
  await services.territory.importTable({
    rows: [{ row: 1, cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'МБОУ «СОШ № 1 г. Бодайбо»', 'МБОУ СОШ № 1', 'школа'] }],
  });
  const [municipality] = await services.territory.listMunicipalities();
  // A coordinator invite admits any number of people, so every simulated person can complete onboarding.
  const invite = await services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: municipality!.id } });

  type Result = Awaited<ReturnType<typeof measure>>;
  const results: Result[] = [];
  // Round 0 warms up the JIT and the connections and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    const users = Array.from({ length: USERS }, (_, i) => 1_000_000 + round * 10_000 + i);
    const fullTelegram = new FakeTelegram();
    const full = createBot(TEST_TOKEN, { services, logger: silentLogger, storage: createRedisStorage(redis), fetchFile: async () => Buffer.alloc(0) }, { botInfo, client: { fetch: fullTelegram.fetch } });
    const fullResult = await measure('full stack (Redis + FerretDB)', (u) => full.handleUpdate(u), users, invite.code, fullTelegram);
    const bareTelegram = new FakeTelegram();
    const bare = bareBot(bareTelegram);
    const bareResult = await measure('bare grammY bot', (u) => bare.handleUpdate(u), users, invite.code, bareTelegram);
    if (round > 0) results.push(fullResult, bareResult);
  }

  const best = (name: string) => results.filter((r) => r.name === name).sort((a, b) => b.rate - a.rate)[0]!;
  const fullBest = best('full stack (Redis + FerretDB)');
  const bareBest = best('bare grammY bot');
  console.log(`database: ${MONGO}; users: ${USERS} concurrent, 7 updates each (/start, /help, invite, name, position, consent, /help); ${ROUNDS} rounds, best shown`);
  for (const r of [fullBest, bareBest]) {
    console.log(`${r.name.padEnd(32)} ${r.rate.toFixed(0).padStart(7)} updates/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   (${r.updates} updates)`);
  }
  console.log(`full / bare rate: ${((fullBest.rate / bareBest.rate) * 100).toFixed(1)}%   (goal: >= 500 updates/s and >= 50%)`);

  await conn.dropDatabase();
  await conn.close();
  const raw = new Redis(REDIS);
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length) await raw.del(...keys);
  raw.disconnect();
  redis.disconnect();
  process.exit(0);
}

void main();
