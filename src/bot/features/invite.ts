import { Composer } from 'grammy';
import type { BotContext } from '../context';
import { INVITE_HEAD, type InviteHeadArgs } from '../conversations/invite-head';
import { allow } from '../middlewares/access';

/** /invite [part of a name]: a coordinator issues a head's invite without asking the operator. */
export function inviteFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('invite', allow('invite'), async (ctx) => {
    const user = ctx.user!;
    if (!user.isAdmin && !user.scope) {
      await ctx.reply(ctx.t('invite_cmd.no_scope'));
      return;
    }
    const args: InviteHeadArgs = { language: ctx.language, query: ctx.match.trim() || undefined };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(INVITE_HEAD, args);
  });
  return feature;
}
