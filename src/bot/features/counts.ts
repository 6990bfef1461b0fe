import { Composer, InlineKeyboard } from 'grammy';

import type { BotContext } from '../context';
import { COUNTS_DIALOGUE, type CountsArgs } from '../conversations/counts';
import { chunkLines, formatDateTime } from '../format';
import { allow } from '../middlewares/access';
import { organizationsVisibleTo } from './orgs';
import { ownSchoolId } from './register-consent';

/**
 * /counts: a head sees and reports their school's denominators of the target indicators; a coordinator sees what
 * the schools of their territory reported, and which have not.
 */
export function countsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('counts', allow('counts'), async (ctx) => {
    const own = ownSchoolId(ctx);
    if (own) {
      const view = await ctx.services.territory.describeScope({ level: 'organization', id: own });
      const school = view?.organization?.shortName ?? '';
      const counts = await ctx.services.register.getCounts(own);
      const keyboard = new InlineKeyboard().text(ctx.t('register.counts.update'), 'counts:update');
      const text = counts
        ? ctx.t('register.counts.show', {
            school,
            ...counts.values,
            date: formatDateTime(counts.reportedAt, view?.timezone ?? 'Europe/Moscow', ctx.language),
          })
        : ctx.t('register.counts.none', { school });
      return ctx.reply(text, { reply_markup: keyboard });
    }
    const schools = await organizationsVisibleTo(ctx.services, ctx.user!);
    const lines: string[] = [];
    const missing: string[] = [];
    const reported = await ctx.services.register.countsOf(schools.map((s) => s.id));
    for (const school of schools) {
      const counts = reported.get(school.id);
      if (!counts) {
        missing.push(school.shortName);
        continue;
      }
      lines.push(
        ctx.t('register.counts.coordinator_line', {
          name: school.shortName,
          ...counts.values,
          date: formatDateTime(counts.reportedAt, 'Europe/Moscow', ctx.language).slice(0, 10),
        }),
      );
    }
    const all = [ctx.t('register.counts.coordinator', { count: lines.length }), ...lines];
    if (missing.length > 0) all.push('', ctx.t('register.counts.coordinator_missing', { names: missing.join(', ') }));
    for (const chunk of chunkLines(all)) await ctx.reply(chunk);
  });

  feature.callbackQuery('counts:update', async (ctx) => {
    const own = ownSchoolId(ctx);
    if (!own) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined });
    const args: CountsArgs = { language: ctx.language, schoolId: own };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(COUNTS_DIALOGUE, args);
  });

  return feature;
}


