import { extname } from 'node:path';
import { InlineKeyboard } from 'grammy';
import type { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { StoredFile } from '../../domain/mshn/mshn.types';
import type { BotConversation, ConversationContext } from '../context';
import type { TFunction } from '../i18n';
import { waitInDialogue } from './ask';

/**
 * Asks a question (with buttons, if any) and waits for a text the schema accepts or a press on one of the
 * question's buttons. A refused text gets its localized reason (with `errorParams` of what was typed) and the
 * question stays open, so nothing answered before is lost; any command ends the dialogue.
 */
export async function askValue<T>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: TFunction,
  question: string,
  schema: z.ZodType<T>,
  options: { keyboard?: InlineKeyboard; errorParams?: (text: string) => Record<string, unknown> } = {},
): Promise<{ value: T } | { data: string }> {
  const message = await ctx.reply(question, options.keyboard ? { reply_markup: options.keyboard } : {});
  for (;;) {
    const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
    if (answer.callbackQuery) {
      const data = answer.callbackQuery.data;
      if (options.keyboard && data && answer.callbackQuery.message?.message_id === message.message_id) {
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
        return { data };
      }
      await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
      continue;
    }
    const text = answer.message?.text;
    if (text === undefined) {
      await answer.reply(t('mshn.errors.need_text'));
      continue;
    }
    const parsed = parseInput(schema, text);
    if (parsed.ok) return { value: parsed.value };
    await answer.reply(t(parsed.errorKey, options.errorParams?.(text) ?? {}));
  }
}

/**
 * Waits for «save» or «cancel» pressed under the summary message (`messageId`); a press elsewhere or a text gets a
 * short reason, a command ends the dialogue.
 */
export async function awaitSummary(conversation: BotConversation, t: TFunction, messageId: number, save: string, cancel: string): Promise<{ answer: ConversationContext; save: boolean }> {
  for (;;) {
    const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
    const data = answer.callbackQuery?.data;
    if (!answer.callbackQuery || answer.callbackQuery.message?.message_id !== messageId || (data !== save && data !== cancel)) {
      if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
      else await answer.reply(t('mshn.use_buttons'));
      continue;
    }
    await answer.answerCallbackQuery();
    await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    return { answer, save: data === save };
  }
}

/**
 * Asks for a file (a document or a scanned page) — or, with `opts.link`, a link the schema accepts — with «Без файла»
 * (`ids.noFile`) and «Отмена» (`ids.cancel`) under the question. «Без файла» gives an empty answer; «Отмена» gives the
 * press, to answer it. A kind of file not accepted gets its reason, anything else `opts.retryKey`, both with the
 * buttons again; a press elsewhere is stale, and any command ends the dialogue.
 */
export async function askAttachment(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: TFunction,
  question: string,
  ids: { noFile: string; cancel: string },
  opts: { retryKey: string; link?: z.ZodType<string> },
): Promise<{ file?: StoredFile; link?: string } | { cancelled: ConversationContext }> {
  const keyboard = () => new InlineKeyboard().text(t('mshn.buttons.no_file'), ids.noFile).text(t('mshn.buttons.cancel'), ids.cancel);
  // The question and every re-ask carry the buttons: a press on any of them counts.
  const asked = new Set([(await ctx.reply(question, { reply_markup: keyboard() })).message_id]);
  for (;;) {
    const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
    if (answer.callbackQuery) {
      const data = answer.callbackQuery.data;
      if (!asked.has(answer.callbackQuery.message?.message_id ?? -1) || (data !== ids.noFile && data !== ids.cancel)) {
        await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
        continue;
      }
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      return data === ids.cancel ? { cancelled: answer } : {};
    }
    const message = answer.message;
    if (!message) continue;
    const sent = fileOf(message);
    if (sent && 'file' in sent) return { file: sent.file };
    if (sent) {
      asked.add((await answer.reply(t(sent.problem), { reply_markup: keyboard() })).message_id);
      continue;
    }
    const link = opts.link && message.text ? parseInput(opts.link, message.text) : null;
    if (link?.ok) return { link: link.value };
    asked.add((await answer.reply(t(opts.retryKey), { reply_markup: keyboard() })).message_id);
  }
}

/** Kinds of file a practice, a programme or the minutes of a meeting come as. */
const FILE_TYPES = new Set([
  '.pdf', '.doc', '.docx', '.odt', '.rtf', '.txt', '.ppt', '.pptx', '.odp', '.xls', '.xlsx', '.ods',
  '.jpg', '.jpeg', '.png', '.heic', '.tif', '.tiff', '.zip', '.rar', '.7z', '.mp4',
]);

/**
 * A document the person sent, kept as Telegram's file_id with its name and size (the bytes stay with Telegram); a
 * photo (a scanned page) as its largest size. Null with a locale key when the kind of file is not one a document
 * comes as.
 */
function fileOf(message: NonNullable<ConversationContext['message']>): { file: StoredFile } | { problem: string } | null {
  if (message.document) {
    const d = message.document;
    if (!FILE_TYPES.has(extname(d.file_name ?? '').toLowerCase())) return { problem: 'mshn.errors.bad_file' };
    return {
      file: {
        fileId: d.file_id,
        ...(d.file_name ? { fileName: d.file_name } : {}),
        ...(d.file_size ? { fileSize: d.file_size } : {}),
        ...(d.mime_type ? { mimeType: d.mime_type } : {}),
      },
    };
  }
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo[message.photo.length - 1]!;
    return { file: { fileId: largest.file_id, ...(largest.file_size ? { fileSize: largest.file_size } : {}), mimeType: 'image/jpeg' } };
  }
  return null;
}
