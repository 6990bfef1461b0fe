import { Composer, InlineKeyboard } from 'grammy';
import { canUse, coordinatorTerritoryOf, type Territory } from '../../domain/people/access';
import { isRequestItem, requestProgress, REQUESTS_TITLE } from '../../domain/roadmap/request';
import type { Task } from '../../domain/roadmap/roadmap.types';
import type { BotContext } from '../context';
import { REQUEST_DATA, REQUEST_DIALOGUE, type RequestArgs } from '../conversations/request';
import { allow } from '../middlewares/access';
import { clip, documentText, oneLine, showDate } from '../roadmap-format';
import { partyToday } from './tasks';

/** How many of a coordinator's requests the list shows, newest first. */
const LIST_SIZE = 10;

/** The coordinator's requests with how each stands, or null when they have sent none yet. */
async function requestList(ctx: BotContext, owner: Territory): Promise<{ text: string; keyboard: InlineKeyboard } | null> {
  const roadmap = await ctx.services.roadmap.findRoadmap(owner, REQUESTS_TITLE);
  if (!roadmap) return null;
  const items = (await ctx.services.roadmap.itemsOf(roadmap.id)).filter(isRequestItem).sort((a, b) => b.position - a.position);
  if (items.length === 0) return null;
  const today = await partyToday(ctx);
  const byItem = new Map<string, Task[]>();
  for (const task of await ctx.services.roadmap.tasksOfRoadmap(roadmap.id)) byItem.set(task.itemId, [...(byItem.get(task.itemId) ?? []), task]);
  const blocks = items.slice(0, LIST_SIZE).map((item) => {
    const tasks = byItem.get(item.id) ?? [];
    const progress = requestProgress(tasks, today);
    const due = item.assignments[0]?.schedule.due ?? tasks.find((x) => x.due)?.due ?? null;
    const mark = progress.overdue > 0 ? '🔴' : progress.total > 0 && progress.submitted === progress.total ? '✅' : '🕓';
    return [
      ctx.t('request.list.item', { mark, number: item.number, due: showDate(due), text: clip(oneLine(item.name), 120) }),
      ctx.t('request.list.document', { document: documentText(ctx.t, item.documentKind) }),
      ctx.t('request.list.progress', { ...progress }),
    ].join('\n');
  });
  const header = ctx.t(items.length > LIST_SIZE ? 'request.list.header_more' : 'request.list.header', { count: items.length, shown: LIST_SIZE });
  const text = [header, ...blocks, ctx.t('request.list.legend')].join('\n\n');
  return { text, keyboard: new InlineKeyboard().text(ctx.t('request.buttons.new'), REQUEST_DATA.new) };
}

/** Opens the dialogue of a new request, unless the territory has no organizations to ask. */
async function startRequest(ctx: BotContext, owner: Territory): Promise<void> {
  if ((await ctx.services.territory.organizationsIn(owner)).length === 0) {
    await ctx.reply(ctx.t('request.no_organizations'));
    return;
  }
  const args: RequestArgs = { language: ctx.language, owner, timezone: await ctx.services.territory.timezoneOf(owner) };
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(REQUEST_DIALOGUE, args);
}

/**
 * /request: a coordinator's data request to every school of the territory. The first time it opens the dialogue
 * at once; later it lists the requests sent (newest first) with how many schools sent what was asked, how many it
 * was accepted from and how many are overdue, and «➕ Новый запрос» opens the dialogue. The tasks themselves are
 * followed in /tasks (schools), /review and the reminders like any roadmap task.
 */
export function requestFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('request', allow('request'), async (ctx) => {
    const owner = coordinatorTerritoryOf(ctx.user);
    if (!owner) return ctx.reply(ctx.t('request.no_scope'));
    const list = await requestList(ctx, owner);
    if (list) return ctx.reply(list.text, { reply_markup: list.keyboard });
    await startRequest(ctx, owner);
  });

  feature.callbackQuery(REQUEST_DATA.new, async (ctx) => {
    const owner = canUse('request', ctx.user) ? coordinatorTerritoryOf(ctx.user) : null;
    if (!owner) return ctx.answerCallbackQuery({ text: ctx.t('access.denied'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    await startRequest(ctx, owner);
  });

  return feature;
}
