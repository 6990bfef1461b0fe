import { Composer, InputFile } from 'grammy';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import { showDay } from '../../domain/register/register-input';
import { buildTerritoryReport, REPORT_STEPS, reportFileName } from '../../domain/report/territory-report';
import type { BotContext } from '../context';
import { allow } from '../middlewares/access';
import { newErrorId } from '../middlewares/error-boundary';
import { partyToday } from './tasks';

/**
 * /report: one XLSX of the coordinator's territory (roadmap matrix, register, indicators, monitoring, the School of
 * Mentoring's banks), named with the territory and the date. A progress message says which part is being built and
 * becomes «готов» when the file is sent.
 */
export function reportFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('report', allow('report'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const name = await ctx.services.territory.nameOf(territory);
    const today = await partyToday(ctx);
    const progress = await ctx.reply(ctx.t('report.progress', { territory: name, step: ctx.t(`report.steps.${REPORT_STEPS[0]}`), index: 1, of: REPORT_STEPS.length }));
    const show = async (text: string) => {
      // A progress edit that fails (the same text, a deleted message) must not stop the report.
      await ctx.api.editMessageText(progress.chat.id, progress.message_id, text).catch(() => undefined);
    };
    try {
      const buffer = await buildTerritoryReport(ctx.services, territory, {
        t: ctx.t,
        today,
        timeZone: await ctx.services.territory.timezoneOf(territory),
        onStep: async (step, index, of) => {
          if (index > 1) await show(ctx.t('report.progress', { territory: name, step: ctx.t(`report.steps.${step}`), index, of }));
        },
      });
      const file = reportFileName(ctx.t, name, today);
      await ctx.replyWithDocument(new InputFile(buffer, file), { caption: ctx.t('report.caption', { territory: name, date: showDay(today) }) });
      await show(ctx.t('report.done', { file }));
    } catch (err) {
      const id = newErrorId();
      ctx.logger.error({ err, errorId: id, territory }, 'the territory report failed');
      await show(ctx.t('report.failed', { id }));
    }
  });

  return feature;
}
