import type { Schedule } from '../domain/roadmap/deadline';
import type { Assignment, ItemDraft } from '../domain/roadmap/roadmap.types';
import type { TFunction } from './i18n';

/** 2021-03-31 → 31.03.2021. */
export const showDate = (day: string | null | undefined): string => (day ? `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}` : '—');

/** A schedule as a person reads it: «до 31.03.2021», «01.01.2021–31.03.2021», «ежеквартально, ближайший срок …». */
export function scheduleText(t: TFunction, s: Schedule): string {
  switch (s.kind) {
    case 'date':
      return t('roadmap.schedule.date', { due: showDate(s.due) });
    case 'period':
      return t('roadmap.schedule.period', { start: showDate(s.start), due: showDate(s.due) });
    case 'recurring':
      return t('roadmap.schedule.recurring', { every: t(`roadmap.every.${s.every}`), times: (s.times ?? 1) > 1 ? ` × ${s.times}` : '', due: showDate(s.due) });
    case 'open':
      return t('roadmap.schedule.open');
    case 'multiple':
      return (s.parts ?? []).map((p) => scheduleText(t, p)).join('; ');
    default:
      return t('roadmap.schedule.unknown');
  }
}

export function targetText(t: TFunction, a: Pick<Assignment, 'target' | 'who'>): string {
  return t(`roadmap.target.${a.target}`, { who: a.who });
}

/** One line per item for the operator's command line: number first, so it can be grepped. */
export function itemLine(t: TFunction, item: ItemDraft): string {
  const parts = item.assignments.map((a) => `${targetText(t, a)}: «${oneLine(a.deadline)}» → ${scheduleText(t, a.schedule)}`);
  return t('roadmap.cli_line', {
    number: item.number || '—',
    section: item.sectionNumber ?? '—',
    name: clip(oneLine(item.name), 90),
    assignments: parts.length > 0 ? parts.join(' | ') : t('roadmap.no_responsible'),
    document: clip(oneLine(item.documentKind), 60) || '—',
    gaps: item.gaps.length > 0 ? ` ${t('roadmap.needs_input', { what: item.gaps.map((g) => t(`roadmap.gap.${g}`)).join(', ') })}` : '',
  });
}

export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
