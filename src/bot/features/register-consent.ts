import { Composer, InlineKeyboard } from 'grammy';
import { keepsRegisterOf } from '../../domain/people/access';
import type { BotContext } from '../context';

export const REGISTER_CONSENT_DATA = 'regconsent:yes';

/** The school whose register this person keeps (its head or its mentoring curator), or null for anyone else. */
export function ownSchoolId(ctx: BotContext): string | null {
  const id = ctx.user?.scope?.id;
  return id && keepsRegisterOf(ctx.user, id) ? id : null;
}

/**
 * Before the first entry of a school's register the head (or curator) confirms that the school holds the people's consents
 * (for minors, from a parent or legal representative). Returns true when that is done; otherwise asks and
 * returns false, and the head repeats what they were doing after pressing the button.
 */
export async function ensureRegisterConsent(ctx: BotContext, schoolId: string): Promise<boolean> {
  if (await ctx.services.register.hasConsent(schoolId)) return true;
  await ctx.reply(ctx.t('register.consent.ask'), {
    reply_markup: new InlineKeyboard().text(ctx.t('register.consent.confirm'), REGISTER_CONSENT_DATA),
  });
  return false;
}

export function registerConsentFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.callbackQuery(REGISTER_CONSENT_DATA, async (ctx) => {
    const schoolId = ownSchoolId(ctx);
    if (!schoolId) {
      await ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
      return;
    }
    await ctx.services.register.confirmConsent(schoolId, ctx.from.id);
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined });
    await ctx.reply(ctx.t('register.consent.done'));
  });
  return feature;
}
