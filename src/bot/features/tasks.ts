import { Composer, InlineKeyboard } from 'grammy';
import { taskPartyOf } from '../../domain/people/access';
import { todayIn } from '../../domain/register/register-input';
import type { BotContext } from '../context';
import { showInPlace } from '../show';
import { MONITORING_DIALOGUE, type MonitoringArgs } from '../conversations/monitoring';
import { TASK_DONE, type TaskDoneArgs } from '../conversations/task-done';
import { isMonitoringKey } from '../../domain/monitoring/monitoring-calendar';
import type { RoadmapItem, Task } from '../../domain/roadmap/roadmap.types';
import { allow } from '../middlewares/access';
import { clip, oneLine, showDate, taskCardText, taskMark } from '../roadmap-format';

const PAGE_SIZE = 8;

/** The person's calendar day, in the time zone of their school or territory. */
export async function partyToday(ctx: BotContext): Promise<string> {
  return todayIn(ctx.user?.scope ? await ctx.services.territory.timezoneOf(ctx.user.scope) : 'Europe/Moscow', ctx.services.clock());
}

async function renderList(ctx: BotContext, party: string, page: number) {
  const today = await partyToday(ctx);
  const every = await ctx.services.roadmap.tasksOf(party);
  const all = every.filter((x) => x.task.status !== 'accepted');
  const done = every.length - all.length;
  // Overdue first, then by due date; open-ended last (the service already sorts by due).
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const keyboard = new InlineKeyboard();
  for (const { task, item } of all.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE)) {
    const due = task.due ? showDate(task.due) : ctx.t('tasks.no_due_short');
    keyboard.text(`${taskMark(task, today)} ${due} · ${clip(oneLine(`${item.number.replace(/\.$/, '')} ${item.name}`), 48)}`, `task:c:${task.id}`).row();
  }
  if (current > 0) keyboard.text(ctx.t('register.list.prev'), `task:l:${current - 1}`);
  if (current + 1 < pages) keyboard.text(ctx.t('register.list.next'), `task:l:${current + 1}`);
  const overdue = all.filter((x) => x.task.status !== 'submitted' && x.task.due && x.task.due < today).length;
  const text =
    all.length === 0
      ? ctx.t('tasks.list.empty', { done })
      : ctx.t('tasks.list.header', { open: all.length, overdue, done, page: current + 1, pages }) + `\n${ctx.t('tasks.list.legend')}`;
  return { text, keyboard };
}


/** Opens a school's monitoring questionnaire for its round's task (as roadmap.taskOf found it), with the register's figures to offer. */
async function enterMonitoring(ctx: BotContext, schoolId: string, task: { task: Task; item: RoadmapItem }) {
  const found = await ctx.services.monitoring.roundTask(task);
  if (!found) return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_found'), show_alert: true });
  if (!found.answerable) return ctx.answerCallbackQuery({ text: ctx.t('monitoring.closed'), show_alert: true });
  await ctx.answerCallbackQuery();
  const args: MonitoringArgs = {
    language: ctx.language,
    taskId: found.task.id,
    schoolId,
    title: found.name,
    due: found.task.due,
    register: await ctx.services.monitoring.fromRegister(schoolId),
    again: found.task.status !== 'open' && found.task.status !== 'returned',
  };
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(MONITORING_DIALOGUE, args);
}

/**
 * /tasks: the roadmap tasks of a school (its head and curators) or of a coordinator, overdue and soonest first,
 * each opening a card with «Отметить выполненным». Every callback takes the party from the person, never from the
 * button, so a guessed task id of another school shows nothing.
 */
export function tasksFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('tasks', allow('tasks'), async (ctx) => {
    const party = taskPartyOf(ctx.user);
    if (!party) return ctx.reply(ctx.t('register.list.no_school'));
    const { text, keyboard } = await renderList(ctx, party, 0);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  feature.callbackQuery(/^task:l:(\d+)$/, async (ctx) => {
    const party = taskPartyOf(ctx.user);
    if (!party) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    const { text, keyboard } = await renderList(ctx, party, Number(ctx.match[1]));
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery(/^task:c:([0-9a-f]{24})$/, async (ctx) => {
    const party = taskPartyOf(ctx.user);
    const found = party ? await ctx.services.roadmap.taskOf(party, ctx.match[1]!) : null;
    if (!party || !found) return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_found'), show_alert: true });
    const keyboard = new InlineKeyboard();
    // A monitoring round's task is done by answering its questionnaire.
    const doneLabel = isMonitoringKey(found.item.key) ? ctx.t('monitoring.buttons.answer') : ctx.t('tasks.buttons.done');
    if (found.task.status === 'open' || found.task.status === 'returned') keyboard.text(doneLabel, `task:d:${found.task.id}`).row();
    keyboard.text(ctx.t('tasks.buttons.list'), 'task:l:0');
    await showInPlace(ctx, taskCardText(ctx.t, found, await partyToday(ctx)), keyboard);
  });

  feature.callbackQuery(/^task:d:([0-9a-f]{24})$/, async (ctx) => {
    const party = taskPartyOf(ctx.user);
    const found = party ? await ctx.services.roadmap.taskOf(party, ctx.match[1]!) : null;
    if (!party || !found) return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_found'), show_alert: true });
    // A quarterly monitoring round: the questionnaire instead of evidence (also to change answers until its deadline).
    if (isMonitoringKey(found.item.key)) return enterMonitoring(ctx, party, found);
    if (found.task.status !== 'open' && found.task.status !== 'returned') return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_open'), show_alert: true });
    await ctx.answerCallbackQuery();
    const args: TaskDoneArgs = {
      language: ctx.language,
      taskId: found.task.id,
      party,
      title: `${found.item.number.replace(/\.$/, '')} ${clip(oneLine(found.item.name), 200)}`,
      documentRequired: found.item.documentKind.trim() !== '',
    };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(TASK_DONE, args);
  });

  return feature;
}
