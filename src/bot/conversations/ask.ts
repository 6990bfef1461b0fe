import type { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
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
