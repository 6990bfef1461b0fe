import { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import { COUNT_FIELDS, type SchoolCounts } from '../../domain/register/register.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { newErrorId } from '../middlewares/error-boundary';
import { waitInDialogue } from './ask';

export const COUNTS_DIALOGUE = 'register-counts';

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
    const saved = await conversation.external(async () => {
      try {
        await deps.services.register.saveCounts(args.schoolId, values, actor);
        return { ok: true as const };
      } catch (err) {
        const errorId = newErrorId();
        deps.logger.error({ err, errorId, userId: actor, step: 'register.counts' }, 'saving counts failed');
        return { ok: false as const, errorId };
      }
    });
    await ctx.reply(saved.ok ? t('register.counts.saved') : t('errors.generic', { id: saved.errorId }));
  };
}
