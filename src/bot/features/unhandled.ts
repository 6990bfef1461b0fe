import { Composer } from 'grammy';
import { normalizeInviteCode } from '../../domain/people/invite-code';
import type { BotContext } from '../context';
import { startWithCode } from './start';

/** Last in the chain: whatever nobody handled gets a short hint, and a pasted invite code is honoured. */
export function unhandledFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('message:text', async (ctx) => {
    if (!ctx.user?.role && normalizeInviteCode(ctx.message.text)) return startWithCode(ctx, ctx.message.text);
    await ctx.reply(ctx.user ? ctx.t('unhandled.member') : ctx.t('unhandled.guest'));
  });
  feature.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: ctx.t('unhandled.stale_button') }));
  feature.on('message', (ctx) => ctx.reply(ctx.user ? ctx.t('unhandled.member') : ctx.t('unhandled.guest')));
  return feature;
}
