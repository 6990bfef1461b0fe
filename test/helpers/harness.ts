import type { Update, User } from 'grammy/types';
import { createBot } from '../../src/bot';
import { createRedisStorage } from '../../src/bot/storage';
import type { NameMode } from '../../src/domain/register/register.types';
import type { Services } from '../../src/domain/services';
import { createLogger, silentLogger, type Logger } from '../../src/logger';
import { botInfo, callbackUpdate, FakeTelegram, TEST_TOKEN, textUpdate } from './fake-telegram';
import { openTestDb, openTestRedis, testClock } from './services';

/**
 * The real bot over the real FerretDB and Redis, with Telegram faked at fetch. Every update is handled by a bot
 * built anew over the same storage, as after a restart, so a test that passes here passes across restarts too.
 */
export async function createHarness(options: { logger?: Logger; nameMode?: NameMode } = {}) {
  const time = testClock();
  const db = await openTestDb(time.clock, 14, options.nameMode);
  const redisHandle = await openTestRedis();
  const telegram = new FakeTelegram();
  const storage = createRedisStorage(redisHandle.redis);
  // TEST_LOG=error shows what the error boundary caught while a test is being written.
  const logger = options.logger ?? (process.env.TEST_LOG ? createLogger(process.env.TEST_LOG) : silentLogger);

  /** Files a person "sent", by the file_path the fake getFile hands out. */
  const files = new Map<string, Buffer>();
  const fetchFile = async (filePath: string) => {
    const data = files.get(filePath);
    if (!data) throw new Error(`no file ${filePath}`);
    return data;
  };
  const newBot = (services: Services = db.services) =>
    createBot(TEST_TOKEN, { services, logger, storage, fetchFile }, { botInfo, client: { fetch: telegram.fetch } });

  return {
    time,
    services: db.services,
    conn: db.conn,
    redis: redisHandle.redis,
    telegram,
    files,
    newBot,
    async handle(update: Update, services?: Services) {
      await newBot(services).handleUpdate(update);
    },
    async send(from: User, text: string) {
      await newBot().handleUpdate(textUpdate(from, text));
    },
    /** Presses the button with this callback data on the last message that had it. */
    async press(from: User, data: string) {
      const button = telegram.lastButtons(from.id).find((b) => b.data === data);
      if (!button) throw new Error(`no button ${data} in the last keyboard sent to ${from.id}`);
      await newBot().handleUpdate(callbackUpdate(from, data, button.messageId));
    },
    /**
     * Presses the button whose text is (or contains) `text`, as the person sees it: on the message last shown with
     * buttons, else on the last message sent with them.
     */
    async pressText(from: User, text: string) {
      const find = (buttons: { text: string; data: string; messageId: number }[]) => buttons.find((b) => b.text === text) ?? buttons.find((b) => b.text.includes(text));
      const button = find(telegram.visibleButtons(from.id)) ?? find(telegram.lastButtons(from.id));
      if (!button) throw new Error(`no button "${text}" in ${JSON.stringify(telegram.visibleButtons(from.id).map((b) => b.text))}`);
      await newBot().handleUpdate(callbackUpdate(from, button.data, button.messageId));
    },
    /**
     * Registers a person in a role through a real invite, as onboarding does, without the dialogue: for tests that
     * start from people already known to the bot.
     */
    async register(tg: User, role: 'head' | 'curator' | 'coordinator', scope: { level: 'organization' | 'municipality' | 'region'; id: string }, fullName = 'Тестова Анна') {
      const invite = await db.services.people.createInvite({ role, scope });
      const result = await db.services.people.redeemInvite({ code: invite.code, telegramId: tg.id, chatId: tg.id, fullName, position: 'директор', language: 'ru' });
      if (result.status !== 'bound') throw new Error(`could not register ${tg.id}: ${result.status}`);
    },
    async close() {
      await db.close();
      await redisHandle.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
