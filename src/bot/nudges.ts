import { GrammyError, InlineKeyboard, type Api } from 'grammy';
import type { DeliveryOutcome, Nudge, UnreachableNotice } from '../domain/reminders/sweep';
import type { Logger } from '../logger';
import { translator, type TFunction } from './i18n';
import { clip, oneLine, showDate } from './roadmap-format';

/** The text of a nudge: what, by when, how late, in the recipient's language. */
export function nudgeText(t: TFunction, nudge: Pick<Nudge, 'kind' | 'days' | 'task' | 'item' | 'roadmap' | 'party'>): string {
  const title = `${nudge.item.number.replace(/\.$/, '')} ${clip(oneLine(nudge.item.name), 300)}`;
  const due = showDate(nudge.task.due);
  const lines = [t(`nudges.${nudge.kind}`, { title, due, days: Math.abs(nudge.days), party: nudge.party })];
  lines.push(t('nudges.roadmap', { title: clip(oneLine(nudge.roadmap.title), 200) }));
  if (nudge.item.documentKind.trim()) lines.push(t('tasks.card.document', { document: clip(oneLine(nudge.item.documentKind), 200) }));
  return lines.join('\n');
}

function nudgeKeyboard(t: TFunction, nudge: Nudge): InlineKeyboard | undefined {
  if (nudge.kind === 'escalation') return undefined;
  return new InlineKeyboard()
    .text(t('nudges.buttons.open'), `task:c:${nudge.task.id}`)
    .text(t('nudges.buttons.done'), `task:d:${nudge.task.id}`)
    .row()
    .text(t('nudges.buttons.later'), `nudge:later:${nudge.task.id}`);
}

/**
 * Paces outgoing nudges: at most `perSecond` messages a second overall and one a second to one chat (Telegram's
 * limits), the rest waiting their turn. 429s with retry_after are honoured by the Api's auto-retry.
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

/** Delivers nudges through the bot's Api, paced, and reports what happened; never throws. */
export function createNudgeDelivery(api: Api, logger: Logger, pacer = createPacer({ perSecond: 25, perChatMs: 1000 })) {
  return async function deliver(nudge: Nudge): Promise<DeliveryOutcome> {
    const t = translator(nudge.recipient.language ?? 'ru');
    const chatId = nudge.recipient.chatId ?? nudge.recipient.telegramId;
    try {
      const message = await pacer(chatId, () => api.sendMessage(chatId, nudgeText(t, nudge), { reply_markup: nudgeKeyboard(t, nudge) }));
      return { status: 'sent', messageId: message.message_id };
    } catch (err) {
      const blocked = err instanceof GrammyError && err.error_code === 403;
      logger.warn({ err, userId: nudge.recipient.telegramId, key: nudge.key }, 'a nudge could not be delivered');
      return { status: 'failed', reason: err instanceof GrammyError ? `${err.error_code} ${err.description}` : String(err), blocked };
    }
  };
}

/** Tells a coordinator that a person of their territory blocked the bot; never throws. */
export function createNoticeDelivery(api: Api, logger: Logger, pacer = createPacer({ perSecond: 25, perChatMs: 1000 })) {
  return async function tell(notice: UnreachableNotice): Promise<DeliveryOutcome> {
    const t = translator(notice.coordinator.language ?? 'ru');
    const chatId = notice.coordinator.chatId ?? notice.coordinator.telegramId;
    try {
      const text = t('nudges.unreachable', { name: notice.person.fullName ?? String(notice.person.telegramId), party: notice.party || t('cli.remind.coordinator') });
      const message = await pacer(chatId, () => api.sendMessage(chatId, text));
      return { status: 'sent', messageId: message.message_id };
    } catch (err) {
      logger.warn({ err, userId: notice.coordinator.telegramId }, 'an unreachable notice could not be delivered');
      return { status: 'failed', reason: err instanceof GrammyError ? `${err.error_code} ${err.description}` : String(err), blocked: err instanceof GrammyError && err.error_code === 403 };
    }
  };
}
