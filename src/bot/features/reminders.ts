import { Composer } from 'grammy';
import { coordinatorTerritoryOf, taskPartyOf } from '../../domain/people/access';
import { partyName } from '../../domain/roadmap/roadmap-party';
import { pushGroup } from '../../domain/reminders/sweep';
import type { BotContext } from '../context';
import { chunkLines, formatDateTime } from '../format';
import { allow } from '../middlewares/access';
import { oneLine } from '../roadmap-format';

/**
 * «Напомнить завтра» under a nudge, «Напомнить им сейчас» under an escalation, and /reminders: a coordinator sees
 * what was sent to whom, when, and whether it arrived.
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

  // The escalation's button: its schools still overdue get a nudge now (once a day each). The territory is the
  // person's: an escalation of another territory is not found.
  feature.callbackQuery(/^esc:push:([0-9a-f]{20})$/, allow('reminders'), async (ctx) => {
    const scope = coordinatorTerritoryOf(ctx.user);
    const result = scope ? await pushGroup({ services: ctx.services, sent: ctx.services.reminders.sent }, ctx.services.clock(), scope.id, `esc|${ctx.match[1]}`) : null;
    if (!result) return ctx.answerCallbackQuery({ text: ctx.t('nudges.push_gone'), show_alert: true });
    ctx.services.reminders.queuedNow();
    const text = ctx.t('nudges.push_done', result);
    await ctx.answerCallbackQuery({ text: text.slice(0, 200) });
    await ctx.reply(text);
  });

  feature.command('reminders', allow('reminders'), async (ctx) => {
    const scope = coordinatorTerritoryOf(ctx.user);
    if (!scope) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const log = await ctx.services.reminders.logOf(scope.id, 30);
    if (log.length === 0) return ctx.reply(ctx.t('nudges.log_empty'));
    const timezone = (await ctx.services.territory.describeScope(scope))?.timezone ?? 'Europe/Moscow';
    const lines = [ctx.t('nudges.log_header', { count: log.length })];
    for (const entry of log) {
      const status =
        entry.status === 'sent'
          ? ctx.t('nudges.log_sent')
          : entry.status === 'failed'
            ? ctx.t('nudges.log_failed', { reason: entry.reason ?? '' })
            : entry.status === 'skipped'
              ? ctx.t('nudges.log_skipped')
              : entry.status === 'queued'
                ? ctx.t('nudges.log_queued')
                : ctx.t('nudges.log_sending');
      // Who, which school, which item: read now from the task (the log keeps ids only).
      const who = await ctx.services.people.getUser(entry.recipient);
      const task = entry.taskId ? await ctx.services.roadmap.getTask(entry.taskId) : entry.taskIds?.[0] ? await ctx.services.roadmap.getTask(entry.taskIds[0]) : null;
      const item = task ? (await ctx.services.roadmap.itemsOfTasks([task])).get(task.itemId) : undefined;
      const party = entry.kind === 'escalation' ? ctx.t('nudges.log_group', { count: entry.taskIds?.length ?? 0 }) : task ? await partyName(ctx.services.territory, task) : '';
      const label = [who?.fullName ?? String(entry.recipient), party, item ? `${item.number.replace(/\.$/, '')} ${oneLine(item.name)}`.slice(0, 120) : ''].filter(Boolean).join(' · ');
      // How many days before or after the due day the nudge was planned for.
      const days = task?.due && /^\d{4}-\d{2}-\d{2}$/.test(entry.slot) ? Math.abs(Math.round((Date.parse(`${entry.slot}T00:00:00Z`) - Date.parse(`${task.due}T00:00:00Z`)) / 86_400_000)) : '';
      lines.push(ctx.t('nudges.log_line', { at: formatDateTime(entry.at, timezone, ctx.language), kind: ctx.t(`cli.remind.kind.${entry.kind}`, { days }).replace(/\s+/g, ' ').trim(), label, status }));
    }
    for (const chunk of chunkLines(lines)) await ctx.reply(chunk);
  });

  return feature;
}
