import type { Schedule } from '../domain/roadmap/deadline';
import type { Assignment, Evidence, ItemDraft, Roadmap, RoadmapItem, Task } from '../domain/roadmap/roadmap.types';
import type { TFunction } from './i18n';
import { daysBetween } from '../domain/reminders/working-time';

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

export { daysBetween };

/** The mark a task shows in a list: overdue, due within a week, waiting, returned, on review, done. */
export function taskMark(task: Pick<Task, 'status' | 'due'>, today: string): string {
  if (task.status === 'accepted') return '✅';
  if (task.status === 'submitted') return '🕓';
  if (task.status === 'returned') return '↩️';
  if (task.due && task.due < today) return '🔴';
  if (task.due && daysBetween(today, task.due) <= 7) return '🟡';
  return '⚪';
}

/** «до 31.03.2021, просрочено на 3 дн.» / «до 31.03.2021, осталось 5 дн.» / «без срока». */
export function dueText(t: TFunction, due: string | null, today: string): string {
  if (!due) return t('tasks.no_due');
  const days = daysBetween(today, due);
  if (days < 0) return t('tasks.overdue', { due: showDate(due), days: -days });
  if (days === 0) return t('tasks.due_today', { due: showDate(due) });
  return t('tasks.due_in', { due: showDate(due), days });
}

/** A task's card: what, in which roadmap, by when, which document, and where it stands. */
export function taskCardText(t: TFunction, found: { task: Task; item: RoadmapItem; roadmap: Roadmap }, today: string, party?: string): string {
  const { task, item, roadmap } = found;
  const lastReview = task.reviews.at(-1);
  const lines = [
    t('tasks.card.roadmap', { title: clip(oneLine(roadmap.title), 200) }),
    ...(item.section ? [t('tasks.card.section', { section: clip(oneLine(item.section), 200) })] : []),
    t('tasks.card.item', { number: item.number.replace(/\.$/, ''), name: item.name }),
    ...(party ? [t('tasks.card.party', { party })] : []),
    t('tasks.card.due', { due: dueText(t, task.due, today) }),
    t('tasks.card.document', { document: item.documentKind.trim() ? oneLine(item.documentKind) : t('tasks.card.no_document') }),
    t('tasks.card.status', { status: `${taskMark(task, today)} ${t(`tasks.status.${task.status}`)}` }),
  ];
  if (task.status === 'returned' && lastReview?.reason) lines.push(t('tasks.card.returned_reason', { reason: lastReview.reason }));
  return lines.join('\n');
}

/** The evidence of the last submission, one line each (files are sent separately). */
export function evidenceLines(t: TFunction, evidence: Evidence[]): string[] {
  return evidence.map((e) => {
    if (e.kind === 'file') return t('tasks.evidence.file', { name: e.fileName ?? 'файл', size: e.fileSize ? `${Math.max(1, Math.round(e.fileSize / 1024))} КБ` : '—' });
    if (e.kind === 'link') return t('tasks.evidence.link', { url: e.url });
    return t('tasks.evidence.comment', { text: e.text });
  });
}

/** What a head reads as the expected document of a request: the kind, or that none is needed. */
export const documentText = (t: TFunction, documentKind: string) => (documentKind.trim() ? documentKind : t('request.no_document'));
