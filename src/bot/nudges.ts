import { GrammyError, InlineKeyboard, type Api } from 'grammy';
import type { DeliveryOutcome, Digest, Escalation, Nudge, OutboxMessage } from '../domain/reminders/outbox';
import type { Logger } from '../logger';
import { chunkLines } from './format';
import { translator, type TFunction } from './i18n';
import { clip, documentText, oneLine, showDate } from './roadmap-format';

const titleOf = (item: Nudge['item']) => `${item.number.replace(/\.$/, '')} ${clip(oneLine(item.name), 300)}`.trim();

/** The text of a nudge: what, by when, how late, in the recipient's language. */
export function nudgeText(t: TFunction, nudge: Pick<Nudge, 'kind' | 'days' | 'task' | 'item' | 'roadmap' | 'party'>): string {
  const lines = [t(`nudges.${nudge.kind}`, { title: titleOf(nudge.item), due: showDate(nudge.task.due), days: Math.abs(nudge.days), party: nudge.party })];
  if (nudge.kind === 'pushed' && nudge.days < 0) lines.push(t('nudges.late', { days: -nudge.days }));
  lines.push(t('nudges.roadmap', { title: clip(oneLine(nudge.roadmap.title), 200) }));
  if (nudge.item.documentKind.trim()) lines.push(t('tasks.card.document', { document: clip(oneLine(nudge.item.documentKind), 200) }));
  return lines.join('\n');
}

/** One message per item to a coordinator: the schools overdue on it. */
export function escalationText(t: TFunction, e: Escalation): string {
  const lines = [t('nudges.escalation', { title: titleOf(e.item), due: showDate(e.due), days: Math.abs(e.days), count: e.taskIds.length })];
  for (const party of e.parties) lines.push(`• ${party}`);
  if (e.taskIds.length > e.parties.length) lines.push(t('nudges.escalation_more', { count: e.taskIds.length - e.parties.length }));
  lines.push(t('nudges.roadmap', { title: clip(oneLine(e.roadmap.title), 200) }));
  return lines.join('\n');
}

/** The weekly digest of a territory. */
export function digestText(t: TFunction, d: Digest): string {
  const lines = [t('digest.title', { territory: d.territory, start: showDate(d.week.start), end: showDate(d.week.end) })];
  lines.push('', d.overdue.tasks > 0 ? t('digest.overdue', { tasks: d.overdue.tasks, parties: d.overdue.parties }) : t('digest.overdue_none'));
  for (const l of d.overdue.top) lines.push(t('digest.overdue_line', { party: l.party, count: l.count, items: l.items.join(', ') }));
  if (d.overdue.parties > d.overdue.top.length) lines.push(t('digest.more', { count: d.overdue.parties - d.overdue.top.length }));
  lines.push('', d.dueThisWeek.tasks > 0 ? t('digest.week', { tasks: d.dueThisWeek.tasks }) : t('digest.week_none'));
  for (const i of d.dueThisWeek.items) lines.push(t('digest.week_line', { title: `${i.number} ${clip(oneLine(i.name), 120)}`.trim(), due: showDate(i.due), count: i.count }));
  lines.push('', d.nobody.count > 0 ? t('digest.nobody', { count: d.nobody.count, of: d.nobody.of }) : t('digest.nobody_none'));
  for (const l of d.nobody.top) lines.push(l.count + l.dueThisWeek > 0 ? t('digest.nobody_line', { party: l.party, overdue: l.count, week: l.dueThisWeek }) : `• ${l.party}`);
  if (d.nobody.count > d.nobody.top.length) lines.push(t('digest.more', { count: d.nobody.count - d.nobody.top.length }));
  if (d.nobody.count > 0) lines.push(t('digest.nobody_hint'));
  return lines.join('\n');
}

function render(t: TFunction, m: OutboxMessage): { text: string; keyboard?: InlineKeyboard } {
  switch (m.kind) {
    case 'escalation':
      return { text: escalationText(t, m), keyboard: new InlineKeyboard().text(t('nudges.buttons.push'), `esc:push:${m.key.replace(/^esc\|/, '')}`) };
    case 'digest':
      return { text: digestText(t, m) };
    case 'notice':
      return { text: t('nudges.unreachable', { name: m.person.fullName ?? String(m.person.telegramId), party: m.party || t('cli.remind.coordinator') }) };
    case 'request':
      // A coordinator's data request (/request) became the school's task: what, by when, which document.
      return {
        text: t('request.told', { number: m.item.number, owner: m.from ?? m.roadmap.title, text: m.item.name, due: showDate(m.task.due), document: documentText(t, m.item.documentKind) }),
        keyboard: new InlineKeyboard().text(t('request.buttons.open'), `task:c:${m.task.id}`).row().text(t('request.buttons.done'), `task:d:${m.task.id}`),
      };
    case 'monitoring':
      // A round of the quarterly monitoring opened: the button opens the questionnaire (see tasks.ts, task:d).
      return {
        text: t('monitoring.invite', { name: clip(oneLine(m.item.name), 300), due: showDate(m.task.due) }),
        keyboard: new InlineKeyboard().text(t('monitoring.buttons.answer'), `task:d:${m.task.id}`).row().text(t('nudges.buttons.later'), `nudge:later:${m.task.id}`),
      };
    default:
      return {
        text: nudgeText(t, m),
        keyboard: new InlineKeyboard()
          .text(t('nudges.buttons.open'), `task:c:${m.task.id}`)
          .text(t('nudges.buttons.done'), `task:d:${m.task.id}`)
          .row()
          .text(t('nudges.buttons.later'), `nudge:later:${m.task.id}`),
      };
  }
}

/**
 * Paces outgoing messages: at most `perSecond` a second overall and one a second to one chat (Telegram's limits),
 * the rest waiting their turn. 429s with retry_after are honoured by the Api's auto-retry.
 */
export function createPacer(options: { perSecond: number; perChatMs: number; now?: () => number; sleep?: (ms: number) => Promise<void> }) {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const gap = 1000 / options.perSecond;
  let nextGlobal = 0;
  const nextForChat = new Map<number, number>();
  let chain: Promise<unknown> = Promise.resolve();
  return function pace<T>(chatId: number, send: () => Promise<T>): Promise<T> {
    const turn = chain.then(async () => {
      const at = Math.max(now(), nextGlobal, nextForChat.get(chatId) ?? 0);
      if (at > now()) await sleep(at - now());
      nextGlobal = at + gap;
      nextForChat.set(chatId, at + options.perChatMs);
    });
    chain = turn;
    return turn.then(send);
  };
}

/** Delivers outbox messages through the bot's Api, paced, and reports what happened; never throws. */
export function createNudgeDelivery(api: Api, logger: Logger, pacer = createPacer({ perSecond: 25, perChatMs: 1000 })) {
  return async function deliver(message: OutboxMessage): Promise<DeliveryOutcome> {
    const t = translator(message.recipient.language ?? 'ru');
    const chatId = message.recipient.chatId ?? message.recipient.telegramId;
    try {
      const { text, keyboard } = render(t, message);
      // A long digest goes in parts; the buttons stay under the last.
      const parts = chunkLines(text.split('\n'));
      let last = 0;
      for (const [i, part] of parts.entries()) {
        const sent = await pacer(chatId, () => api.sendMessage(chatId, part, i === parts.length - 1 && keyboard ? { reply_markup: keyboard } : {}));
        last = sent.message_id;
      }
      return { status: 'sent', messageId: last };
    } catch (err) {
      const blocked = err instanceof GrammyError && err.error_code === 403;
      logger.warn({ err, userId: message.recipient.telegramId, key: message.key }, 'a reminder could not be delivered');
      return { status: 'failed', reason: err instanceof GrammyError ? `${err.error_code} ${err.description}` : String(err), blocked };
    }
  };
}
