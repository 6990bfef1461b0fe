import { run, type RunnerHandle } from '@grammyjs/runner';
import { webhookCallback } from 'grammy';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import type { Server } from 'node:http';
import { createBot } from './bot';
import { setDefaultCommands } from './bot/commands';
import { createRedisStorage } from './bot/storage';
import type { Config } from './config';
import { createServices } from './domain/services';
import { systemClock } from './domain/shared/clock';
import { BOT_USERNAME_SETTING, createSettingsRepository } from './domain/shared/settings.repository';
import { createNudgeDelivery, createPacer } from './bot/nudges';
import { createHttpServer } from './http/server';
import { startMonitoringJob } from './jobs/monitoring';
import { startReminderJob } from './jobs/reminders';
import type { Logger } from './logger';
import { connectOptions } from './domain/shared/connection';

const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export interface App {
  stop(): Promise<void>;
  server: Server;
}

/**
 * Wires the process together: databases, services, the bot, polling or webhook, and the HTTP server. Returns a
 * handle whose stop() stops taking updates, lets the ones in flight finish, then closes connections.
 */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const conn = mongoose.createConnection(config.MONGODB_URI, connectOptions({ serverSelectionTimeoutMS: 10_000 }));
  await conn.asPromise();
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();

  const { services, ensureIndexes } = createServices(conn, {
    clock: systemClock,
    inviteTtlDays: config.INVITE_TTL_DAYS,
    nameMode: config.REGISTER_NAMES,
  });
  await ensureIndexes();

  const apiRoot = (config.BOT_API_ROOT ?? 'https://api.telegram.org').replace(/\/$/, '');
  const fetchFile = async (filePath: string): Promise<Buffer> => {
    const response = await fetch(`${apiRoot}/file/bot${config.BOT_TOKEN}/${filePath}`);
    if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };
  const bot = createBot(
    config.BOT_TOKEN,
    { services, logger, storage: createRedisStorage(redis), fetchFile },
    { client: config.BOT_API_ROOT ? { apiRoot: config.BOT_API_ROOT.replace(/\/$/, '') } : {} },
  );
  await bot.init();
  logger.info({ username: bot.botInfo.username }, 'bot identified');
  await createSettingsRepository(conn).set(BOT_USERNAME_SETTING, bot.botInfo.username);
  await setDefaultCommands(bot.api).catch((err: unknown) => logger.warn({ err }, 'could not set the default command menu'));

  const sent = services.reminders.sent;
  const pacer = createPacer({ perSecond: 25, perChatMs: 1000 });
  const reminders = startReminderJob(
    { services, sent, deliver: createNudgeDelivery(bot.api, logger, pacer) },
    systemClock,
    logger,
  );
  services.reminders.onQueued(reminders.kick);
  // After the deliverer is known: the rounds it opens announce themselves through it.
  const monitoring = startMonitoringJob(services, systemClock, logger);

  let runner: RunnerHandle | undefined;
  let webhook: Parameters<typeof createHttpServer>[0]['webhook'];
  if (config.BOT_MODE === 'webhook') {
    const url = new URL(config.WEBHOOK_URL!);
    webhook = {
      path: url.pathname,
      // Telegram retries a webhook that does not answer in time; answer at 25 s and let the update finish.
      handler: webhookCallback(bot, 'http', {
        secretToken: config.WEBHOOK_SECRET,
        onTimeout: 'return',
        timeoutMilliseconds: 25_000,
      }),
    };
  }

  const server = createHttpServer({
    logger,
    checks: {
      mongodb: async () => (await conn.db!.admin().ping()).ok === 1,
      redis: async () => (await redis.ping()) === 'PONG',
    },
    webhook,
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  logger.info({ port: config.PORT }, 'http server listening');

  if (config.BOT_MODE === 'webhook') {
    await bot.api.setWebhook(config.WEBHOOK_URL!, { secret_token: config.WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] });
    logger.info('webhook set');
  } else {
    await bot.api.deleteWebhook();
    runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    logger.info('polling started');
  }

  let stopping: Promise<void> | undefined;
  return {
    server,
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down');
        if (runner?.isRunning()) await runner.stop(); // stops fetching and waits for updates in flight
        await monitoring.stop();
        await reminders.stop(); // lets a sweep in progress finish recording what it sent
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await redis.quit().catch(() => undefined);
        await conn.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
