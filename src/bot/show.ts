import type { InlineKeyboard } from 'grammy';
import type { BotContext } from './context';
import { chunkLines } from './format';

/**
 * Shows a message in place of the one whose button was pressed (a list turning into a card and back), or as a new
 * message when a command asked for it or the old one cannot be edited.
 */
export async function showInPlace(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  if (ctx.callbackQuery?.message) {
    await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch(async (err: unknown) => {
      if (!String(err).includes('message is not modified')) await ctx.reply(text, { reply_markup: keyboard });
    });
  } else {
    await ctx.reply(text, { reply_markup: keyboard });
  }
}

/** A long text in as many messages as Telegram needs (split on lines), the keyboard under the last one. */
export async function replyChunks(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  const chunks = chunkLines(text.split('\n'));
  for (const [i, chunk] of chunks.entries()) await ctx.reply(chunk, i === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {});
}
