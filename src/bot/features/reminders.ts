import { Composer } from 'grammy';
import { coordinatorTerritoryOf, taskPartyOf } from '../../domain/people/access';
import type { BotContext } from '../context';
import { chunkLines, formatDateTime } from '../format';
import { allow } from '../middlewares/access';

/**
 * «Напомнить завтра» under a nudge, and /reminders: a coordinator sees what was sent to whom, when, and whether it
 * arrived.
 */
export function remindersFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(/^nudge:later:([0-9a-f]{24})$/, async (ctx) => {
    const party = taskPartyOf(ctx.user);
    // Only someone the task belongs to can put its nudges off (the party is the person's, not the button's).
    const found = party ? await ctx.services.roadmap.taskOf(party, ctx.match[1]!) : null;
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_found'), show_alert: true });
    const snoozed = await ctx.services.reminders.snooze(found.task.id, ctx.from.id);
    if (!snoozed) return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_open'), show_alert: true });
    const when = formatDateTime(snoozed.until, snoozed.timezone, ctx.language);
    await ctx.answerCallbackQuery({ text: ctx.t('nudges.later_done', { when }) });
    await ctx.reply(ctx.t('nudges.later_done', { when }));
  });

  feature.command('reminders', allow('reminders'), async (ctx) => {
    const scope = coordinatorTerritoryOf(ctx.user);
    if (!scope) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const log = await ctx.services.reminders.logOf(scope.id, 30);
    if (log.length === 0) return ctx.reply(ctx.t('nudges.log_empty'));
    const timezone = (await ctx.services.territory.describeScope(scope))?.timezone ?? 'Europe/Moscow';
    const lines = [ctx.t('nudges.log_header', { count: log.length })];
    for (const entry of log) {
      const status = entry.status === 'sent' ? ctx.t('nudges.log_sent') : entry.status === 'failed' ? ctx.t('nudges.log_failed', { reason: entry.reason ?? '' }) : ctx.t('nudges.log_sending');
      lines.push(ctx.t('nudges.log_line', { at: formatDateTime(entry.at, timezone, ctx.language), kind: ctx.t(`cli.remind.kind.${entry.kind}`, { days: '' }).replace(/\s+/g, ' ').trim(), label: entry.label ?? String(entry.recipient), status }));
    }
    for (const chunk of chunkLines(lines)) await ctx.reply(chunk);
  });

  return feature;
}
