import { Composer, InlineKeyboard } from 'grammy';
import { canUse, coordinatorTerritoryOf, taskPartyOf, type Territory } from '../../domain/people/access';
import type { BotContext } from '../context';
import { FIGURES_DIALOGUE, figuresKeyboard, isFigureField, type FiguresArgs } from '../conversations/figures';
import { replyChunks } from '../show';
import { belowTarget, colourCounts, figuresText, indicatorsText } from '../indicators-format';
import { allow } from '../middlewares/access';

const territoryName = (ctx: BotContext, territory: Territory) => ctx.services.territory.nameOf(territory);

/** The coordinator's territory behind a button, or null after saying why not (the territory is never the button's). */
async function buttonTerritory(ctx: BotContext): Promise<Territory | null> {
  const territory = canUse('indicators', ctx.user) ? coordinatorTerritoryOf(ctx.user) : null;
  if (!territory) await ctx.answerCallbackQuery({ text: ctx.t('access.denied'), show_alert: true });
  return territory;
}

async function territoryView(ctx: BotContext, territory: Territory) {
  const values = await ctx.services.indicators.forTerritory(territory);
  const text = indicatorsText(ctx.t, ctx.t('indicators.title_territory', { name: await territoryName(ctx, territory) }), values, ctx.language, 'territory');
  const keyboard = new InlineKeyboard().text(ctx.t('indicators.buttons.figures'), 'ind:fig');
  if (territory.level === 'region') keyboard.row().text(ctx.t('indicators.buttons.by_municipality'), 'ind:mun');
  return { text, keyboard };
}

/**
 * /indicators: the 15 target indicators of seed 002 with value, target, colour and how each was computed — a
 * school's own for its head and curator, the territory's for a coordinator, who also enters the territory's figures
 * (children living there, enterprises) and, for a region, sees each municipality.
 */
export function indicatorsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('indicators', allow('indicators'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (territory) {
      await ctx.replyWithChatAction('typing').catch(() => undefined);
      const { text, keyboard } = await territoryView(ctx, territory);
      await replyChunks(ctx, text, keyboard);
      return;
    }
    const school = taskPartyOf(ctx.user);
    if (!school || ctx.user?.scope?.level !== 'organization') return ctx.reply(ctx.t('register.list.no_school'));
    const name = await ctx.services.territory.nameOf({ level: 'organization', id: school });
    const text = indicatorsText(ctx.t, ctx.t('indicators.title_school', { name }), await ctx.services.indicators.forSchool(school), ctx.language, 'school');
    await replyChunks(ctx, text);
  });

  feature.callbackQuery('ind:show', async (ctx) => {
    const territory = await buttonTerritory(ctx);
    if (!territory) return;
    const { text, keyboard } = await territoryView(ctx, territory);
    await ctx.answerCallbackQuery();
    await replyChunks(ctx, text, keyboard);
  });

  feature.callbackQuery('ind:fig', async (ctx) => {
    const territory = await buttonTerritory(ctx);
    if (!territory) return;
    const figures = await ctx.services.indicators.figuresOf(territory);
    await ctx.answerCallbackQuery();
    await ctx.reply(figuresText(ctx.t, await territoryName(ctx, territory), figures, ctx.language), { reply_markup: figuresKeyboard(ctx.t) });
  });

  feature.callbackQuery(/^ind:f:([a-z0-9_]+)$/, async (ctx) => {
    const territory = await buttonTerritory(ctx);
    if (!territory) return;
    const field = ctx.match[1]!;
    if (!isFigureField(field)) return ctx.answerCallbackQuery({ text: ctx.t('unhandled.stale_button') });
    await ctx.answerCallbackQuery();
    const args: FiguresArgs = { language: ctx.language, territory, name: await territoryName(ctx, territory), field };
    await ctx.conversation.enter(FIGURES_DIALOGUE, args);
  });

  // A region: each municipality's colours, and which indicators are below target there.
  feature.callbackQuery('ind:mun', async (ctx) => {
    const territory = await buttonTerritory(ctx);
    if (!territory) return;
    if (territory.level !== 'region') return ctx.answerCallbackQuery({ text: ctx.t('unhandled.stale_button') });
    await ctx.answerCallbackQuery();
    const lines = [ctx.t('indicators.by_municipality_title')];
    for (const m of await ctx.services.indicators.byMunicipality(territory.id)) {
      lines.push('', ctx.t('indicators.by_municipality_line', { name: m.name, ...colourCounts(m.values) }));
      const below = belowTarget(ctx.t, m.values);
      if (below) lines.push(ctx.t('indicators.by_municipality_worst', { list: below }));
    }
    await replyChunks(ctx, lines.join('\n'), new InlineKeyboard().text(ctx.t('indicators.buttons.back'), 'ind:show'));
  });

  return feature;
}
