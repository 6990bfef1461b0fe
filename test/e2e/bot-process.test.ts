import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { menuCommands } from '../../src/domain/people/access';
import { createServices, type Services } from '../../src/domain/services';
import { systemClock } from '../../src/domain/shared/clock';
import { freePort, startBotProcess, type BotProcess } from '../../src/sandbox/bot-process';
import { inlineButtons, startEmulator, type Emulator, type SimUser } from '../../src/sandbox/emulator';
import { ensureBuilt, ROOT } from '../helpers/build';
import { MONGODB_TEST_URI, REDIS_TEST_URL, seedTerritory } from '../helpers/services';

const ru = JSON.parse(readFileSync(join(ROOT, 'locales', 'ru.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(ROOT, 'locales', 'en.json'), 'utf8'));

const TOKEN = `${randomInt(100_000_000, 999_999_999)}:E2E-fake-token-${randomBytes(8).toString('hex')}`;
const REPLY_MS = 15_000;

/**
 * The bot as it runs in production (`node dist/main.js`, polling, MongoDB, Redis, /healthz), with Telegram replaced
 * by the local Bot API emulator through BOT_API_ROOT. Everything is asserted as the person in the chat sees it.
 */
describe('the bot process against the Bot API emulator', () => {
  let tg: Emulator;
  let bot: BotProcess;
  let conn: Connection;
  let services: Services;
  let health: Record<string, string>;
  const dbName = `e2e_${randomBytes(5).toString('hex')}`;
  const base = randomInt(1_000_000_000, 1_900_000_000);
  const guest: SimUser = { id: base + 1, first_name: 'Гость', language_code: 'ru' };
  const head: SimUser = { id: base + 2, first_name: 'Мария', language_code: 'ru' };

  beforeAll(async () => {
    await ensureBuilt();
    conn = mongoose.createConnection(`${MONGODB_TEST_URI.replace(/\/$/, '')}/${dbName}`, { serverSelectionTimeoutMS: 5000 });
    await conn.asPromise();
    const built = createServices(conn, { clock: systemClock, inviteTtlDays: 14 });
    await built.ensureIndexes();
    services = built.services;

    tg = await startEmulator({ port: 0, token: TOKEN, botUsername: 'cmn_e2e_bot', botName: 'ЦМН' });
    bot = startBotProcess({
      apiRoot: tg.url,
      token: TOKEN,
      mongoUri: `${MONGODB_TEST_URI.replace(/\/$/, '')}/${dbName}`,
      redisUrl: REDIS_TEST_URL,
      port: await freePort(),
      logLevel: 'info',
    });
    health = await bot.waitHealthy(30_000);
    await tg.waitForCall('getUpdates', () => true, 30_000);
  }, 240_000);

  afterAll(async () => {
    if (bot?.isRunning()) await bot.stop(5000);
    await tg?.close();
    if (conn) {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    }
    const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    await redis.del(...[guest, head].flatMap((u) => [`session:${u.id}`, `conversation:${u.id}`]));
    redis.disconnect();
  });

  const fail = (err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- bot output ---\n${bot.output().slice(-4000)}`);
  };
  /** The bot's first message to the person after `after` (a message of theirs) that the predicate accepts. */
  const reply = (user: SimUser, predicate: (text: string) => boolean, after = 0) =>
    tg.waitForBotMessage(user.id, (m) => m.message_id > after && predicate(m.text ?? ''), REPLY_MS).catch(fail);

  it('when started, then /healthz reports MongoDB and Redis up and the bot polls', () => {
    expect(health).toEqual({ status: 'ok', mongodb: 'up', redis: 'up' });
    const poll = tg.calls('getUpdates')[0]!;
    expect(poll.params).toMatchObject({ timeout: expect.any(Number), allowed_updates: expect.arrayContaining(['message', 'callback_query']) });
    expect(tg.calls('deleteWebhook')).toHaveLength(1);
  });

  it('when started, then everyone sees the guest command menu in their language', () => {
    const expected = (locale: any) => menuCommands(null).map((command) => ({ command, description: locale.commands[command] }));
    expect(menuCommands(null)).toContain('start');
    expect(tg.commands({ type: 'all_private_chats' })).toEqual(expected(ru));
    expect(tg.commands({ type: 'all_private_chats' }, 'en')).toEqual(expected(en));
  });

  it('when a stranger sends /start, then the bot tells how to get an invite', async () => {
    const sent = tg.sendText(guest, '/start');
    const answer = await reply(guest, (text) => text === ru.start.no_code, sent.message_id);
    expect(inlineButtons(answer)).toEqual([]);
  });

  it('when a head opens a real invite, then they register step by step and get their menu', async () => {
    const territory = await seedTerritory(services);
    const invite = await services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school1.id } });

    tg.sendText(head, `/start ${invite.code}`);
    const greeting = await reply(head, (text) => text.startsWith('Здравствуйте! Приглашение для роли'));
    expect(greeting.text).toContain('руководитель образовательной организации');
    expect(greeting.text).toContain('Средняя общеобразовательная школа № 1 г. Бодайбо');
    await reply(head, (text) => text === ru.onboarding.ask_name);

    tg.sendText(head, 'Иванова Мария Петровна');
    await reply(head, (text) => text === ru.onboarding.ask_position);
    tg.sendText(head, 'директор');
    const consent = await reply(head, (text) => text.includes('152-ФЗ'));
    expect(consent.text).toContain('ФИО: Иванова Мария Петровна');
    expect(consent.text).toContain('Должность: директор');
    expect(inlineButtons(consent).map((b) => b.text)).toEqual([ru.onboarding.buttons.agree, ru.onboarding.buttons.decline, ru.onboarding.buttons.edit]);

    const agree = inlineButtons(consent)[0]!;
    const queryId = tg.pressButton(head, consent.message_id, 'callback_data' in agree ? agree.callback_data : '');
    const done = await reply(head, (text) => text.startsWith('Готово!'));
    expect(done.text).toContain('Готово! Вы зарегистрированы.');
    expect(done.text).toContain('руководитель образовательной организации');
    // The button press was acknowledged and the consent buttons are gone.
    await tg.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === queryId).catch(fail);
    expect(inlineButtons(tg.botMessages(head.id).find((m) => m.message_id === consent.message_id)!)).toEqual([]);

    // The person's own command menu follows their role.
    await tg.waitForCall('setMyCommands', (c) => (c.params.scope as any)?.chat_id === head.id, REPLY_MS).catch(fail);
    expect(tg.commands({ type: 'chat', chat_id: head.id }).map((c) => c.command)).toEqual(['status', 'indicators', 'tasks', 'mentors', 'counts', 'practice', 'template', 'export', 'curators', 'me', 'help', 'lang', 'cancel']);

    const me = tg.sendText(head, '/me');
    const card = await reply(head, (text) => text.includes('Должность: директор'), me.message_id);
    expect(card.text).toContain('Иванова Мария Петровна');
    expect(card.text).toContain('Asia/Irkutsk');
  });

  it('when sent SIGTERM, then the bot stops gracefully and exits 0', async () => {
    const started = Date.now();
    const { code, signal, killed } = await bot.stop(8000);
    expect({ code, signal, killed }).toEqual({ code: 0, signal: null, killed: false });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(bot.output()).toContain('stopped');
  });
});
