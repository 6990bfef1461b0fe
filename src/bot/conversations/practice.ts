import { randomBytes } from 'node:crypto';
import { InlineKeyboard } from 'grammy';
import { bankDescriptionSchema, bankTitleSchema, linkSchema } from '../../domain/mshn/mshn-input';
import { BANK_FORMS, type BankDraft, type BankKind } from '../../domain/mshn/mshn.types';
import type { Language } from '../../domain/people/people.types';
import type { MentoringForm } from '../../domain/register/register.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { bankDraftText, formName, kindName } from '../mshn-format';
import { askChoice, failedStepText, guardedStep } from './ask';
import { askAttachment, askValue, awaitSummary } from './mshn-ask';

export const PRACTICE_DIALOGUE = 'mshn-practice';

/** Plain data only: it is stored with the dialogue in Redis. */
export interface PracticeArgs {
  language: Language;
  schoolId: string;
  /** Who submits, as the bank will show it. */
  userName?: string;
}

const CANCEL = 'pr:cancel';
const NO_FILE = 'pr:nofile';
const SEND = 'pr:send';

/**
 * A head or curator submits a practice or a programme of mentoring to the municipal bank of the School of
 * Mentoring (seed 004): kind, title, form, a short description, then a file, a link or nothing; a summary with
 * «Отправить» comes before anything is saved. A refused answer is asked again with the reason, keeping the rest.
 */
export function createPracticeConversation(deps: { services: Services; logger: Logger }) {
  return async function practice(conversation: BotConversation, ctx: ConversationContext, args: PracticeArgs) {
    const t = translator(args.language);
    const cancelled = async (c: ConversationContext) => void (await c.reply(t('mshn.practice.cancelled')));

    const kindAnswer = await askChoice(
      conversation,
      ctx,
      t,
      t('mshn.practice.ask_kind'),
      new InlineKeyboard().text(t('mshn.kind.practice'), 'pr:k:practice').text(t('mshn.kind.programme'), 'pr:k:programme').row().text(t('mshn.buttons.cancel'), CANCEL),
    );
    if (!('data' in kindAnswer) || kindAnswer.data === CANCEL) return cancelled(ctx);
    const kind: BankKind = kindAnswer.data === 'pr:k:programme' ? 'programme' : 'practice';

    const cancelKeyboard = () => new InlineKeyboard().text(t('mshn.buttons.cancel'), CANCEL);
    const title = await askValue(conversation, ctx, t, t('mshn.practice.ask_title', { kind: kindName(t, kind) }), bankTitleSchema, { keyboard: cancelKeyboard() });
    if (!('value' in title)) return cancelled(ctx);

    const forms = new InlineKeyboard();
    BANK_FORMS.forEach((form, i) => {
      forms.text(formName(t, form), `pr:f:${form}`);
      if (i % 2 === 1) forms.row();
    });
    forms.row().text(t('mshn.buttons.cancel'), CANCEL);
    const formAnswer = await askChoice(conversation, ctx, t, t('mshn.practice.ask_form'), forms);
    if (!('data' in formAnswer) || formAnswer.data === CANCEL) return cancelled(ctx);
    const form = formAnswer.data.slice('pr:f:'.length) as MentoringForm;

    const description = await askValue(conversation, ctx, t, t('mshn.practice.ask_description', { title: title.value }), bankDescriptionSchema, {
      keyboard: cancelKeyboard(),
      errorParams: (text) => ({ length: text.trim().length, title: title.value }),
    });
    if (!('value' in description)) return cancelled(ctx);

    const draft: BankDraft = { kind, title: title.value, form, description: description.value };

    // A file, a link, or «Без файла».
    const attachment = await askAttachment(conversation, ctx, t, t('mshn.practice.ask_file'), { noFile: NO_FILE, cancel: CANCEL }, { retryKey: 'mshn.practice.file_or_link', link: linkSchema });
    if ('cancelled' in attachment) return cancelled(attachment.cancelled);
    if (attachment.file) draft.file = attachment.file;
    if (attachment.link) draft.link = attachment.link;

    const summaryKeyboard = () => new InlineKeyboard().text(t('mshn.buttons.send'), SEND).text(t('mshn.buttons.cancel'), CANCEL);
    let summary = await ctx.reply(bankDraftText(t, draft), { reply_markup: summaryKeyboard() });
    // One key for this dialogue's entry, made at the first press (a dialogue already waiting here replays as before):
    // a save retried after a failure finds the entry instead of submitting it twice.
    let key: string | undefined;
    for (;;) {
      const { answer, save } = await awaitSummary(conversation, t, summary.message_id, SEND, CANCEL);
      if (!save) return cancelled(answer);
      const entryKey = (key ??= await conversation.external(() => randomBytes(9).toString('hex')));
      const actor = answer.from!.id;
      const saved = await guardedStep(conversation, deps, { userId: actor, step: 'mshn.practice', keeps: args.schoolId }, async () => {
        const entry = await deps.services.mshn.submitEntry(args.schoolId, structuredClone(draft), { id: actor, name: args.userName }, entryKey);
        return entry ? { id: entry.id } : null;
      });
      if (saved.ok && saved.value) {
        await answer.reply(t('mshn.practice.saved', { kind: kindName(t, kind), title: draft.title, form: formName(t, form) }));
        return;
      }
      if (saved.ok) {
        await answer.reply(t('mshn.school_gone'));
        return;
      }
      if ('denied' in saved) {
        await answer.reply(failedStepText(t, saved));
        return;
      }
      // Everything typed is kept: the summary comes back with its buttons, one press saves it again.
      await answer.reply(failedStepText(t, saved));
      summary = await answer.reply(bankDraftText(t, draft), { reply_markup: summaryKeyboard() });
    }
  };
}
