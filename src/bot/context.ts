import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context, SessionFlavor } from 'grammy';
import type { Services } from '../domain/services';
import type { Language, User } from '../domain/people/people.types';
import type { Logger } from '../logger';
import type { BotDeps } from './index';
import type { TFunction } from './i18n';

/** What the bot keeps per chat in Redis between updates (conversation state is kept separately). */
export interface SessionData {
  /** The language a person chose before they were registered; after that it lives on their user record. */
  language?: Language;
  /** The command menu last set for this chat (language and commands), so it is set again only when it changes. */
  menu?: string;
}

interface Extras {
  services: Services;
  /** The bot's dependencies beyond services (storage of pending imports, file download). */
  deps: Pick<BotDeps, 'storage' | 'fetchFile'>;
  logger: Logger;
  /** The person behind the update as the bot knows them, or null for a guest. */
  user: User | null;
  language: Language;
  t: TFunction;
}

export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & Extras>;

/** Inside a conversation, outer plugins do not run: the context is grammY's plain one. */
export type ConversationContext = Context;
export type BotConversation = Conversation<BotContext, ConversationContext>;
