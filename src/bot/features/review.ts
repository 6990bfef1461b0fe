import { Composer } from 'grammy';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import type { Scope } from '../../domain/territory/territory.types';
import type { BotContext } from '../context';
import { REVIEW_RETURN, type ReviewReturnArgs } from '../conversations/review-return';
import { allow } from '../middlewares/access';
import { notifyParty, reviewText, sendForReview } from '../review-notify';

/** The territory a coordinator reviews for. */
const reviewerScope = (ctx: BotContext): Scope | null => coordinatorTerritoryOf(ctx.user);

/**
 * A coordinator's review of what schools sent: /review lists what waits (oldest first), each card with Accept and
 * Return; Return asks for the reason. The school's head and curators hear the decision.
 */
export function reviewFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('review', allow('review'), async (ctx) => {
    const scope = reviewerScope(ctx);
    if (!scope) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const queue = await ctx.services.roadmap.reviewQueue(scope);
    if (queue.length === 0) return ctx.reply(ctx.t('review.empty'));
    await ctx.reply(ctx.t('review.queue', { count: queue.length }));
    // One card per submission (files first), at most ten at a time: the rest come after these are answered.
    for (const found of queue.slice(0, 10)) await sendForReview(ctx.api, ctx.services, ctx.user!, found);
    if (queue.length > 10) await ctx.reply(ctx.t('review.more', { count: queue.length - 10 }));
  });

  feature.callbackQuery(/^rv:ok:([0-9a-f]{24})$/, async (ctx) => {
    const scope = reviewerScope(ctx);
    const result = scope ? await ctx.services.roadmap.review(scope, ctx.match[1]!, 'accepted', ctx.from.id) : null;
    if (!scope || !result || result.status === 'not_found') return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_found'), show_alert: true });
    if (result.status !== 'done') {
      await ctx.answerCallbackQuery({ text: ctx.t('review.already'), show_alert: true });
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('review.accepted') });
    const found = await ctx.services.roadmap.taskForReview(scope, result.task.id);
    if (found) {
      await ctx.editMessageText(`${await reviewText(ctx.services, ctx.t, found)}\n\n${ctx.t('review.done_accepted')}`).catch(() => undefined);
      await notifyParty(ctx.api, ctx.services, ctx.logger, found, 'accepted');
    }
  });

  feature.callbackQuery(/^rv:back:([0-9a-f]{24})$/, async (ctx) => {
    const scope = reviewerScope(ctx);
    const found = scope ? await ctx.services.roadmap.taskForReview(scope, ctx.match[1]!) : null;
    if (!found) return ctx.answerCallbackQuery({ text: ctx.t('tasks.not_found'), show_alert: true });
    if (found.task.status !== 'submitted') {
      await ctx.answerCallbackQuery({ text: ctx.t('review.already'), show_alert: true });
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery();
    const args: ReviewReturnArgs = { language: ctx.language, taskId: found.task.id, scope: scope! };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(REVIEW_RETURN, args);
  });

  return feature;
}

