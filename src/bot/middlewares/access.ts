import type { MiddlewareFn } from 'grammy';
import { actorsOf, canUse, type Command } from '../../domain/people/access';
import type { BotContext } from '../context';

/** Lets a command through only for the actors the access table names; others get a reason and /help. */
export function allow(command: Command): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (canUse(command, ctx.user)) return next();
    await ctx.reply(actorsOf(ctx.user).includes('guest') ? ctx.t('access.guest') : ctx.t('access.denied'));
  };
}
