import { InlineKeyboard } from 'grammy';
import { FIGURE_FIELDS, type FigureField } from '../../domain/indicators/indicators';
import { coordinatorTerritoryOf, type Territory } from '../../domain/people/access';
import type { Language } from '../../domain/people/people.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator } from '../i18n';
import { figuresText } from '../indicators-format';
import { guardedStep, offerRetry, waitInDialogue } from './ask';

export const FIGURES_DIALOGUE = 'indicator-figures';
const CLEAR = 'fig:clear';
const RETRY = 'fig:retry';

export interface FiguresArgs {
  language: Language;
  territory: Territory;
  name: string;
  field: FigureField;
}

export const isFigureField = (value: string): value is FigureField => (FIGURE_FIELDS as readonly string[]).includes(value);

/** 4520, «4 520» and «4520 чел.» read as 4520; anything else is not a number of people. */
export function parseFigure(text: string): number | null {
  const clean = text.replace(/[\s\u00a0]/g, '').replace(/(чел|человек|ед)\.?$/i, '');
  if (!/^\d{1,8}$/.test(clean)) return null;
  const value = Number(clean);
  return value <= 10_000_000 ? value : null;
}

/** Figures buttons: one per field, then back to the indicators. */
export function figuresKeyboard(t: (key: string) => string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const field of FIGURE_FIELDS) keyboard.text(t(`indicators.figures.fields.${field}`).replace(/\s*\(.*\)$/, ''), `ind:f:${field}`).row();
  return keyboard.text(t('indicators.buttons.back'), 'ind:show');
}

/**
 * Asks a coordinator for one territory figure (children 11-18 living there, enterprises…) and saves it, or clears
 * it. A wrong answer is asked again; a failed save keeps the number and offers to try again.
 */
export function createFiguresConversation(deps: { services: Services; logger: Logger }) {
  return async function figures(conversation: BotConversation, ctx: ConversationContext, args: FiguresArgs) {
    const t = translator(args.language);
    const field = t(`indicators.figures.fields.${args.field}`);
    const current = await conversation.external(async () => (await deps.services.indicators.figuresOf(args.territory)).own[args.field] ?? null);
    const question = await ctx.reply(t('indicators.figures.ask', { field, current: current ?? t('indicators.figures.not_entered') }), {
      reply_markup: new InlineKeyboard().text(t('indicators.buttons.clear'), CLEAR),
    });
    let value: number | null = null;
    for (;;) {
      const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
      if (answer.callbackQuery) {
        if (answer.callbackQuery.data === CLEAR && answer.callbackQuery.message?.message_id === question.message_id) {
          await answer.answerCallbackQuery();
          break;
        }
        await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
        continue;
      }
      const parsed = answer.message?.text ? parseFigure(answer.message.text) : null;
      if (parsed === null) {
        await answer.reply(t('indicators.figures.not_number'));
        continue;
      }
      value = parsed;
      break;
    }
    for (;;) {
      const saved = await guardedStep(conversation, deps, { userId: ctx.from!.id, step: 'indicators.figures' }, async () => {
        // Still this territory's coordinator (moved or removed while the question was open: nothing is saved).
        if (coordinatorTerritoryOf(await deps.services.people.getUser(ctx.from!.id))?.id !== args.territory.id) return null;
        return deps.services.indicators.setFigures(args.territory, { [args.field]: value }, ctx.from!.id);
      });
      if (saved.ok && !saved.value) {
        await ctx.reply(t('access.denied'));
        return;
      }
      if (saved.ok && saved.value) {
        await ctx.reply(value === null ? t('indicators.figures.cleared', { field }) : t('indicators.figures.saved', { field, value }));
        await ctx.reply(figuresText(t, args.name, saved.value, args.language), { reply_markup: figuresKeyboard(t) });
        return;
      }
      await offerRetry(conversation, ctx, t, t('indicators.figures.failed', { value: value ?? '—' }), RETRY);
    }
  };
}
