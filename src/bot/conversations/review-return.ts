import { z } from 'zod';
import type { Language } from '../../domain/people/people.types';
import type { Services } from '../../domain/services';
import type { Scope } from '../../domain/territory/territory.types';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { notifyParty } from '../review-notify';
import { askText, failedStepText, guardedStep, offerRetry } from './ask';

export const REVIEW_RETURN = 'review-return';
const RETRY = 'rvr:retry';

export interface ReviewReturnArgs {
  language: Language;
  taskId: string;
  scope: Scope;
}

const reasonSchema = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(3, 'review.reason_short').max(1000, 'review.reason_long'));

/** «Вернуть»: the coordinator says why, the task opens again for the school, and its head and curators are told. */
export function createReviewReturnConversation(deps: { services: Services; logger: Logger }) {
  return async function reviewReturn(conversation: BotConversation, ctx: ConversationContext, args: ReviewReturnArgs) {
    const t = translator(args.language);
    await ctx.reply(t('review.ask_reason'));
    const reason = await askText(conversation, t, reasonSchema, 'review.ask_reason');
    const actor = ctx.from!.id;
    for (;;) {
      const step = await guardedStep(conversation, deps, { userId: actor, step: 'review.return' }, async () => {
        const result = await deps.services.roadmap.review(args.scope, args.taskId, 'returned', actor, reason);
        return result.status;
      });
      if (!step.ok) {
        if ('denied' in step) {
          await ctx.reply(failedStepText(t, step));
          return;
        }
        // The reason stays in the dialogue: one press tries again.
        await offerRetry(conversation, ctx, t, failedStepText(t, step), RETRY);
        continue;
      }
      if (step.value === 'done') {
        await conversation.external(async (outer) => {
          const found = await deps.services.roadmap.taskForReview(args.scope, args.taskId);
          if (found) await notifyParty(outer.api, deps.services, deps.logger, found, 'returned', reason);
        });
        await ctx.reply(t('review.done_returned', { reason }));
      } else {
        await ctx.reply(t(step.value === 'not_submitted' ? 'review.already' : 'tasks.not_found'));
      }
      return;
    }
  };
}
