import { InlineKeyboard } from 'grammy';
import type { Language } from '../../domain/people/people.types';
import { parseDeadline } from '../../domain/roadmap/deadline';
import { draftRoadmap, withDeadline, withResponsible } from '../../domain/roadmap/roadmap-build';
import type { RoadmapDocument } from '../../domain/roadmap/roadmap-file';
import { parseRoadmap, type ColumnKey, type ParsedRoadmap } from '../../domain/roadmap/roadmap-parse';
import type { ItemDraft, RoadmapDraft, TargetKind } from '../../domain/roadmap/roadmap.types';
import type { Services } from '../../domain/services';
import type { Scope } from '../../domain/territory/territory.types';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { chunkLines } from '../format';
import { translator, type TFunction } from '../i18n';
import { clip, oneLine, scheduleText, showDate, targetText } from '../roadmap-format';
import { askChoice, failedStepText, guardedStep } from './ask';

export const ROADMAP_IMPORT = 'roadmap-import';

export interface RoadmapImportArgs {
  language: Language;
  owner: Scope & { level: 'municipality' | 'region' };
  fileName: string;
  document: RoadmapDocument;
  /** The coordinator's calendar day: the reference for deadlines without a year when the order has no date. */
  today: string;
}

const MAX_FIX_BUTTONS = 8;
const PERIOD_RE = /^(?:(\d{4})\s*[-–—]\s*(\d{4})|(\d{2})\.(\d{2})\.(\d{4})\s*[-–—]\s*(\d{2})\.(\d{2})\.(\d{4}))(?:\s*(?:гг?\.?|годы|год))?$/iu;

/** «2021-2024» or «01.09.2023-31.12.2024» → a period; null when it is not one. */
export function periodFromText(text: string): { start: string; end: string } | null {
  const m = PERIOD_RE.exec(text.replace(/\s+/g, ' ').trim());
  if (!m) return null;
  const period = m[1] ? { start: `${m[1]}-01-01`, end: `${m[2]}-12-31` } : { start: `${m[5]}-${m[4]}-${m[3]}`, end: `${m[8]}-${m[7]}-${m[6]}` };
  const valid = (day: string) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  return valid(period.start) && valid(period.end) && period.start <= period.end ? period : null;
}

function itemCard(t: TFunction, item: ItemDraft): string {
  const lines = [t('roadmap_import.item.title', { number: item.number || '—', name: clip(oneLine(item.name), 300) })];
  if (item.section) lines.push(t('roadmap_import.item.section', { section: clip(oneLine(item.section), 200) }));
  lines.push(t('roadmap_import.item.deadline', { phrase: oneLine(item.deadline) || '—' }));
  if (item.assignments.length === 0) lines.push(t('roadmap_import.item.no_responsible', { responsible: oneLine(item.responsible) || '—' }));
  for (const a of item.assignments) lines.push(`• ${targetText(t, a)}: ${scheduleText(t, a.schedule)}`);
  if (item.documentKind.trim()) lines.push(t('roadmap_import.item.document', { document: clip(oneLine(item.documentKind), 200) }));
  if (item.gaps.length > 0) lines.push(t('roadmap.needs_input', { what: item.gaps.map((g) => t(`roadmap.gap.${g}`)).join(', ') }));
  return lines.join('\n');
}

/**
 * A coordinator's roadmap file: which column is which when the headers are unknown, the period when the title has
 * none, then a preview («Найдено 17 мероприятий в 6 разделах; сроки распознаны у 15, у 2 нужен ваш ввод») with a
 * button per item that needs a deadline or a responsible, and «Опубликовать». Nothing is stored before that press;
 * a roadmap already published under the same title is updated, its tasks never duplicated.
 */
export function createRoadmapImportConversation(deps: { services: Services; logger: Logger }) {
  return async function roadmapImport(conversation: BotConversation, ctx: ConversationContext, args: RoadmapImportArgs) {
    const t = translator(args.language);

    /** A question with buttons; with `text`, a typed answer comes back as it is. */
    const choose = async (question: string, keyboard: InlineKeyboard, options: { text?: boolean } = {}): Promise<{ data: string } | { text: string }> => {
      const answer = await askChoice(conversation, ctx, t, question, keyboard, options.text ? { parse: (text) => text, retryKey: 'register.pair.use_buttons' } : undefined);
      return 'data' in answer ? answer : { text: answer.value };
    };

    // 1. The table and its columns.
    let parsed: ParsedRoadmap | { error: 'no_table' | 'unknown_columns'; headers: string[] } = parseRoadmap(args.document);
    if ('error' in parsed && parsed.error === 'unknown_columns') {
      const headers = parsed.headers;
      const columns: Partial<Record<ColumnKey, number>> = {};
      await ctx.reply(t('roadmap_import.columns.intro', { headers: headers.map((h, i) => `${i + 1}. ${clip(oneLine(h), 60) || '—'}`).join('\n') }));
      for (const key of ['name', 'deadline', 'responsible', 'documentKind'] as const) {
        const keyboard = new InlineKeyboard();
        headers.forEach((h, i) => keyboard.text(`${i + 1}. ${clip(oneLine(h), 30) || '—'}`, `ri:col:${i}`).row());
        if (key !== 'name') keyboard.text(t('roadmap_import.columns.none'), 'ri:col:none');
        const answer = await choose(t(`roadmap_import.columns.ask_${key}`), keyboard);
        if ('data' in answer && answer.data !== 'ri:col:none') columns[key] = Number(answer.data.slice('ri:col:'.length));
      }
      parsed = parseRoadmap(args.document, { columns });
    }
    if ('error' in parsed) {
      await ctx.reply(t(parsed.error === 'no_table' ? 'roadmap.file.no_table' : 'roadmap_import.columns.still_unknown'));
      return;
    }

    // 2. The period, from the title or from the coordinator.
    let period = parsed.period;
    while (!period) {
      const answer = await choose(t('roadmap_import.ask_period', { title: clip(oneLine(parsed.title), 200) }), new InlineKeyboard().text(t('tasks.done.cancel'), 'ri:cancel'), { text: true });
      if ('data' in answer) {
        await ctx.reply(t('roadmap_import.cancelled'));
        return;
      }
      period = periodFromText(answer.text);
      if (!period) await ctx.reply(t('roadmap_import.bad_period'));
    }
    const context = { ownerLevel: args.owner.level, period, referenceDate: parsed.documentDate ?? args.today };
    const draft: RoadmapDraft = draftRoadmap(parsed, context);
    if (draft.items.length === 0) {
      await ctx.reply(t('roadmap_import.no_items'));
      return;
    }
    const existing = await conversation.external(async () => {
      const found = await deps.services.roadmap.findRoadmap(args.owner, draft.title);
      return found ? { publishedAt: found.publishedAt.toISOString() } : null;
    });

    // 3. The preview, fixes item by item, and publishing.
    for (;;) {
      const gaps = draft.items.map((item, index) => ({ item, index })).filter((x) => x.item.gaps.length > 0);
      const recognised = draft.items.filter((i) => !i.gaps.includes('deadline')).length;
      const lines = [
        t('roadmap_import.preview.title', { title: clip(oneLine(draft.title), 300) }),
        t('roadmap_import.preview.period', { start: showDate(period.start), end: showDate(period.end), ref: showDate(draft.referenceDate) }),
        t('roadmap_import.preview.summary', { items: draft.items.length, sections: draft.sections, recognised, gaps: gaps.length }),
      ];
      if (existing) lines.push(t('roadmap_import.preview.existing', { date: showDate(existing.publishedAt.slice(0, 10)) }));
      for (const { item } of gaps.slice(0, 15)) lines.push(`⚠️ ${item.number || '—'} ${clip(oneLine(item.name), 70)}: ${item.gaps.map((g) => t(`roadmap.gap.${g}`)).join(', ')}`);
      const keyboard = new InlineKeyboard();
      gaps.slice(0, MAX_FIX_BUTTONS).forEach(({ item, index }, i) => {
        keyboard.text(t('roadmap_import.preview.fix', { number: item.number || String(index + 1) }), `ri:fix:${index}`);
        if (i % 2 === 1) keyboard.row();
      });
      if (gaps.length > 0) keyboard.row();
      keyboard.text(t('roadmap_import.preview.all'), 'ri:all').row();
      keyboard.text(t(existing ? 'roadmap_import.preview.update' : 'roadmap_import.preview.publish'), 'ri:pub').text(t('tasks.done.cancel'), 'ri:cancel');
      const answer = await choose(lines.join('\n'), keyboard);
      const data = 'data' in answer ? answer.data : '';

      if (data === 'ri:cancel') {
        await ctx.reply(t('roadmap_import.cancelled'));
        return;
      }
      if (data === 'ri:all') {
        for (const chunk of chunkLines(draft.items.map((item) => `${itemCard(t, item)}\n`))) await ctx.reply(chunk);
        continue;
      }
      if (data.startsWith('ri:fix:')) {
        const index = Number(data.slice('ri:fix:'.length));
        const item = draft.items[index];
        if (!item) continue;
        const fix = await choose(
          itemCard(t, item),
          new InlineKeyboard().text(t('roadmap_import.fix.deadline'), 'ri:dl').text(t('roadmap_import.fix.responsible'), 'ri:rs').row().text(t('register.pair.back'), 'ri:back'),
        );
        const what = 'data' in fix ? fix.data : '';
        if (what === 'ri:dl') {
          for (;;) {
            const typed = await choose(t('roadmap_import.fix.ask_deadline', { phrase: oneLine(item.deadline) || '—' }), new InlineKeyboard().text(t('register.pair.back'), 'ri:back'), { text: true });
            if ('data' in typed) break;
            const fixed = withDeadline(item, typed.text, context);
            if (!fixed) {
              await ctx.reply(t('roadmap_import.fix.bad_deadline'));
              continue;
            }
            draft.items[index] = fixed;
            await ctx.reply(t('roadmap_import.fix.deadline_set', { schedule: scheduleText(t, parseDeadline(typed.text, { period, ref: context.referenceDate })) }));
            break;
          }
        } else if (what === 'ri:rs') {
          const choices = new InlineKeyboard().text(t('roadmap_import.fix.each_organization'), 'ri:rt:organizations').row();
          if (args.owner.level === 'region') choices.text(t('roadmap_import.fix.each_municipality'), 'ri:rt:municipalities').row();
          choices.text(t('roadmap_import.fix.coordinator'), 'ri:rt:coordinator').row().text(t('register.pair.back'), 'ri:back');
          const picked = await choose(t('roadmap_import.fix.ask_responsible', { responsible: oneLine(item.responsible) || '—' }), choices);
          const target = 'data' in picked && picked.data.startsWith('ri:rt:') ? (picked.data.slice('ri:rt:'.length) as TargetKind) : null;
          if (target) {
            const who = oneLine(item.responsible) || t(`roadmap_import.fix.who_${target}`);
            draft.items[index] = withResponsible(item, target, who, context);
          }
        }
        continue;
      }
      if (data !== 'ri:pub') continue;

      const actor = ctx.from!.id;
      const toPublish = structuredClone(draft);
      const step = await guardedStep(conversation, deps, { userId: actor, step: 'roadmap.publish' }, async () => {
        const user = await deps.services.people.getUser(actor);
        if (user?.role !== 'coordinator' || user.scope?.id !== args.owner.id) return null;
        const result = await deps.services.roadmap.publish(toPublish, args.owner, actor, args.fileName);
        return { created: result.created, items: result.items, tasks: result.tasks };
      });
      if (!step.ok) {
        await ctx.reply(failedStepText(t, step));
        continue; // the preview comes again with every fix kept
      }
      if (!step.value) {
        await ctx.reply(t('access.denied'));
        return;
      }
      const { items, tasks, created } = step.value;
      await ctx.reply(t(created ? 'roadmap_import.published' : 'roadmap_import.updated', { ...items, tasksCreated: tasks.created, tasksKept: tasks.kept, tasksRemoved: tasks.removed }));
      return;
    }
  };
}
