import type { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { BotConversation, ConversationContext } from '../context';
import type { TFunction } from '../i18n';

// Commands that start another dialogue: they end the current one and are handled as if it were not there.
const ESCAPE_COMMANDS = /^\/(start|invite)(@\w+)?(\s|$)/;

/** The next update of this chat; /start or /invite end this dialogue and go on to their own handlers. */
export async function waitInDialogue(conversation: BotConversation): Promise<ConversationContext> {
  const ctx = await conversation.wait();
  if (ctx.message?.text && ESCAPE_COMMANDS.test(ctx.message.text)) await conversation.halt({ next: true });
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
