import type { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { BotConversation } from '../context';
import type { TFunction } from '../i18n';

/**
 * Waits for a text answer that passes the domain's schema; anything else is answered with a localized reason and
 * the question stays open, so a wrong answer never loses the answers given before it.
 */
export async function askText<T>(conversation: BotConversation, t: TFunction, schema: z.ZodType<T>, busyKey: string): Promise<T> {
  for (;;) {
    const ctx = await conversation.wait();
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
