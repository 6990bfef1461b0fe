import { Composer, InlineKeyboard } from 'grammy';
import { canUse, coordinatorTerritoryOf, type Territory } from '../../domain/people/access';
import { policyOf, type ReminderPolicy } from '../../domain/reminders/policy';
import type { Roadmap } from '../../domain/roadmap/roadmap.types';
import type { BotContext } from '../context';
import { problemText, SETTINGS_DATA, SETTINGS_DIALOGUE, settingsCard, toStore, type PolicyNumber, type SettingsArgs } from '../conversations/settings';
import { allow } from '../middlewares/access';
import { clip, oneLine } from '../roadmap-format';
import { showInPlace } from '../show';

const ID = '([0-9a-f]{24})';

/**
 * The territory of the person who pressed a settings button, or null after telling them why not: a head or curator
 * gets the standard "no access", a coordinator without a territory the same answer as /settings gives.
 */
async function territoryOf(ctx: BotContext): Promise<Territory | null> {
  if (!canUse('settings', ctx.user)) {
    await ctx.answerCallbackQuery({ text: ctx.t('access.denied'), show_alert: true });
    return null;
  }
  const territory = coordinatorTerritoryOf(ctx.user);
  if (!territory) await ctx.answerCallbackQuery({ text: ctx.t('invite_cmd.no_scope'), show_alert: true });
  return territory;
}

/** The roadmap of the button, if it is one of the presser's own territory; otherwise they are told it is not found. */
async function ownRoadmapOf(ctx: BotContext & { match: RegExpMatchArray | string }): Promise<{ territory: Territory; roadmap: Roadmap } | null> {
  const territory = await territoryOf(ctx);
  if (!territory) return null;
  const roadmap = await ctx.services.roadmap.ownRoadmap(territory.id, String(ctx.match[1]));
  if (!roadmap) {
    await ctx.answerCallbackQuery({ text: ctx.t('settings.not_found'), show_alert: true });
    return null;
  }
  return { territory, roadmap };
}

/**
 * /settings: a coordinator sees how the tasks of their roadmap are nudged (days before, the due day, while overdue,
 * the escalation to them, the weekly digest) and changes it within the bounds: switches and «Вернуть по умолчанию»
 * act at once and the card changes in place, numbers are asked in a dialogue. The territory is always the
 * presser's own: a guessed roadmap id of another territory is not found.
 */
export function settingsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  const list = (ctx: BotContext, roadmaps: Roadmap[]) => {
    const keyboard = new InlineKeyboard();
    for (const r of roadmaps) keyboard.text(clip(oneLine(r.title), 60), SETTINGS_DATA.open(r.id)).row();
    keyboard.text(ctx.t('settings.buttons.close'), SETTINGS_DATA.close);
    return { text: ctx.t('settings.choose', { count: roadmaps.length }), keyboard };
  };

  const several = async (ctx: BotContext, territory: Territory) => (await ctx.services.roadmap.roadmapsOf([territory.id])).length > 1;

  feature.command('settings', allow('settings'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const roadmaps = await ctx.services.roadmap.roadmapsOf([territory.id]);
    if (roadmaps.length === 0) return ctx.reply(ctx.t('settings.none'));
    const { text, keyboard } = roadmaps.length === 1 ? settingsCard(ctx.t, roadmaps[0]!, false) : list(ctx, roadmaps);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  feature.callbackQuery(SETTINGS_DATA.list, async (ctx) => {
    const territory = await territoryOf(ctx);
    if (!territory) return;
    const roadmaps = await ctx.services.roadmap.roadmapsOf([territory.id]);
    if (roadmaps.length === 0) return showInPlace(ctx, ctx.t('settings.none'));
    const { text, keyboard } = list(ctx, roadmaps);
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery(SETTINGS_DATA.close, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  });

  feature.callbackQuery(new RegExp(`^st:o:${ID}$`), async (ctx) => {
    const found = await ownRoadmapOf(ctx);
    if (!found) return;
    const { text, keyboard } = settingsCard(ctx.t, found.roadmap, await several(ctx, found.territory));
    await showInPlace(ctx, text, keyboard);
  });

  /** Stores a policy changed by a button and shows the card again in place. */
  const apply = async (ctx: BotContext, found: { territory: Territory; roadmap: Roadmap }, policy: ReminderPolicy | null) => {
    const result = await ctx.services.roadmap.setPolicy(found.territory.id, found.roadmap.id, policy);
    if (result === 'not_found') return ctx.answerCallbackQuery({ text: ctx.t('settings.not_found'), show_alert: true });
    if (result) return ctx.answerCallbackQuery({ text: problemText(ctx.t, result), show_alert: true });
    const { text, keyboard } = settingsCard(ctx.t, { ...found.roadmap, ...(policy ? { policy } : { policy: undefined }) }, await several(ctx, found.territory));
    await showInPlace(ctx, `${ctx.t('settings.saved')}\n\n${text}`, keyboard);
  };

  for (const [code, key] of [['d', 'onDue'], ['g', 'digest']] as const) {
    feature.callbackQuery(new RegExp(`^st:${code}:${ID}$`), async (ctx) => {
      const found = await ownRoadmapOf(ctx);
      if (!found) return;
      const policy = policyOf(found.roadmap.policy);
      await apply(ctx, found, toStore({ ...policy, [key]: !policy[key] }));
    });
  }

  feature.callbackQuery(new RegExp(`^st:r:${ID}$`), async (ctx) => {
    const found = await ownRoadmapOf(ctx);
    if (!found) return;
    if (!found.roadmap.policy) {
      return ctx.answerCallbackQuery({ text: ctx.t('settings.already_default') });
    }
    await apply(ctx, found, null);
  });

  for (const [code, field] of [['b', 'before'], ['x', 'overdueEvery'], ['e', 'escalateAfter']] as const satisfies readonly (readonly [string, PolicyNumber])[]) {
    feature.callbackQuery(new RegExp(`^st:${code}:${ID}$`), async (ctx) => {
      const found = await ownRoadmapOf(ctx);
      if (!found) return;
      await ctx.answerCallbackQuery();
      const args: SettingsArgs = { language: ctx.language, ownerId: found.territory.id, roadmapId: found.roadmap.id, field };
      await ctx.conversation.exitAll();
      await ctx.conversation.enter(SETTINGS_DIALOGUE, args);
    });
  }

  return feature;
}
