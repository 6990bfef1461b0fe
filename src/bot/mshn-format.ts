import type { BankDraft, BankEntry, BankKind, EventDraft, EventKind, MshnEvent, StoredFile } from '../domain/mshn/mshn.types';
import { showDay, todayIn } from '../domain/register/register-input';
import type { MentoringForm } from '../domain/register/register.types';
import type { TFunction } from './i18n';

/** A form of mentoring as the School of Mentoring names it: seed 004's words for its three, the register's for the rest. */
export function formName(t: TFunction, form: MentoringForm): string {
  const own = `mshn.form.${form}`;
  const text = t(own);
  return text === own ? t(`register.form.${form}`) : text;
}

export const kindName = (t: TFunction, kind: BankKind) => t(`mshn.kind.${kind}`);
export const kindIcon = (kind: BankKind) => (kind === 'practice' ? '📚' : '📘');
export const eventKindName = (t: TFunction, kind: EventKind) => t(`mshn.event_kind.${kind}`);

export function fileText(t: TFunction, file: StoredFile | undefined): string {
  if (!file) return t('mshn.file.none');
  const size = file.fileSize ? t('mshn.file.size_kb', { size: Math.max(1, Math.round(file.fileSize / 1024)) }) : '';
  return t('mshn.file.some', { name: file.fileName ?? t('mshn.file.unnamed'), size });
}

/** The summary of a bank draft before it is sent. */
export function bankDraftText(t: TFunction, draft: Partial<BankDraft>): string {
  return [
    t('mshn.practice.summary_header'),
    t('mshn.card.kind', { kind: draft.kind ? kindName(t, draft.kind) : '—' }),
    t('mshn.card.title', { title: draft.title ?? '—' }),
    t('mshn.card.form', { form: draft.form ? formName(t, draft.form) : '—' }),
    t('mshn.card.description', { description: draft.description ?? '—' }),
    draft.link ? t('mshn.card.link', { url: draft.link }) : t('mshn.card.file', { file: fileText(t, draft.file) }),
  ].join('\n');
}

/** An entry of the bank as a coordinator or its school reads it, with where it came from. */
export function entryCardText(t: TFunction, entry: BankEntry, where: { school: string; municipality?: string }, timeZone: string): string {
  return [
    `${kindIcon(entry.kind)} ${kindName(t, entry.kind)}`,
    t('mshn.card.title', { title: entry.title }),
    t('mshn.card.form', { form: formName(t, entry.form) }),
    t('mshn.card.school', { school: where.municipality ? `${where.school} (${where.municipality})` : where.school }),
    t('mshn.card.submitted', { name: entry.submittedByName ?? '—', date: showDay(todayIn(timeZone, entry.submittedAt)) }),
    t('mshn.card.description', { description: entry.description }),
    entry.link ? t('mshn.card.link', { url: entry.link }) : t('mshn.card.file', { file: fileText(t, entry.file) }),
  ].join('\n');
}

/** The summary of a meeting or event before it is recorded. */
export function eventDraftText(t: TFunction, draft: Partial<EventDraft>): string {
  const lines = [
    t('mshn.meeting.summary_header'),
    t('mshn.card.event_kind', { kind: draft.kind ? eventKindName(t, draft.kind) : '—' }),
    t('mshn.card.date', { date: draft.date ? showDay(draft.date) : '—' }),
    t('mshn.card.topic', { topic: draft.topic ?? '—' }),
    t(draft.kind === 'meeting' ? 'mshn.card.minutes' : 'mshn.card.file', { file: fileText(t, draft.file) }),
  ];
  if (draft.kind === 'meeting' && !draft.file) lines.push('', t('mshn.meeting.no_minutes_warning'));
  return lines.join('\n');
}

/** One line of the school year's list of meetings and events. */
export function eventLine(t: TFunction, index: number, event: MshnEvent): string {
  return t('mshn.meeting.line', {
    index,
    date: showDay(event.date),
    kind: eventKindName(t, event.kind),
    topic: event.topic,
    marks: [event.file ? '📎' : '', event.countedTaskId ? '✅' : ''].filter(Boolean).join(' '),
  }).trimEnd();
}
