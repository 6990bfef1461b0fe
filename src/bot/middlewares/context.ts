import type { MiddlewareFn } from 'grammy';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotContext } from '../context';
import { languageFromTelegram, translator } from '../i18n';

/**
 * Puts the services, the person as the bot knows them, and their language on the context. The language is the
 * one they chose (their record, or the session before they registered), else their Telegram app's.
 */
export function attachContext(deps: { services: Services; logger: Logger } & BotContext['deps']): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.services = deps.services;
    ctx.deps = { storage: deps.storage, fetchFile: deps.fetchFile };
    ctx.logger = deps.logger;
    ctx.user = ctx.from ? await deps.services.people.getUser(ctx.from.id) : null;
    // Someone who had blocked the bot and writes again can be reached again.
    if (ctx.user?.unreachableAt) {
      await deps.services.people.markReachable(ctx.user.telegramId);
      ctx.user = { ...ctx.user, unreachableAt: undefined };
    }
    ctx.language = ctx.user?.language ?? ctx.session.language ?? languageFromTelegram(ctx.from?.language_code);
    ctx.t = translator(ctx.language);
    await next();
  };
}

/** Logs each update's kind, ids and duration at debug level; never its text. */
export function logUpdates(logger: Logger): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.debug(
        {
          updateId: ctx.update.update_id,
          kind: Object.keys(ctx.update).find((k) => k !== 'update_id'),
          userId: ctx.from?.id,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'update handled',
      );
    }
  };
}
