import { nameKey } from '../shared/names';
import type { ScopeLevel } from '../territory/territory.types';
import { parseDeadline } from './deadline';
import type { ParsedItem, ParsedRoadmap } from './roadmap-parse';
import type { Assignment, ItemDraft, RoadmapDraft, TargetKind } from './roadmap.types';

// Kinds of organization a roadmap names instead of one body: each organization of the territory gets a task.
const ORGANIZATIONS =
  /(руководител\p{L}*\s+)?(муниципальн\p{L}*\s+)?(обще)?образовательн\p{L}*\s+(организаци|учреждени)\p{L}*|(руководител\p{L}*\s+)?(?<![\p{L}\d])(М?ОО|М?ОУ)(?![\p{L}\d])|организаци\p{L}*\s+СПО|(?<![\p{L}])школ(ы|ам)(?![\p{L}])/giu;
// The municipal education authorities of a region («муниципальные отделы образования», «… органы управления образования»).
const MUNICIPALITIES = /муниципальн\p{L}*\s+(отдел\p{L}*|орган\p{L}*)(\s+управлени\p{L}*)?(\s+в\s+сфере)?\s+образовани\p{L}*(\s+РА)?/giu;

/**
 * Who an item's «Ответственный» names. Kinds of organization fan out (organizations; municipalities of a regional
 * roadmap); whatever else is named (a body such as МКУ «Ресурсный центр», a person such as «Бабкина И.Г.») is the
 * coordinators' own task. Text in «quotes» is a name and never a kind («Институт развития образования»).
 */
export function classifyResponsible(text: string, ownerLevel: ScopeLevel): { target: TargetKind; who: string }[] {
  const clean = text.replace(/\(по согласованию\)/giu, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  const quoted: string[] = [];
  // Hide quoted names behind placeholders (private-use characters) so that the patterns below cannot match inside them.
  let rest = clean.replace(/«[^»]*»|"[^"]*"|“[^”]*”/gu, (q) => `\uE000${quoted.push(q) - 1}\uE001`);
  const found: { target: TargetKind; who: string }[] = [];
  const take = (re: RegExp, target: TargetKind) => {
    rest = rest.replace(re, (m) => {
      if (!found.some((f) => f.target === target)) found.push({ target, who: m.trim() });
      return ' , ';
    });
  };
  take(MUNICIPALITIES, ownerLevel === 'region' ? 'municipalities' : 'coordinator');
  take(ORGANIZATIONS, 'organizations');
  const restore = (s: string) => s.replace(/\uE000(\d+)\uE001/gu, (_, i: string) => quoted[Number(i)] ?? '');
  const others = restore(rest)
    .split(/[,;\n]/u)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => /\p{L}{2,}/u.test(s));
  if (others.length > 0) {
    const who = others.join(', ');
    const own = found.find((f) => f.target === 'coordinator');
    if (own) own.who = `${own.who}, ${who}`;
    else found.unshift({ target: 'coordinator', who });
  }
  return found.map((f) => ({ ...f, who: restore(f.who) }));
}

/** The key an item keeps across re-imports of the same roadmap. */
export function itemKey(item: Pick<ParsedItem, 'number' | 'sectionNumber' | 'name'>): string {
  const number = item.number.replace(/\.$/, '').trim();
  return number ? `${item.sectionNumber ?? ''}|${number}` : `name|${nameKey(item.name).slice(0, 120)}`;
}

/** Deadlines and responsible parties of one item, read; what could not be read is named in `gaps`. */
export function draftItem(item: ParsedItem, context: { ownerLevel: ScopeLevel; period: { start: string; end: string }; referenceDate: string }): ItemDraft {
  const deadlineContext = { period: context.period, ref: context.referenceDate };
  const parts = item.parts && item.parts.length > 0 ? item.parts : [{ responsible: item.responsible, deadline: item.deadline }];
  const assignments: Assignment[] = [];
  for (const part of parts) {
    const schedule = parseDeadline(part.deadline ?? '', deadlineContext);
    for (const { target, who } of classifyResponsible(part.responsible ?? '', context.ownerLevel)) {
      assignments.push({ target, who, deadline: part.deadline ?? '', schedule });
    }
  }
  const gaps: ItemDraft['gaps'] = [];
  const schedules = parts.map((p) => parseDeadline(p.deadline ?? '', deadlineContext));
  if (schedules.some((s) => s.kind === 'unknown')) gaps.push('deadline');
  if (assignments.length === 0) gaps.push('responsible');
  return {
    key: itemKey(item),
    number: item.number,
    section: item.section,
    sectionNumber: item.sectionNumber,
    name: item.name,
    deadline: item.deadline,
    responsible: item.responsible,
    documentKind: item.documentKind,
    result: item.result,
    assignments,
    gaps,
  };
}

/** A parsed document turned into what would be published: items with schedules and the parties that get tasks. */
export function draftRoadmap(
  parsed: ParsedRoadmap,
  context: { ownerLevel: ScopeLevel; period: { start: string; end: string }; referenceDate: string },
): RoadmapDraft {
  return {
    title: parsed.title,
    period: context.period,
    referenceDate: context.referenceDate,
    sections: parsed.sections.length,
    items: parsed.items.map((item) => draftItem(item, context)),
  };
}

type DraftContext = { ownerLevel: ScopeLevel; period: { start: string; end: string }; referenceDate: string };

function gapsOf(item: Pick<ItemDraft, 'assignments' | 'deadline'>, context: DraftContext): ItemDraft['gaps'] {
  const gaps: ItemDraft['gaps'] = [];
  const schedules = item.assignments.length > 0 ? item.assignments.map((a) => a.schedule) : [parseDeadline(item.deadline, { period: context.period, ref: context.referenceDate })];
  if (schedules.some((s) => s.kind === 'unknown')) gaps.push('deadline');
  if (item.assignments.length === 0) gaps.push('responsible');
  return gaps;
}

/** The item with a deadline a person gave: every party of it gets that deadline. Null when it cannot be read. */
export function withDeadline(item: ItemDraft, phrase: string, context: DraftContext): ItemDraft | null {
  const schedule = parseDeadline(phrase, { period: context.period, ref: context.referenceDate });
  if (schedule.kind === 'unknown') return null;
  const assignments = item.assignments.map((a) => ({ ...a, deadline: phrase, schedule }));
  const next = { ...item, deadline: phrase, assignments };
  return { ...next, gaps: gapsOf(next, context) };
}

/** The item with the responsible a person chose: each organization, each municipality, or the coordinators. */
export function withResponsible(item: ItemDraft, target: TargetKind, who: string, context: DraftContext): ItemDraft {
  const deadline = item.assignments[0]?.deadline ?? item.deadline;
  const schedule = item.assignments[0]?.schedule ?? parseDeadline(deadline, { period: context.period, ref: context.referenceDate });
  const next = { ...item, responsible: who, assignments: [{ target, who, deadline, schedule }] };
  return { ...next, gaps: gapsOf(next, context) };
}

/** A new item a coordinator writes in the bot: its deadline and responsible read like a document's. */
export function newItem(input: { number: string; section: string | null; name: string; deadline: string; responsible: string; documentKind: string }, context: DraftContext): ItemDraft {
  return draftItem({ ...input, sectionNumber: null, result: '', parts: null, sourceRows: [] }, context);
}
