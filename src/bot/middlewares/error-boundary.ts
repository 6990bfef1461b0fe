import { randomBytes } from 'node:crypto';
import type { BotError } from 'grammy';
import type { Logger } from '../../logger';
import type { BotContext } from '../context';
import { languageFromTelegram, translator } from '../i18n';

/** A short id the person can quote to their coordinator and the operator can find in the log. */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Any failure in a handler ends here: the person gets a short apology in their language with an error id, the log
 * gets the error with ids only (no names, no message text, no token). Conversation state in Redis is untouched, so
 * a retry continues where the person was.
 */
export function createErrorHandler(logger: Logger) {
  return async (error: BotError<BotContext>) => {
    const ctx = error.ctx;
    const errorId = newErrorId();
    logger.error(
      { err: error.error, errorId, updateId: ctx.update.update_id, userId: ctx.from?.id, chatId: ctx.chat?.id },
      'update failed',
    );
    if (!ctx.chat) return;
    try {
      const t = ctx.t ?? translator(languageFromTelegram(ctx.from?.language_code));
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.reply(t('errors.generic', { id: errorId }));
    } catch (replyError) {
      logger.warn({ err: replyError, errorId }, 'could not tell the user about the error');
    }
  };
}
