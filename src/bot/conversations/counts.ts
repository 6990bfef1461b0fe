import { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import { COUNT_FIELDS, type SchoolCounts } from '../../domain/register/register.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { failedStepText, guardedStep, offerRetry, waitInDialogue } from './ask';

export const COUNTS_DIALOGUE = 'register-counts';
const RETRY = 'cnt:retry';

export interface CountsArgs {
  language: Language;
  schoolId: string;
}

const countSchema = z
  .string()
  .transform((s) => s.replace(/[\s\u00a0]/g, ''))
  .pipe(z.string().regex(/^\d{1,6}$/, 'register.counts.not_number'))
  .transform(Number)
  .pipe(z.number().int().max(100_000, 'register.counts.not_number'));

/** Asks a head for the five denominators of the target indicators, one by one, and saves them together. */
export function createCountsConversation(deps: { services: Services; logger: Logger }) {
  return async function counts(conversation: BotConversation, ctx: ConversationContext, args: CountsArgs) {
    const t = translator(args.language);
    const values = {} as SchoolCounts;
    for (const field of COUNT_FIELDS) {
      await ctx.reply(t('register.counts.ask', { field: t(`register.counts.fields.${field}`) }));
      for (;;) {
        const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
        const text = answer.message?.text;
        if (text === undefined) {
          if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
          else await answer.reply(t('onboarding.need_text'));
          continue;
        }
        const parsed = parseInput(countSchema, text);
        if (!parsed.ok) {
          await answer.reply(t(parsed.errorKey));
          continue;
        }
        if (field === 'pupils_15_18' && parsed.value > values.pupils_11_18) {
          await answer.reply(t('register.counts.inconsistent', { older: parsed.value, all: values.pupils_11_18 }));
          continue;
        }
        values[field] = parsed.value;
        break;
      }
    }
    const actor = ctx.from!.id;
    // On a failure the figures stay in the dialogue and one press saves them again: nothing typed is lost.
    for (;;) {
      const saved = await guardedStep(conversation, deps, { userId: actor, step: 'register.counts', keeps: args.schoolId }, () =>
        deps.services.register.saveCounts(args.schoolId, values, actor).then(() => true),
      );
      if (saved.ok) {
        await ctx.reply(t('register.counts.saved'));
        return;
      }
      if ('denied' in saved) {
        await ctx.reply(failedStepText(t, saved));
        return;
      }
      await offerRetry(conversation, ctx, t, failedStepText(t, saved), RETRY);
    }
  };
}
