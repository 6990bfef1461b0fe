import { Composer } from 'grammy';
import type { BotContext } from '../context';
import { formatDateTime, scopeText, userRoleLabel } from '../format';
import { getI18n } from '../i18n';
import { allow } from '../middlewares/access';

/** /me shows a person what the bot knows of them: role, organization or territory, time zone, language. */
export function meFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('me', allow('me'), async (ctx) => {
    const user = ctx.user!;
    const languageName = getI18n().t('language_name', { lng: ctx.language });
    if (!user.role) {
      await ctx.reply(ctx.t('me.admin_only', { language: languageName }));
      return;
    }
    const scope = await ctx.services.people.describeUserScope(user);
    const timezone = scope?.timezone ?? 'Europe/Moscow';
    await ctx.reply(
      ctx.t('me.text', {
        name: user.fullName ?? ctx.t('me.unknown'),
        position: user.position ?? ctx.t('me.unknown'),
        role: userRoleLabel(ctx.t, user),
        scope: scopeText(ctx.t, scope),
        timezone,
        language: languageName,
        date: user.registeredAt ? formatDateTime(user.registeredAt, timezone, ctx.language) : ctx.t('me.unknown'),
      }),
    );
  });
  return feature;
}
