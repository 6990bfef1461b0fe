import { Composer, InlineKeyboard } from 'grammy';
import { menuCommands } from '../../domain/people/access';
import { setChatCommands } from '../commands';
import type { BotContext } from '../context';
import { getI18n, LANGUAGES, translator } from '../i18n';

/** /lang switches between Russian and English; the choice is remembered and the command menu follows it. */
export function languageFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('lang', async (ctx) => {
    const keyboard = new InlineKeyboard();
    for (const language of LANGUAGES) keyboard.text(getI18n().t('language_name', { lng: language }), `lang:${language}`);
    await ctx.reply(ctx.t('lang.choose'), { reply_markup: keyboard });
  });
  feature.callbackQuery(/^lang:(ru|en)$/, async (ctx) => {
    const language = ctx.match[1] as 'ru' | 'en';
    ctx.session.language = language;
    if (ctx.user) await ctx.services.people.setLanguage(ctx.user.telegramId, language);
    const t = translator(language);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(t('lang.set'));
    if (ctx.chat) {
      await setChatCommands(ctx.api, ctx.chat.id, ctx.user, language);
      ctx.session.menu = `${language}:${menuCommands(ctx.user).join(',')}`;
    }
  });
  return feature;
}
