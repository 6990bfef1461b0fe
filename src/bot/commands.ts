import type { Api } from 'grammy';
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
