import { Composer } from 'grammy';
import { coordinatorTerritoryOf, taskPartyOf } from '../../domain/people/access';
import { partyName } from '../../domain/roadmap/roadmap-party';
import { pushGroup } from '../../domain/reminders/sweep';
import type { BotContext } from '../context';
import { chunkLines, formatDateTime } from '../format';
import { allow } from '../middlewares/access';
import { daysBetween, oneLine } from '../roadmap-format';

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
    const timezone = await ctx.services.territory.timezoneOf(scope);
    const lines = [ctx.t('nudges.log_header', { count: log.length })];
    // Who, which school, which item: read now (the log keeps ids only), each person and task once, the items of
    // all the tasks together.
    const people = new Map((await Promise.all([...new Set(log.map((e) => e.recipient))].map((id) => ctx.services.people.getUser(id)))).filter((u) => u !== null).map((u) => [u.telegramId, u]));
    const taskIds = [...new Set(log.map((e) => e.taskId ?? e.taskIds?.[0]).filter((id): id is string => Boolean(id)))];
    const tasks = new Map((await Promise.all(taskIds.map((id) => ctx.services.roadmap.getTask(id)))).filter((t) => t !== null).map((t) => [t.id, t]));
    const items = await ctx.services.roadmap.itemsOfTasks([...tasks.values()]);
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
      const who = people.get(entry.recipient);
      const task = tasks.get(entry.taskId ?? entry.taskIds?.[0] ?? '');
      const item = task ? items.get(task.itemId) : undefined;
      const party = entry.kind === 'escalation' ? ctx.t('nudges.log_group', { count: entry.taskIds?.length ?? 0 }) : task ? await partyName(ctx.services.territory, task) : '';
      const label = [who?.fullName ?? String(entry.recipient), party, item ? `${item.number.replace(/\.$/, '')} ${oneLine(item.name)}`.slice(0, 120) : ''].filter(Boolean).join(' · ');
      // How many days before or after the due day the nudge was planned for.
      const days = task?.due && /^\d{4}-\d{2}-\d{2}$/.test(entry.slot) ? Math.abs(daysBetween(task.due, entry.slot)) : '';
      lines.push(ctx.t('nudges.log_line', { at: formatDateTime(entry.at, timezone, ctx.language), kind: ctx.t(`cli.remind.kind.${entry.kind}`, { days }).replace(/\s+/g, ' ').trim(), label, status }));
    }
    for (const chunk of chunkLines(lines)) await ctx.reply(chunk);
  });

  return feature;
}
