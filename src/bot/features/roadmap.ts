import { Composer, InlineKeyboard } from 'grammy';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import type { TargetKind } from '../../domain/roadmap/roadmap.types';
import type { BotContext } from '../context';
import { showInPlace } from '../show';
import { ROADMAP_EDIT, type RoadmapEditArgs } from '../conversations/roadmap-edit';
import { allow } from '../middlewares/access';
import { clip, oneLine, scheduleText, showDate, targetText } from '../roadmap-format';
import { partyToday } from './tasks';
import { withResponsible } from '../../domain/roadmap/roadmap-build';

const PAGE_SIZE = 8;
const ID = '([0-9a-f]{24})';

/** The coordinator's territory, which owns their roadmaps. */
const ownerOf = (ctx: BotContext): RoadmapEditArgs['owner'] | null => coordinatorTerritoryOf(ctx.user);


async function startEdit(ctx: BotContext, owner: RoadmapEditArgs['owner'], action: RoadmapEditArgs['action'], roadmapId?: string, itemKey?: string) {
  const args: RoadmapEditArgs = { language: ctx.language, owner, today: await partyToday(ctx), action, ...(roadmapId ? { roadmapId } : {}), ...(itemKey ? { itemKey } : {}) };
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(ROADMAP_EDIT, args);
}

/**
 * /roadmap: a coordinator's roadmaps, each with its items and how its tasks stand; items are opened, changed
 * (name, deadline, whose task, document) or deleted, new ones added, and a new roadmap made from nothing (seed 004).
 * Every callback checks that the roadmap belongs to the coordinator's own territory.
 */
export function roadmapFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  const renderList = async (ctx: BotContext, owner: RoadmapEditArgs['owner']) => {
    const roadmaps = await ctx.services.roadmap.roadmapsOf([owner.id]);
    const keyboard = new InlineKeyboard();
    for (const r of roadmaps) keyboard.text(clip(oneLine(r.title), 60), `rm:o:${r.id}:0`).row();
    keyboard.text(ctx.t('roadmap_edit.new'), 'rm:new');
    const text = roadmaps.length === 0 ? ctx.t('roadmap_edit.list_empty') : ctx.t('roadmap_edit.list', { count: roadmaps.length });
    return { text, keyboard };
  };

  feature.command('roadmap', allow('roadmap'), async (ctx) => {
    const owner = ownerOf(ctx);
    if (!owner) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const { text, keyboard } = await renderList(ctx, owner);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  feature.callbackQuery('rm:list', async (ctx) => {
    const owner = ownerOf(ctx);
    if (!owner) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    const { text, keyboard } = await renderList(ctx, owner);
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery('rm:new', async (ctx) => {
    const owner = ownerOf(ctx);
    if (!owner) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    await startEdit(ctx, owner, 'new-roadmap');
  });

  feature.callbackQuery(new RegExp(`^rm:o:${ID}:(\\d+)$`), async (ctx) => {
    const owner = ownerOf(ctx);
    const roadmap = owner ? await ctx.services.roadmap.ownRoadmap(owner.id, ctx.match[1]!) : null;
    if (!owner || !roadmap) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    const items = await ctx.services.roadmap.itemsOf(roadmap.id);
    const stats = await ctx.services.roadmap.taskStats(roadmap.id, await partyToday(ctx));
    const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
    const page = Math.min(Number(ctx.match[2]), pages - 1);
    const keyboard = new InlineKeyboard();
    for (const item of items.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
      keyboard.text(`${item.gaps.length > 0 ? '⚠️ ' : ''}${clip(oneLine(`${item.number.replace(/\.$/, '')} ${item.name}`), 56)}`, `rm:i:${item.id}`).row();
    }
    if (page > 0) keyboard.text(ctx.t('register.list.prev'), `rm:o:${roadmap.id}:${page - 1}`);
    if (page + 1 < pages) keyboard.text(ctx.t('register.list.next'), `rm:o:${roadmap.id}:${page + 1}`);
    keyboard.row().text(ctx.t('roadmap_edit.add_item'), `rm:add:${roadmap.id}`).row().text(ctx.t('roadmap_edit.back_list'), 'rm:list');
    const text = ctx.t('roadmap_edit.card', {
      title: clip(oneLine(roadmap.title), 300),
      start: showDate(roadmap.period.start),
      end: showDate(roadmap.period.end),
      items: items.length,
      ...stats,
      page: page + 1,
      pages,
    });
    await showInPlace(ctx, text, keyboard);
  });

  const ownItem = async (ctx: BotContext, itemId: string) => {
    const owner = ownerOf(ctx);
    const found = owner ? await ctx.services.roadmap.ownItem(owner.id, itemId) : null;
    return owner && found ? { owner, ...found } : null;
  };

  feature.callbackQuery(new RegExp(`^rm:i:${ID}$`), async (ctx) => {
    const found = await ownItem(ctx, ctx.match[1]!);
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    const { item, roadmap } = found;
    const lines = [ctx.t('roadmap_import.item.title', { number: item.number || '—', name: item.name })];
    if (item.section) lines.push(ctx.t('roadmap_import.item.section', { section: oneLine(item.section) }));
    lines.push(ctx.t('roadmap_import.item.deadline', { phrase: oneLine(item.deadline) || '—' }));
    for (const a of item.assignments) lines.push(`• ${targetText(ctx.t, a)}: ${scheduleText(ctx.t, a.schedule)}`);
    if (item.assignments.length === 0) lines.push(ctx.t('roadmap_import.item.no_responsible', { responsible: oneLine(item.responsible) || '—' }));
    lines.push(ctx.t('tasks.card.document', { document: item.documentKind.trim() ? oneLine(item.documentKind) : ctx.t('tasks.card.no_document') }));
    const keyboard = new InlineKeyboard()
      .text(ctx.t('roadmap_edit.edit_name'), `rm:en:${item.id}`)
      .text(ctx.t('roadmap_edit.edit_deadline'), `rm:ed:${item.id}`)
      .row()
      .text(ctx.t('roadmap_edit.edit_responsible'), `rm:er:${item.id}`)
      .text(ctx.t('roadmap_edit.edit_document'), `rm:ek:${item.id}`)
      .row()
      .text(ctx.t('roadmap_edit.delete'), `rm:del:${item.id}`)
      .row()
      .text(ctx.t('roadmap_edit.back_items'), `rm:o:${roadmap.id}:0`);
    await showInPlace(ctx, lines.join('\n'), keyboard);
  });

  for (const [code, action] of [['en', 'name'], ['ed', 'deadline'], ['ek', 'document']] as const) {
    feature.callbackQuery(new RegExp(`^rm:${code}:${ID}$`), async (ctx) => {
      const found = await ownItem(ctx, ctx.match[1]!);
      if (!found) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
      await ctx.answerCallbackQuery();
      await startEdit(ctx, found.owner, action, found.roadmap.id, found.item.key);
    });
  }

  feature.callbackQuery(new RegExp(`^rm:add:${ID}$`), async (ctx) => {
    const owner = ownerOf(ctx);
    const roadmap = owner ? await ctx.services.roadmap.ownRoadmap(owner.id, ctx.match[1]!) : null;
    if (!owner || !roadmap) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    await ctx.answerCallbackQuery();
    await startEdit(ctx, owner, 'add-item', roadmap.id);
  });

  // Whose task: buttons, applied at once.
  feature.callbackQuery(new RegExp(`^rm:er:${ID}$`), async (ctx) => {
    const found = await ownItem(ctx, ctx.match[1]!);
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    const keyboard = new InlineKeyboard().text(ctx.t('roadmap_import.fix.each_organization'), `rm:rt:${found.item.id}:organizations`).row();
    if (found.owner.level === 'region') keyboard.text(ctx.t('roadmap_import.fix.each_municipality'), `rm:rt:${found.item.id}:municipalities`).row();
    keyboard.text(ctx.t('roadmap_import.fix.coordinator'), `rm:rt:${found.item.id}:coordinator`).row().text(ctx.t('register.pair.back'), `rm:i:${found.item.id}`);
    await showInPlace(ctx, ctx.t('roadmap_import.fix.ask_responsible', { responsible: oneLine(found.item.responsible) || '—' }), keyboard);
  });

  feature.callbackQuery(new RegExp(`^rm:rt:${ID}:(organizations|municipalities|coordinator)$`), async (ctx) => {
    const found = await ownItem(ctx, ctx.match[1]!);
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    const target = ctx.match[2] as TargetKind;
    const draft = await ctx.services.roadmap.draftOf(found.roadmap);
    const context = { ownerLevel: found.owner.level, period: found.roadmap.period, referenceDate: found.roadmap.referenceDate };
    draft.items = draft.items.map((i) => (i.key === found.item.key ? withResponsible(i, target, ctx.t(`roadmap_import.fix.who_${target}`), context) : i));
    const result = await ctx.services.roadmap.publish(draft, found.owner, ctx.from.id, found.roadmap.fileName);
    await showInPlace(ctx, ctx.t('roadmap_edit.saved', { created: result.tasks.created, removed: result.tasks.removed }), new InlineKeyboard().text(ctx.t('roadmap_edit.back_items'), `rm:o:${found.roadmap.id}:0`));
  });

  feature.callbackQuery(new RegExp(`^rm:del:${ID}$`), async (ctx) => {
    const found = await ownItem(ctx, ctx.match[1]!);
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    const keyboard = new InlineKeyboard().text(ctx.t('roadmap_edit.delete_yes'), `rm:dely:${found.item.id}`).text(ctx.t('roadmap_edit.delete_no'), `rm:i:${found.item.id}`);
    await showInPlace(ctx, ctx.t('roadmap_edit.confirm_delete', { number: found.item.number || '—', name: clip(oneLine(found.item.name), 200) }), keyboard);
  });

  feature.callbackQuery(new RegExp(`^rm:dely:${ID}$`), async (ctx) => {
    const found = await ownItem(ctx, ctx.match[1]!);
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('roadmap_edit.gone'), show_alert: true });
    const draft = await ctx.services.roadmap.draftOf(found.roadmap);
    draft.items = draft.items.filter((i) => i.key !== found.item.key);
    const result = await ctx.services.roadmap.publish(draft, found.owner, ctx.from.id, found.roadmap.fileName);
    await showInPlace(ctx, ctx.t('roadmap_edit.deleted', { removed: result.tasks.removed }), new InlineKeyboard().text(ctx.t('roadmap_edit.back_items'), `rm:o:${found.roadmap.id}:0`));
  });

  return feature;
}
