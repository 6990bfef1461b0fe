import { extname } from 'node:path';
import { InlineKeyboard } from 'grammy';
import { taskPartyOf } from '../../domain/people/access';
import type { Language } from '../../domain/people/people.types';
import type { Evidence } from '../../domain/roadmap/roadmap.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { notifyReviewers } from '../review-notify';
import { evidenceLines } from '../roadmap-format';
import { failedStepText, guardedStep, waitInDialogue } from './ask';

export const TASK_DONE = 'task-done';

export interface TaskDoneArgs {
  language: Language;
  taskId: string;
  /** The school or territory whose task it is, as the person's record said when they pressed the button. */
  party: string;
  title: string;
  /** The item names a document («Вид документа»): a file or a link is required, a comment alone is not enough. */
  documentRequired: boolean;
}

const SEND = 'td:send';
const CANCEL = 'td:cancel';
/** Kinds of file a scanned order or a report comes as. */
const FILE_TYPES = new Set(['.pdf', '.jpg', '.jpeg', '.png', '.heic', '.tif', '.tiff', '.doc', '.docx', '.odt', '.rtf', '.xls', '.xlsx', '.ods', '.zip']);
const URL_RE = /https?:\/\/[^\s<>«»"]+/iu;

/** One message of the person as evidence, or the reason it is not. */
function evidenceOf(message: NonNullable<ConversationContext['message']>): { evidence: Evidence[] } | { problem: string } {
  if (message.document) {
    const d = message.document;
    const ext = extname(d.file_name ?? '').toLowerCase();
    if (!FILE_TYPES.has(ext)) return { problem: 'tasks.done.bad_file' };
    return { evidence: [{ kind: 'file', fileId: d.file_id, fileName: d.file_name, fileSize: d.file_size, mimeType: d.mime_type }] };
  }
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo[message.photo.length - 1]!;
    return { evidence: [{ kind: 'file', fileId: largest.file_id, fileSize: largest.file_size, mimeType: 'image/jpeg' }] };
  }
  const text = message.text?.trim();
  if (!text) return { problem: 'tasks.done.what' };
  if (text.startsWith('/')) return { problem: 'tasks.done.busy' };
  const url = URL_RE.exec(text)?.[0];
  const rest = url ? text.replace(url, '').trim() : text;
  const evidence: Evidence[] = [];
  if (url) evidence.push({ kind: 'link', url });
  if (rest.length >= 3) evidence.push({ kind: 'comment', text: rest.slice(0, 2000) });
  return evidence.length > 0 ? { evidence } : { problem: 'tasks.done.too_short' };
}

/**
 * «Отметить выполненным»: the person sends what confirms the task (files, links, a comment, several messages if
 * they like) and presses «Отправить на проверку». Nothing is stored before that press; the coordinators of the
 * roadmap then get it with Accept and Return.
 */
export function createTaskDoneConversation(deps: { services: Services; logger: Logger }) {
  return async function taskDone(conversation: BotConversation, ctx: ConversationContext, args: TaskDoneArgs) {
    const t = translator(args.language);
    const keyboard = () => new InlineKeyboard().text(t('tasks.done.send'), SEND).text(t('tasks.done.cancel'), CANCEL);
    await ctx.reply(t(args.documentRequired ? 'tasks.done.ask_document' : 'tasks.done.ask', { title: args.title }), { reply_markup: keyboard() });
    const collected: Evidence[] = [];

    for (;;) {
      const answer = await waitInDialogue(conversation);
      const data = answer.callbackQuery?.data;
      if (answer.callbackQuery) {
        if (data !== SEND && data !== CANCEL) {
          await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
          continue;
        }
        await answer.answerCallbackQuery();
        if (data === CANCEL) {
          await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
          await answer.reply(t('tasks.done.cancelled'));
          return;
        }
        if (collected.length === 0) {
          await answer.reply(t('tasks.done.nothing_yet'), { reply_markup: keyboard() });
          continue;
        }
        if (args.documentRequired && !collected.some((e) => e.kind === 'file' || e.kind === 'link')) {
          await answer.reply(t('tasks.done.needs_document'), { reply_markup: keyboard() });
          continue;
        }
        const actor = answer.from!.id;
        const evidence = structuredClone(collected);
        const step = await guardedStep(conversation, deps, { userId: actor, step: 'tasks.submit' }, async () => {
          // The person must still answer for this school or territory (a curator removed meanwhile does not).
          if (taskPartyOf(await deps.services.people.getUser(actor)) !== args.party) return { status: 'denied' as const };
          const result = await deps.services.roadmap.submit(args.party, args.taskId, evidence, actor);
          return { status: result.status, own: result.status === 'submitted' && result.task.target.level === 'coordinator' };
        });
        if (!step.ok) {
          await answer.reply(failedStepText(t, step), { reply_markup: keyboard() });
          continue; // everything sent so far is kept; the button works again
        }
        const outcome = step.value;
        await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
        if (outcome.status === 'denied') {
          await answer.reply(t('access.denied'));
          return;
        }
        if (outcome.status === 'needs_document') {
          await answer.reply(t('tasks.done.needs_document'), { reply_markup: keyboard() });
          continue;
        }
        if (outcome.status !== 'submitted') {
          await answer.reply(t(outcome.status === 'not_open' ? 'tasks.not_open' : 'tasks.not_found'));
          return;
        }
        if (outcome.own) {
          await answer.reply(t('tasks.done.own_done'));
          return;
        }
        // Tell the roadmap's coordinators once (the external step is not repeated when the dialogue replays).
        const reviewers = await conversation.external(async (outer) => {
          const found = await deps.services.roadmap.taskOf(args.party, args.taskId).catch(() => null);
          return found ? notifyReviewers(outer.api, deps.services, deps.logger, found) : 0;
        });
        await answer.reply(t(reviewers > 0 ? 'tasks.done.sent' : 'tasks.done.sent_no_reviewer'));
        return;
      }

      const message = answer.message;
      if (!message) continue;
      const read = evidenceOf(message);
      if ('problem' in read) {
        await answer.reply(t(read.problem), { reply_markup: keyboard() });
        continue;
      }
      collected.push(...read.evidence);
      await answer.reply(`${t('tasks.done.got')}\n${evidenceLines(t, collected).join('\n')}\n\n${t('tasks.done.more')}`, { reply_markup: keyboard() });
    }
  };
}
