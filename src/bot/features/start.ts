import { Composer } from 'grammy';
import type { BotContext } from '../context';
import { ONBOARDING, type OnboardingArgs } from '../conversations/onboarding';
import { roleLabel, scopeText, userRoleLabel } from '../format';

/**
 * Opens an invite: explains a bad one, recognises the person who already used it, and otherwise starts the
 * onboarding dialogue. Also used when a guest pastes a code or a link as a plain message.
 */
export async function startWithCode(ctx: BotContext, rawCode: string): Promise<void> {
  const check = await ctx.services.people.checkInvite(rawCode, ctx.from!.id);
  if (check.status !== 'ok') {
    await ctx.reply(ctx.t(`invite.${check.status}`));
    return;
  }
  const { invite, scope } = check;
  const roleText = roleLabel(ctx.t, invite.role, invite.scope.level);
  const inviteScopeText = scopeText(ctx.t, scope);
  const user = ctx.user;
  if (user?.role === invite.role && user.scope?.id === invite.scope.id) {
    await ctx.reply(ctx.t('invite.already_yours', { role: roleText, scope: inviteScopeText }));
    return;
  }
  const args: OnboardingArgs = { code: invite.code, role: invite.role, level: invite.scope.level, scope };
  if (user?.role) {
    args.current = { role: user.role, level: user.scope?.level, scope: await ctx.services.people.describeUserScope(user) };
  }
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(ONBOARDING, args);
}

export function startFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('start', async (ctx) => {
    const payload = ctx.match.trim();
    if (payload) return startWithCode(ctx, payload);
    const user = ctx.user;
    if (user?.role) {
      const scope = await ctx.services.people.describeUserScope(user);
      await ctx.reply(
        ctx.t('start.welcome_back', { name: user.fullName ?? '', role: userRoleLabel(ctx.t, user), scope: scopeText(ctx.t, scope) }),
      );
      return;
    }
    await ctx.reply(ctx.t('start.no_code'));
  });
  return feature;
}
