import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { webhookCallback } from 'grammy';
import { createHttpServer } from '../../src/http/server';
import { silentLogger } from '../../src/logger';
import { person, textUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';

describe('HTTP: /healthz and the webhook', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let redisUp = true;
  const SECRET = 'webhook-secret-0123456789';

  beforeAll(async () => {
    h = await createHarness();
    const bot = h.newBot();
    server = createHttpServer({
      logger: silentLogger,
      checks: {
        mongodb: async () => (await h.conn.db!.admin().ping()).ok === 1,
        redis: async () => redisUp && (await h.redis.ping()) === 'PONG',
      },
      webhook: { path: '/telegram', handler: webhookCallback(bot, 'http', { secretToken: SECRET }) },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('reports MongoDB and Redis as up with 200, and a failing one with 503', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', mongodb: 'up', redis: 'up' });
    redisUp = false;
    const degraded = await fetch(`${base}/healthz`);
    redisUp = true;
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toEqual({ status: 'degraded', mongodb: 'up', redis: 'down' });
  });

  it('takes an update only with Telegram’s secret token header', async () => {
    const who = person(9101);
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(textUpdate(who, '/start')) });
    const rejected = await post({ 'x-telegram-bot-api-secret-token': 'wrong' });
    expect(rejected.status).toBe(401);
    expect(h.telegram.textsTo(who.id)).toHaveLength(0);
    const accepted = await post({ 'x-telegram-bot-api-secret-token': SECRET });
    expect(accepted.status).toBe(200);
    expect(h.telegram.lastTextTo(who.id)).toContain('ссылка-приглашение');
  });

  it('answers 404 for other paths', async () => {
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});
