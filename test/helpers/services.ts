import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { createServices, type Services } from '../../src/domain/services';
import type { NameMode } from '../../src/domain/register/register.types';
import type { Clock } from '../../src/domain/shared/clock';
import { connectOptions } from '../../src/domain/shared/connection';

export const MONGODB_TEST_URI = process.env.MONGODB_TEST_URI ?? 'mongodb://127.0.0.1:27017';
export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/** A settable clock, so expiry can be tested by moving time instead of waiting. */
export function testClock(start = new Date('2026-11-23T09:00:00Z')) {
  let now = start.getTime();
  const clock: Clock = () => new Date(now);
  return {
    clock,
    set: (d: Date) => void (now = d.getTime()),
    advanceDays: (days: number) => void (now += days * 24 * 60 * 60 * 1000),
  };
}

/** A database of its own for one test file on the real MongoDB-compatible server, dropped at the end. */
export async function openTestDb(
  clock: Clock,
  inviteTtlDays = 14,
  nameMode: NameMode = 'full',
): Promise<{ conn: Connection; services: Services; close: () => Promise<void> }> {
  const name = `test_${randomBytes(5).toString('hex')}`;
  const conn = mongoose.createConnection(`${MONGODB_TEST_URI.replace(/\/$/, '')}/${name}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
  await conn.asPromise();
  const built = createServices(conn, { clock, inviteTtlDays, nameMode });
  await built.ensureIndexes();
  return {
    conn,
    services: built.services,
    close: async () => {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/** A Redis client whose keys carry a prefix of their own, deleted at the end. */
export async function openTestRedis(): Promise<{ redis: Redis; prefix: string; close: () => Promise<void> }> {
  const prefix = `test:${randomBytes(5).toString('hex')}:`;
  const redis = new Redis(REDIS_TEST_URL, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    redis,
    prefix,
    close: async () => {
      const raw = new Redis(REDIS_TEST_URL, { lazyConnect: true });
      await raw.connect();
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length > 0) await raw.del(...keys);
      raw.disconnect();
      redis.disconnect();
    },
  };
}

/** A small territory like seed 000 (Bodaibo) and seed 002 (Artemovsky), loaded the way the operator loads it. */
export async function seedTerritory(services: Services) {
  const report = await services.territory.importTable({
    rows: [
      { row: 1, cells: ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'] },
      { row: 2, cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Бодайбо»', 'МБОУ СОШ № 1', 'школа'] },
      { row: 3, cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Муниципальное казённое дошкольное образовательное учреждение «Детский сад № 5»', 'МКДОУ д/с № 5', 'детский сад'] },
      { row: 4, cells: ['Свердловская область', 'Артемовский городской округ', 'Asia/Yekaterinburg', 'Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 8»', 'МАОУ СОШ № 8', 'school'] },
    ],
  });
  const orgs = await services.territory.listOrganizations();
  const byShort = (s: string) => orgs.find((o) => o.shortName === s)!;
  const municipalities = await services.territory.listMunicipalities();
  const regions = await services.territory.listRegions();
  return {
    report,
    school1: byShort('МБОУ СОШ № 1'),
    kindergarten5: byShort('МКДОУ д/с № 5'),
    school8: byShort('МАОУ СОШ № 8'),
    bodaibo: municipalities.find((m) => m.name === 'г. Бодайбо и район')!,
    artemovsky: municipalities.find((m) => m.name === 'Артемовский городской округ')!,
    irkutsk: regions.find((r) => r.name === 'Иркутская область')!,
  };
}
