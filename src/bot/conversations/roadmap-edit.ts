import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { Language } from '../../domain/people/people.types';
import { parseDeadline } from '../../domain/roadmap/deadline';
import { newItem, withDeadline, withResponsible } from '../../domain/roadmap/roadmap-build';
import type { RoadmapDraft, TargetKind } from '../../domain/roadmap/roadmap.types';
import type { Services } from '../../domain/services';
import type { Scope } from '../../domain/territory/territory.types';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator, type TFunction } from '../i18n';
import { scheduleText } from '../roadmap-format';
import { askChoice, askText, failedStepText, guardedStep } from './ask';
import { periodFromText } from './roadmap-import';

export const ROADMAP_EDIT = 'roadmap-edit';

export interface RoadmapEditArgs {
  language: Language;
  owner: Scope & { level: 'municipality' | 'region' };
  today: string;
  action: 'new-roadmap' | 'add-item' | 'name' | 'deadline' | 'document';
  roadmapId?: string;
  itemKey?: string;
}

const titleSchema = z.string().transform((s) => s.replace(/\s+/g, ' ').trim()).pipe(z.string().min(5, 'roadmap_edit.too_short').max(500, 'roadmap_edit.too_long'));
const nameSchema = z.string().transform((s) => s.replace(/\s+/g, ' ').trim()).pipe(z.string().min(5, 'roadmap_edit.too_short').max(1000, 'roadmap_edit.too_long'));
const textSchema = z.string().transform((s) => s.replace(/\s+/g, ' ').trim()).pipe(z.string().min(2, 'roadmap_edit.too_short').max(500, 'roadmap_edit.too_long'));
const NO_DOCUMENT = 're:nodoc';

/**
 * A coordinator builds or changes a roadmap in the bot (seed 004 has no table: its МШН roadmap is made here): a new
 * roadmap (title and period), a new item (name, deadline read like a document's, whose task, which document), or one
 * field of an item. Each change is published at once: the tasks follow it.
 */
export function createRoadmapEditConversation(deps: { services: Services; logger: Logger }) {
  return async function roadmapEdit(conversation: BotConversation, ctx: ConversationContext, args: RoadmapEditArgs) {
    const t = translator(args.language);
    const actor = ctx.from!.id;

    const buttonOrText = <T>(question: string, keyboard: InlineKeyboard, parse?: (text: string) => T | null, retryKey = 'register.pair.use_buttons') =>
      askChoice<T>(conversation, ctx, t, question, keyboard, parse ? { parse, retryKey } : undefined);

    /** Loads the roadmap as a draft, applies `change`, publishes; null when the roadmap or the right is gone. */
    async function save(change: (draft: RoadmapDraft) => RoadmapDraft | null, step: string) {
      for (;;) {
        const result = await guardedStep(conversation, deps, { userId: actor, step }, async () => {
          const user = await deps.services.people.getUser(actor);
          if (user?.role !== 'coordinator' || user.scope?.id !== args.owner.id) return { status: 'denied' as const };
          const roadmap = args.roadmapId ? await deps.services.roadmap.ownRoadmap(args.owner.id, args.roadmapId) : null;
          if (!roadmap) return { status: 'gone' as const };
          const draft = change(await deps.services.roadmap.draftOf(roadmap));
          if (!draft) return { status: 'gone' as const };
          const published = await deps.services.roadmap.publish(draft, args.owner, actor, roadmap.fileName);
          return { status: 'saved' as const, created: published.tasks.created, removed: published.tasks.removed, moved: published.tasks.moved };
        });
        if (result.ok) return result.value;
        await ctx.reply(failedStepText(t, result));
        if ('denied' in result) return { status: 'denied' as const };
        // A database failure: one press tries again with what was typed.
        const again = await buttonOrText(t('roadmap_edit.retry_ask'), new InlineKeyboard().text(t('register.counts.retry'), 're:retry').text(t('tasks.done.cancel'), 're:cancel'));
        if ('data' in again && again.data === 're:cancel') return { status: 'cancelled' as const };
      }
    }

    async function report(result: Awaited<ReturnType<typeof save>>, savedKey: string, vars: Record<string, unknown> = {}) {
      if (result.status === 'saved') {
        const moved = result.moved > 0 ? `\n${t('roadmap_edit.moved', { count: result.moved })}` : '';
        await ctx.reply(t(savedKey, { ...vars, created: result.created, removed: result.removed }) + moved, { reply_markup: backTo(t, args.roadmapId!) });
      }
      else if (result.status === 'gone') await ctx.reply(t('roadmap_edit.gone'));
      else if (result.status === 'denied') await ctx.reply(t('access.denied'));
      else await ctx.reply(t('roadmap_edit.cancelled'));
    }

    const context = async () => {
      const found = args.roadmapId ? await conversation.external(() => deps.services.roadmap.ownRoadmap(args.owner.id, args.roadmapId!).then((r) => (r ? { period: r.period, referenceDate: r.referenceDate } : null))) : null;
      return found ? { ownerLevel: args.owner.level, period: found.period, referenceDate: found.referenceDate } : null;
    };

    if (args.action === 'new-roadmap') {
      await ctx.reply(t('roadmap_edit.ask_title'));
      const title = await askText(conversation, t, titleSchema, 'roadmap_edit.ask_title');
      const period = await buttonOrText(t('roadmap_edit.ask_period'), new InlineKeyboard().text(t('tasks.done.cancel'), 're:cancel'), periodFromText, 'roadmap_import.bad_period');
      if ('data' in period) {
        await ctx.reply(t('roadmap_edit.cancelled'));
        return;
      }
      const created = await guardedStep(conversation, deps, { userId: actor, step: 'roadmap.create' }, async () => {
        const user = await deps.services.people.getUser(actor);
        if (user?.role !== 'coordinator' || user.scope?.id !== args.owner.id) return null;
        const result = await deps.services.roadmap.publish({ title, period: period.value, referenceDate: args.today, sections: 0, items: [] }, args.owner, actor);
        return { id: result.roadmap.id, existed: !result.created };
      });
      if (!created.ok || !created.value) {
        await ctx.reply(created.ok ? t('access.denied') : failedStepText(t, created));
        return;
      }
      await ctx.reply(t(created.value.existed ? 'roadmap_edit.exists' : 'roadmap_edit.created', { title }), {
        reply_markup: new InlineKeyboard().text(t('roadmap_edit.add_item'), `rm:add:${created.value.id}`).row().text(t('roadmap_edit.open'), `rm:o:${created.value.id}:0`),
      });
      return;
    }

    const ctxDraft = await context();
    if (!ctxDraft) {
      await ctx.reply(t('roadmap_edit.gone'));
      return;
    }
    const readDeadline = (text: string) => (parseDeadline(text, { period: ctxDraft.period, ref: ctxDraft.referenceDate }).kind === 'unknown' ? null : text);

    if (args.action === 'add-item') {
      await ctx.reply(t('roadmap_edit.ask_name'));
      const name = await askText(conversation, t, nameSchema, 'roadmap_edit.ask_name');
      const deadline = await buttonOrText(t('roadmap_edit.ask_deadline'), new InlineKeyboard().text(t('tasks.done.cancel'), 're:cancel'), readDeadline, 'roadmap_import.fix.bad_deadline');
      if ('data' in deadline) {
        await ctx.reply(t('roadmap_edit.cancelled'));
        return;
      }
      const targets = new InlineKeyboard().text(t('roadmap_import.fix.each_organization'), 're:t:organizations').row();
      if (args.owner.level === 'region') targets.text(t('roadmap_import.fix.each_municipality'), 're:t:municipalities').row();
      targets.text(t('roadmap_import.fix.coordinator'), 're:t:coordinator');
      let target: TargetKind | null = null;
      while (!target) {
        const picked = await buttonOrText(t('roadmap_edit.ask_responsible'), targets);
        if ('data' in picked && picked.data.startsWith('re:t:')) target = picked.data.slice('re:t:'.length) as TargetKind;
      }
      const documentAnswer = await buttonOrText(t('roadmap_edit.ask_document'), new InlineKeyboard().text(t('roadmap_edit.no_document'), NO_DOCUMENT), (text) => (textSchema.safeParse(text).success ? text.replace(/\s+/g, ' ').trim() : null), 'roadmap_edit.too_short');
      const documentKind = 'value' in documentAnswer ? documentAnswer.value : '';
      const result = await save((draft) => {
        const numbers = draft.items.map((i) => Number.parseInt(i.number, 10)).filter((n) => Number.isFinite(n));
        const number = String((numbers.length > 0 ? Math.max(...numbers) : 0) + 1);
        const who = t(`roadmap_import.fix.who_${target}`);
        const item = withResponsible(newItem({ number, section: null, name, deadline: deadline.value, responsible: who, documentKind }, ctxDraft), target, who, ctxDraft);
        return { ...draft, items: [...draft.items, item] };
      }, 'roadmap.add-item');
      const schedule = scheduleText(t, parseDeadline(deadline.value, { period: ctxDraft.period, ref: ctxDraft.referenceDate }));
      await report(result, 'roadmap_edit.item_added', { name, schedule });
      return;
    }

    // One field of an item.
    const key = args.itemKey!;
    if (args.action === 'name') {
      await ctx.reply(t('roadmap_edit.ask_name'));
      const name = await askText(conversation, t, nameSchema, 'roadmap_edit.ask_name');
      await report(await save((d) => patch(d, key, (i) => ({ ...i, name })), 'roadmap.edit-name'), 'roadmap_edit.saved');
    } else if (args.action === 'deadline') {
      const deadline = await buttonOrText(t('roadmap_edit.ask_deadline'), new InlineKeyboard().text(t('tasks.done.cancel'), 're:cancel'), readDeadline, 'roadmap_import.fix.bad_deadline');
      if ('data' in deadline) {
        await ctx.reply(t('roadmap_edit.cancelled'));
        return;
      }
      await report(await save((d) => patch(d, key, (i) => withDeadline(i, deadline.value, ctxDraft)), 'roadmap.edit-deadline'), 'roadmap_edit.saved');
    } else {
      const documentAnswer = await buttonOrText(t('roadmap_edit.ask_document'), new InlineKeyboard().text(t('roadmap_edit.no_document'), NO_DOCUMENT), (text) => (textSchema.safeParse(text).success ? text.replace(/\s+/g, ' ').trim() : null), 'roadmap_edit.too_short');
      const documentKind = 'value' in documentAnswer ? documentAnswer.value : '';
      await report(await save((d) => patch(d, key, (i) => ({ ...i, documentKind })), 'roadmap.edit-document'), 'roadmap_edit.saved');
    }
  };
}

/** The draft with one item changed; null when the item is not there any more. */
function patch(draft: RoadmapDraft, key: string, change: (item: RoadmapDraft['items'][number]) => RoadmapDraft['items'][number] | null): RoadmapDraft | null {
  const index = draft.items.findIndex((i) => i.key === key);
  if (index === -1) return null;
  const changed = change(draft.items[index]!);
  if (!changed) return null;
  const items = [...draft.items];
  items[index] = changed;
  return { ...draft, items };
}

const backTo = (t: TFunction, roadmapId: string) => new InlineKeyboard().text(t('roadmap_edit.add_item'), `rm:add:${roadmapId}`).row().text(t('roadmap_edit.open'), `rm:o:${roadmapId}:0`);
