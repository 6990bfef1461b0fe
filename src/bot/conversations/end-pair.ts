import type { Language } from '../../domain/people/people.types';
import { dateSchema, showDay } from '../../domain/register/register-input';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { warningText } from '../register-format';
import { InlineKeyboard } from 'grammy';
import { parseInput } from '../../domain/people/onboarding-input';
import { failedStepText, guardedStep, waitInDialogue } from './ask';

export const END_PAIR = 'register-end-pair';

export interface EndPairArgs {
  language: Language;
  schoolId: string;
  pairId: string;
  today: string;
}

/** Ends a pair on a date the head gives («сегодня» or ДД.ММ.ГГГГ), not earlier than its start. */
export function createEndPairConversation(deps: { services: Services; logger: Logger }) {
  return async function endPair(conversation: BotConversation, ctx: ConversationContext, args: EndPairArgs) {
    const t = translator(args.language);
    await ctx.reply(t('register.card.ask_end'), {
      reply_markup: new InlineKeyboard().text(t('register.card.today'), 'end:today'),
    });
    for (;;) {
      const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
      let day: string;
      if (answer.callbackQuery?.data === 'end:today') {
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup({ reply_markup: undefined });
        day = args.today;
      } else if (answer.message?.text) {
        const parsed = parseInput(dateSchema(args.today), answer.message.text);
        if (!parsed.ok) {
          await answer.reply(t(parsed.errorKey));
          continue;
        }
        day = parsed.value;
      } else {
        if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
        else await answer.reply(t('register.card.ask_end'));
        continue;
      }
      const actor = ctx.from!.id;
      const step = await guardedStep(conversation, deps, { userId: actor, step: 'register.end', keeps: args.schoolId }, async () => {
        const result = await deps.services.register.endPair(args.schoolId, args.pairId, day, actor);
        return { status: result.status, warnings: result.status === 'blocked' ? result.warnings : [] };
      });
      if (!step.ok) {
        await ctx.reply(failedStepText(t, step));
        if ('denied' in step) return;
        continue;
      }
      const outcome = step.value;
      if (outcome.status === 'blocked') {
        await ctx.reply(outcome.warnings.map((w) => warningText(t, w)).join('\n'));
        continue;
      }
      await ctx.reply(outcome.status === 'saved' ? t('register.card.ended', { date: showDay(day) }) : t('register.card.not_found'));
      return;
    }
  };
}
