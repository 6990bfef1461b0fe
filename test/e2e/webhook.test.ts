import { randomBytes, randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { freePort, startBotProcess, type BotProcess } from '../../src/sandbox/bot-process';
import { startEmulator, type Emulator, type SimUser } from '../../src/sandbox/emulator';
import { ensureBuilt } from '../helpers/build';
import { MONGODB_TEST_URI, REDIS_TEST_URL } from '../helpers/services';

const TOKEN = `${randomInt(100_000_000, 999_999_999)}:E2E-webhook-token-${randomBytes(8).toString('hex')}`;
const SECRET = `secret_${randomBytes(12).toString('hex')}`;

/**
 * The built bot in webhook mode: it registers its webhook with the secret token, and takes an update only when
 * Telegram's secret header is right. The test plays Telegram's part of delivering the update over HTTP.
 */
describe('the bot process in webhook mode', () => {
  let tg: Emulator;
  let bot: BotProcess;
  let port: number;
  const dbName = `e2e_wh_${randomBytes(5).toString('hex')}`;
  const guest: SimUser = { id: randomInt(1_000_000_000, 1_900_000_000), first_name: 'Гость', language_code: 'ru' };

  beforeAll(async () => {
    await ensureBuilt();
    tg = await startEmulator({ port: 0, token: TOKEN, botUsername: 'cmn_webhook_bot' });
    port = await freePort();
    bot = startBotProcess({
      apiRoot: tg.url,
      token: TOKEN,
      mongoUri: `${MONGODB_TEST_URI.replace(/\/$/, '')}/${dbName}`,
      redisUrl: REDIS_TEST_URL,
      port,
      webhook: { url: 'https://bot.example.org/telegram/updates', secret: SECRET },
    });
    await bot.waitHealthy(30_000);
    await tg.waitForCall('setWebhook', () => true, 30_000);
  }, 240_000);

  afterAll(async () => {
    if (bot?.isRunning()) await bot.stop(5000);
    await tg?.close();
    const conn = mongoose.createConnection(`${MONGODB_TEST_URI.replace(/\/$/, '')}/${dbName}`);
    await conn.asPromise();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    const redis = new Redis(REDIS_TEST_URL);
    await redis.del(`session:${guest.id}`, `conversation:${guest.id}`);
    redis.disconnect();
  });

  it('registers its webhook with the secret token and does not poll', () => {
    expect(tg.calls('setWebhook')[0]!.params).toMatchObject({ url: 'https://bot.example.org/telegram/updates', secret_token: SECRET });
    expect(tg.calls('getUpdates')).toHaveLength(0);
  });

  it('answers an update delivered with the right secret, and refuses one with a wrong secret', async () => {
    tg.sendText(guest, '/start');
    const update = tg.pendingUpdates().at(-1)!;
    const deliver = (secret: string) =>
      fetch(`http://127.0.0.1:${port}/telegram/updates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
    expect((await deliver('not-the-secret')).status).toBe(401);
    expect((await deliver(SECRET)).status).toBe(200);
    const reply = await tg.waitForBotMessage(guest.id, () => true, 15_000);
    expect(reply.text).toContain('нужна персональная ссылка-приглашение');
    expect(tg.botMessages(guest.id)).toHaveLength(1);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const result = await bot.stop(10_000);
    expect(result).toMatchObject({ code: 0, killed: false });
  });
});
