import { InlineKeyboard } from 'grammy';
import type { z } from 'zod';
import { keepsRegisterOf } from '../../domain/people/access';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import { newErrorId } from '../middlewares/error-boundary';
import type { BotConversation, ConversationContext } from '../context';
import type { TFunction } from '../i18n';

// Commands that start another dialogue: they end the current one and are handled as if it were not there.
const ESCAPE_COMMANDS = /^\/(start|invite)(@\w+)?(\s|$)/;

/**
 * The next update of this chat. /start and /invite end the dialogue and go on to their own handlers; with
 * `anyCommandEnds`, so does every command (for short dialogues where a command means the person moved on).
 */
export async function waitInDialogue(conversation: BotConversation, options: { anyCommandEnds?: boolean } = {}): Promise<ConversationContext> {
  const ctx = await conversation.wait();
  const text = ctx.message?.text;
  if (text && (ESCAPE_COMMANDS.test(text) || (options.anyCommandEnds && text.startsWith('/')))) await conversation.halt({ next: true });
  return ctx;
}

/**
 * Waits for a text answer that passes the domain's schema; anything else is answered with a localized reason and
 * the question stays open, so a wrong answer never loses the answers given before it.
 */
export async function askText<T>(conversation: BotConversation, t: TFunction, schema: z.ZodType<T>, busyKey: string): Promise<T> {
  for (;;) {
    const ctx = await waitInDialogue(conversation);
    const text = ctx.message?.text;
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: t('unhandled.stale_button') });
      continue;
    }
    if (text === undefined) {
      await ctx.reply(t('onboarding.need_text'));
      continue;
    }
    if (text.startsWith('/')) {
      await ctx.reply(t(busyKey));
      continue;
    }
    const parsed = parseInput(schema, text);
    if (parsed.ok) return parsed.value;
    await ctx.reply(t(parsed.errorKey));
  }
}

export type StepOutcome<T> = { ok: true; value: T } | { ok: false; errorId: string } | { ok: false; denied: true };

/**
 * Runs a step that reads or writes the database inside a dialogue. A failure is logged once, here, with an error
 * id (a replay of the dialogue does not log it again), and comes back as a value so that the dialogue can
 * apologise and let the person try again with everything they typed kept. With `keeps`, the step runs only if
 * the person still keeps that school's register (a curator removed by the head in the meantime does not).
 * `fn` must return JSON-safe data: it is stored with the dialogue and replayed from Redis.
 */
export function guardedStep<T>(
  conversation: BotConversation,
  deps: { services: Services; logger: Logger },
  meta: { userId: number; step: string; keeps?: string },
  fn: () => Promise<T>,
): Promise<StepOutcome<T>> {
  return conversation.external(async (): Promise<StepOutcome<T>> => {
    try {
      if (meta.keeps !== undefined && !keepsRegisterOf(await deps.services.people.getUser(meta.userId), meta.keeps)) {
        return { ok: false, denied: true };
      }
      return { ok: true, value: await fn() };
    } catch (err) {
      const errorId = newErrorId();
      deps.logger.error({ err, errorId, userId: meta.userId, step: meta.step }, 'a dialogue step failed');
      return { ok: false, errorId };
    }
  });
}

/** The localized answer to a failed step: access lost, or an apology with the error id. */
export function failedStepText(t: TFunction, outcome: { denied: true } | { errorId: string }): string {
  return 'denied' in outcome ? t('access.denied') : t('errors.generic', { id: outcome.errorId });
}

/** What a text answer reads as: a value, or the locale key of why not. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errorKey: string };

/**
 * Sends a question with buttons and waits for a press on one of them, or, when `read` is given, for a text it
 * accepts (a text it refuses gets the localized reason — `retryKey`, or the key `read` returns — and the question
 * stays open). Stale buttons and anything else get a short reason (`otherKey`). A command ends the dialogue.
 */
export async function askChoice<T = never>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: TFunction,
  question: string,
  keyboard: InlineKeyboard,
  read?: { parse: (text: string) => T | null; retryKey: string } | ((text: string) => Parsed<T>),
  otherKey = 'register.pair.use_buttons',
): Promise<{ data: string } | { value: T }> {
  const message = await ctx.reply(question, { reply_markup: keyboard });
  for (;;) {
    const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
    if (answer.callbackQuery) {
      const data = answer.callbackQuery.data;
      if (!data || answer.callbackQuery.message?.message_id !== message.message_id) {
        await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
        continue;
      }
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      return { data };
    }
    const text = answer.message?.text?.trim();
    if (read && text) {
      const parsed: Parsed<T> =
        typeof read === 'function'
          ? read(text)
          : ((value: T | null): Parsed<T> => (value === null ? { ok: false, errorKey: read.retryKey } : { ok: true, value }))(read.parse(text));
      if (parsed.ok) return { value: parsed.value };
      await answer.reply(t(parsed.errorKey));
      continue;
    }
    await answer.reply(t(otherKey));
  }
}

/**
 * After a failed save: says `text` with one «Попробовать ещё раз» button and waits for its press; anything else gets
 * a short reason, a command ends the dialogue. What the person entered stays in the dialogue for the next try.
 */
export async function offerRetry(conversation: BotConversation, ctx: ConversationContext, t: TFunction, text: string, data: string): Promise<void> {
  await ctx.reply(text, { reply_markup: new InlineKeyboard().text(t('register.counts.retry'), data) });
  for (;;) {
    const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
    if (answer.callbackQuery?.data === data) {
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      return;
    }
    if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
    else await answer.reply(t('register.pair.use_buttons'));
  }
}
