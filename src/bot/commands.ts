import type { Api, MiddlewareFn } from 'grammy';
import type { BotContext } from './context';
import type { BotCommand } from 'grammy/types';
import { menuCommands } from '../domain/people/access';
import type { Language, User } from '../domain/people/people.types';
import { LANGUAGES, translator } from './i18n';

export function commandList(user: User | null, language: Language): BotCommand[] {
  const t = translator(language);
  return menuCommands(user).map((command) => ({ command, description: t(`commands.${command}`) }));
}

/** The menu everyone sees before registering: Russian by default, English for English-language apps. */
export async function setDefaultCommands(api: Api): Promise<void> {
  for (const language of LANGUAGES) {
    const commands = commandList(null, language);
    if (language === 'ru') await api.setMyCommands(commands, { scope: { type: 'all_private_chats' } });
    else await api.setMyCommands(commands, { scope: { type: 'all_private_chats' }, language_code: language });
  }
}

/** A registered person's own menu, by role, in the language they chose. */
export async function setChatCommands(api: Api, chatId: number, user: User | null, language: Language): Promise<void> {
  await api.setMyCommands(commandList(user, language), { scope: { type: 'chat', chat_id: chatId } });
}

/**
 * Keeps a chat's command menu in step with the person's role and language, whatever changed them (onboarding,
 * /lang, the operator's make-admin): the menu is set when it differs from the one last set for the chat.
 */
export function syncCommandMenu(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const chatId = ctx.chat?.id;
    // A guest who chose no language sees the default menu set for everyone at start-up.
    if (chatId !== undefined && (ctx.user || ctx.session.language)) {
      const key = `${ctx.language}:${menuCommands(ctx.user).join(',')}`;
      if (ctx.session.menu !== key) {
        await setChatCommands(ctx.api, chatId, ctx.user, ctx.language).then(
          () => (ctx.session.menu = key),
          (err: unknown) => ctx.logger.warn({ err, chatId }, 'could not set the chat command menu'),
        );
      }
    }
    await next();
  };
}
