import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  File,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';

/**
 * A local stand-in for the Telegram Bot API, for end-to-end tests and the operator's sandbox.
 *
 * The server side speaks HTTP the way api.telegram.org does: `/bot<token>/<method>` with JSON, form or multipart
 * parameters, `{ ok, result }` or `{ ok: false, error_code, description }` answers with the same HTTP status, real
 * long polling in getUpdates (the request is held until an update arrives or `timeout` passes) and updates kept until
 * a later `offset` confirms them. The bot under test needs nothing but `BOT_API_ROOT` pointed here.
 *
 * The client side is an in-process API playing the people on the other end: they type text and press buttons, and
 * a test reads what the bot showed them (the current state of every message, after edits) and its command menus.
 *
 * Telegram's refusals that a bot can trip over are kept on purpose, so that the sandbox finds the same bugs Telegram
 * would: writing to a chat that never talked to the bot, editing a message into what it already is ("message is not
 * modified"), answering a callback query twice, invalid commands or callback data, getUpdates while a webhook is set
 * or while another getUpdates is waiting (409).
 */

/** A person on the other end; the private chat with them has the same id. */
export interface SimUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** The methods Telegram counts against its flood limits. */
const SENDING = new Set(['sendMessage', 'sendDocument', 'sendPhoto', 'copyMessage', 'forwardMessage']);

export interface EmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** The token the bot must use; its digits before the colon become the bot's user id. */
  token: string;
  botUsername: string;
  botName?: string;
  /** Upper bound for getUpdates `timeout`, in seconds (Telegram's practical limit is 50). */
  maxPollSeconds?: number;
  /**
   * Telegram's flood control: more than `perSecond` messages a second overall, or `perChatPerSecond` to one chat,
   * is answered 429 «Too Many Requests: retry after 1» with parameters.retry_after. Absent: no limit.
   */
  flood?: { perSecond: number; perChatPerSecond: number };
}

/** One Bot API request as the emulator saw it, with what it answered. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** Multipart uploads: field name → file name and size. */
  files?: Record<string, { filename: string; size: number }>;
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string };
  /** The chat the call concerned, when one can be told. */
  chatId?: number;
  at: number;
}

export type EmulatorEvent =
  /** A request arrived (a long poll is reported here before it is answered). */
  | { type: 'request'; call: ApiCall }
  /** A request was answered. */
  | { type: 'call'; call: ApiCall }
  | { type: 'message'; chatId: number; message: Message }
  | { type: 'edit'; chatId: number; message: Message; previous: Message }
  | { type: 'delete'; chatId: number; messageId: number }
  | { type: 'callback_answer'; chatId: number; callbackQueryId: string; text?: string; showAlert: boolean }
  | { type: 'update'; update: Update }
  | { type: 'delivered'; updates: Update[] };

export interface RecordedFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  filename: string;
  data: Buffer;
}

export interface Emulator {
  /** The apiRoot to give the bot (BOT_API_ROOT). */
  url: string;
  port: number;
  token: string;
  botInfo: UserFromGetMe;
  /** The person types a message; a leading /command gets its bot_command entity. Returns the person's message. */
  sendText(user: SimUser, text: string): Message;
  /**
   * The person attaches a file: it is kept like an upload, so getFile and /file/bot<token>/<path> serve it to the
   * bot. Returns the person's message.
   */
  sendDocument(user: SimUser, fileName: string, data: Buffer, caption?: string): Message;
  /** The person presses an inline button; throws if that message does not show a button with this data now. */
  pressButton(user: SimUser, messageId: number, callbackData: string): string;
  /** What the bot sent to a chat, in order, each in its current state (text and inline keyboard after edits). */
  botMessages(chatId: number): Message[];
  /** Resolves with the first bot message of the chat (already there or still to come) that the predicate accepts. */
  waitForBotMessage(chatId: number, predicate: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /** The command menu stored for a scope (default scope when absent) and language ('' = all languages). */
  commands(scope?: BotCommandScope, languageCode?: string): BotCommand[];
  /** Every API call so far, or those of one method. */
  calls(method?: string): ApiCall[];
  /**
   * Resolves with the first call of a method (already made or still to come) that the predicate accepts. A call is
   * seen when it arrives: a getUpdates held by long polling is there before it is answered; other methods are
   * answered in the same turn, before the promise settles.
   */
  waitForCall(method: string, predicate?: (c: ApiCall) => boolean, timeoutMs?: number): Promise<ApiCall>;
  /** Answers to callback queries pressed in a chat, in order. */
  callbackAnswers(chatId: number): { callbackQueryId: string; text?: string; showAlert: boolean }[];
  /** Files the bot uploaded (sendDocument), by file_id. */
  files(): RecordedFile[];
  /** Updates the bot has not confirmed yet. */
  pendingUpdates(): Update[];
  /** The next call of `method` fails once with this Bot API error (for example 429 with retry_after). */
  failNext(method: string, error: { error_code: number; description: string; parameters?: Record<string, unknown> }): void;
  /** Listens to everything that happens; returns a function that stops listening. */
  onEvent(listener: (event: EmulatorEvent) => void): () => void;
  close(): Promise<void>;
}

/** The inline buttons of a message in reading order (rows left to right, top to bottom). */
export function inlineButtons(message: Message): InlineKeyboardButton[] {
  return message.reply_markup?.inline_keyboard.flat() ?? [];
}

class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

interface Upload {
  filename: string;
  data: Buffer;
}

interface Request {
  params: Record<string, unknown>;
  files: Record<string, Upload>;
}

interface ChatState {
  chat: Chat.PrivateChat;
  user: User;
  nextMessageId: number;
  botMessages: Message[];
  answers: { callbackQueryId: string; text?: string; showAlert: boolean }[];
}

interface Poller {
  limit: number;
  finish: (status: number, body: unknown) => void;
  timer: NodeJS.Timeout;
}

interface Waiter {
  cancel: (reason: Error) => void;
}

// Telegram's default when allowed_updates was never given: everything but these.
const NOT_DEFAULT_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const SCOPE_TYPES = new Set(['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member']);
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const MAX_BODY_BYTES = 50 * 1024 * 1024;

const now = () => Math.floor(Date.now() / 1000);
const clone = <T>(value: T): T => structuredClone(value);
const randomDigits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const { token } = options;
  const botId = Number(token.split(':')[0]);
  if (!/^\d+:[A-Za-z0-9_-]+$/.test(token) || !Number.isSafeInteger(botId)) throw new Error('token must look like <digits>:<secret>');
  const maxPollSeconds = options.maxPollSeconds ?? 50;
  const botInfo = {
    id: botId,
    is_bot: true,
    first_name: options.botName ?? options.botUsername,
    username: options.botUsername,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
  } as UserFromGetMe;
  const botAsUser: User = { id: botId, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };

  const chats = new Map<number, ChatState>();
  const callbackQueries = new Map<string, { chatId: number; answered: boolean }>();
  const commandMenus = new Map<string, BotCommand[]>();
  const recordedFiles = new Map<string, RecordedFile>();
  const calls: ApiCall[] = [];
  const failures: { method: string; error: { error_code: number; description: string; parameters?: Record<string, unknown> } }[] = [];
  /** Messages sent in the last second, for the flood control. */
  const sentTimes: { at: number; chat: number }[] = [];
  const listeners = new Set<(event: EmulatorEvent) => void>();
  const waiters = new Set<Waiter>();
  let queue: Update[] = [];
  let nextUpdateId = 1;
  let poller: Poller | undefined;
  let allowedUpdates: string[] = [];
  let webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | undefined;
  let closed = false;

  const emit = (event: EmulatorEvent) => {
    for (const listener of [...listeners]) listener(event);
  };

  // ---- parameters -------------------------------------------------------------------------------------------------

  /** Values from a query string, a form or multipart are strings; objects come JSON-serialized, as Telegram expects. */
  const parsed = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const s = value.trim();
    if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'))) {
      try {
        return JSON.parse(s);
      } catch {
        return value;
      }
    }
    return value;
  };
  const optInt = (p: Record<string, unknown>, key: string): number | undefined => {
    const v = p[key];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n)) throw badRequest(`invalid ${key} specified`);
    return n;
  };
  const optString = (p: Record<string, unknown>, key: string): string | undefined => {
    const v = p[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : String(v);
  };
  const optBool = (p: Record<string, unknown>, key: string): boolean => {
    const v = p[key];
    return v === true || v === 'true' || v === '1' || v === 1;
  };
  const optObject = <T>(p: Record<string, unknown>, key: string): T | undefined => {
    const v = parsed(p[key]);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'object') throw badRequest(`can't parse ${key} JSON object`);
    return v as T;
  };

  const chatOf = (p: Record<string, unknown>): ChatState => {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    const id = typeof raw === 'number' ? raw : Number(raw);
    const state = Number.isSafeInteger(id) ? chats.get(id) : undefined;
    // A bot cannot write first: the chat exists only once the person has written to it.
    if (!state) throw badRequest('chat not found');
    return state;
  };

  const botMessage = (state: ChatState, messageId: number | undefined): Message => {
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const message = state.botMessages.find((m) => m.message_id === messageId);
    if (!message) throw badRequest('message to edit not found');
    return message;
  };

  /** An inline keyboard checked as Telegram checks it; other reply markups are not part of a message object. */
  const inlineMarkup = (p: Record<string, unknown>): InlineKeyboardMarkup | undefined => {
    const markup = optObject<Record<string, unknown>>(p, 'reply_markup');
    if (!markup || !('inline_keyboard' in markup)) return undefined;
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
    for (const button of rows.flat() as Record<string, unknown>[]) {
      if (typeof button?.text !== 'string' || button.text === '') throw badRequest('text buttons are unallowed in the inline keyboard');
      const data = button.callback_data;
      if (data !== undefined && (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64)) {
        throw badRequest('BUTTON_DATA_INVALID');
      }
      const kinds = ['callback_data', 'url', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'];
      if (!kinds.some((k) => button[k] !== undefined)) throw badRequest("can't find field \"callback_data\" or another button action in the inline keyboard button");
    }
    return rows.length > 0 ? { inline_keyboard: rows as InlineKeyboardButton[][] } : undefined;
  };

  /** Text as the person sees it: HTML markup is parsed away as Telegram would; Markdown is left as written. */
  const visibleText = (p: Record<string, unknown>, key: string): string => {
    const text = optString(p, key) ?? '';
    if (optString(p, 'parse_mode')?.toUpperCase() !== 'HTML') return text;
    return text
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  };

  const checkText = (text: string) => {
    if (text.trim() === '') throw badRequest('message text is empty');
    if (text.length > 4096) throw badRequest('message is too long');
  };

  const record = (state: ChatState, message: Message) => {
    state.botMessages.push(message);
    emit({ type: 'message', chatId: state.chat.id, message: clone(message) });
    return message;
  };

  const replaceMessage = (state: ChatState, previous: Message, next: Message) => {
    state.botMessages[state.botMessages.indexOf(previous)] = next;
    emit({ type: 'edit', chatId: state.chat.id, message: clone(next), previous: clone(previous) });
    return next;
  };

  const sameMarkup = (a?: InlineKeyboardMarkup, b?: InlineKeyboardMarkup) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

  const notModified = () =>
    badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');

  // ---- updates ----------------------------------------------------------------------------------------------------

  const isAllowed = (update: Update) => {
    const kind = Object.keys(update).find((k) => k !== 'update_id')!;
    return allowedUpdates.length === 0 ? !NOT_DEFAULT_UPDATES.has(kind) : allowedUpdates.includes(kind);
  };

  const deliver = () => {
    if (!poller || queue.length === 0) return;
    const current = poller;
    poller = undefined;
    clearTimeout(current.timer);
    const updates = clone(queue.slice(0, current.limit));
    emit({ type: 'delivered', updates });
    current.finish(200, { ok: true, result: updates });
  };

  const enqueue = (update: Update) => {
    if (closed) throw new Error('the emulator is closed');
    // Telegram does not create updates of kinds the bot did not ask for.
    if (!isAllowed(update)) return;
    queue.push(update);
    emit({ type: 'update', update: clone(update) });
    deliver();
  };

  const chatFor = (user: SimUser): ChatState => {
    let state = chats.get(user.id);
    const person: User = {
      id: user.id,
      is_bot: false,
      first_name: user.first_name ?? `User ${user.id}`,
      ...(user.last_name ? { last_name: user.last_name } : {}),
      ...(user.username ? { username: user.username } : {}),
      ...(user.language_code ? { language_code: user.language_code } : {}),
    };
    if (!state) {
      state = {
        chat: {
          id: user.id,
          type: 'private',
          first_name: person.first_name,
          ...(person.last_name ? { last_name: person.last_name } : {}),
          ...(person.username ? { username: person.username } : {}),
        },
        user: person,
        nextMessageId: 1,
        botMessages: [],
        answers: [],
      };
      chats.set(user.id, state);
    } else {
      state.user = person; // a person may change their app's language between messages
    }
    return state;
  };

  // ---- methods ----------------------------------------------------------------------------------------------------

  type Handler = (req: Request, call: ApiCall) => unknown;

  const methods: Record<string, Handler> = {
    getMe: () => botInfo,

    logOut: () => true,

    deleteWebhook: ({ params }) => {
      webhook = undefined;
      if (optBool(params, 'drop_pending_updates')) queue = [];
      return true;
    },

    setWebhook: ({ params }) => {
      const url = optString(params, 'url') ?? '';
      if (url === '') {
        webhook = undefined;
        return true;
      }
      if (!/^https:\/\//.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      const allowed = optObject<string[]>(params, 'allowed_updates');
      if (allowed) allowedUpdates = allowed;
      webhook = { url, secret_token: optString(params, 'secret_token'), allowed_updates: allowed };
      if (optBool(params, 'drop_pending_updates')) queue = [];
      return true;
    },

    getWebhookInfo: () => ({
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: queue.length,
      ...(webhook?.allowed_updates ? { allowed_updates: webhook.allowed_updates } : {}),
    }),

    setMyCommands: ({ params }) => {
      const commands = optObject<BotCommand[]>(params, 'commands');
      if (!Array.isArray(commands)) throw badRequest('commands must be an Array');
      if (commands.length > 100) throw badRequest('too many commands');
      for (const c of commands) {
        if (typeof c?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest('BOT_COMMAND_INVALID');
        if (typeof c.description !== 'string' || c.description.trim() === '' || c.description.length > 256) {
          throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
        }
      }
      commandMenus.set(menuKey(params), commands.map((c) => ({ command: c.command, description: c.description })));
      return true;
    },

    getMyCommands: ({ params }) => clone(commandMenus.get(menuKey(params)) ?? []),

    deleteMyCommands: ({ params }) => {
      commandMenus.delete(menuKey(params));
      return true;
    },

    getUpdates: () => {
      throw new Error('getUpdates is answered by the long-poll path');
    },

    sendMessage: ({ params }, call) => {
      const state = chatOf(params);
      call.chatId = state.chat.id;
      const text = visibleText(params, 'text');
      checkText(text);
      const markup = inlineMarkup(params);
      const message = {
        message_id: state.nextMessageId++,
        from: botAsUser,
        chat: state.chat,
        date: now(),
        text,
        ...(markup ? { reply_markup: markup } : {}),
      } as Message;
      return record(state, message);
    },

    editMessageText: ({ params }, call) => {
      if (params.inline_message_id !== undefined) return true;
      const state = chatOf(params);
      call.chatId = state.chat.id;
      const previous = botMessage(state, optInt(params, 'message_id'));
      if (previous.text === undefined) throw badRequest('there is no text in the message to edit');
      const text = visibleText(params, 'text');
      checkText(text);
      // Without reply_markup Telegram removes the inline keyboard.
      const markup = inlineMarkup(params);
      if (previous.text === text && sameMarkup(previous.reply_markup, markup)) throw notModified();
      const { reply_markup: _old, ...rest } = previous;
      return replaceMessage(state, previous, { ...rest, text, edit_date: now(), ...(markup ? { reply_markup: markup } : {}) } as Message);
    },

    editMessageReplyMarkup: ({ params }, call) => {
      if (params.inline_message_id !== undefined) return true;
      const state = chatOf(params);
      call.chatId = state.chat.id;
      const previous = botMessage(state, optInt(params, 'message_id'));
      const markup = inlineMarkup(params);
      if (sameMarkup(previous.reply_markup, markup)) throw notModified();
      const { reply_markup: _old, ...rest } = previous;
      return replaceMessage(state, previous, { ...rest, edit_date: now(), ...(markup ? { reply_markup: markup } : {}) } as Message);
    },

    deleteMessage: ({ params }, call) => {
      const state = chatOf(params);
      call.chatId = state.chat.id;
      const id = optInt(params, 'message_id');
      const index = state.botMessages.findIndex((m) => m.message_id === id);
      if (index < 0) throw badRequest('message to delete not found');
      state.botMessages.splice(index, 1);
      emit({ type: 'delete', chatId: state.chat.id, messageId: id! });
      return true;
    },

    answerCallbackQuery: ({ params }, call) => {
      const id = optString(params, 'callback_query_id') ?? '';
      const query = callbackQueries.get(id);
      if (!query || query.answered) throw badRequest('query is too old and response timeout expired or query ID is invalid');
      query.answered = true;
      call.chatId = query.chatId;
      const answer = { callbackQueryId: id, text: optString(params, 'text'), showAlert: optBool(params, 'show_alert') };
      chats.get(query.chatId)!.answers.push(answer);
      emit({ type: 'callback_answer', chatId: query.chatId, ...answer });
      return true;
    },

    sendChatAction: ({ params }, call) => {
      const state = chatOf(params);
      call.chatId = state.chat.id;
      if (!CHAT_ACTIONS.has(optString(params, 'action') ?? '')) throw badRequest('wrong parameter action in request');
      return true;
    },

    sendDocument: ({ params, files }, call) => {
      const state = chatOf(params);
      call.chatId = state.chat.id;
      const value = optString(params, 'document');
      const upload = value?.startsWith('attach://') ? files[value.slice('attach://'.length)] : files.document;
      let file: RecordedFile | undefined;
      if (upload) {
        const n = recordedFiles.size + 1;
        const ext = /\.[A-Za-z0-9]{1,8}$/.exec(upload.filename)?.[0] ?? '';
        file = {
          file_id: `DOC${randomBytes(12).toString('hex')}`,
          file_unique_id: `U${randomBytes(6).toString('hex')}`,
          file_path: `documents/file_${n}${ext}`,
          filename: upload.filename,
          data: upload.data,
        };
        recordedFiles.set(file.file_id, file);
      } else if (value && recordedFiles.has(value)) {
        file = recordedFiles.get(value)!;
      } else if (value && /^https?:\/\//.test(value)) {
        const name = value.split('/').pop() || 'document';
        file = { file_id: `URL${randomBytes(12).toString('hex')}`, file_unique_id: `U${randomBytes(6).toString('hex')}`, file_path: '', filename: name, data: Buffer.alloc(0) };
        recordedFiles.set(file.file_id, file);
      } else {
        throw badRequest('there is no document in the request');
      }
      const caption = visibleText(params, 'caption');
      const markup = inlineMarkup(params);
      const message = {
        message_id: state.nextMessageId++,
        from: botAsUser,
        chat: state.chat,
        date: now(),
        document: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: file.filename, file_size: file.data.length },
        ...(caption ? { caption } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      } as Message;
      return record(state, message);
    },

    getFile: ({ params }) => {
      const file = recordedFiles.get(optString(params, 'file_id') ?? '');
      if (!file) throw badRequest('invalid file_id');
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.data.length, file_path: file.file_path } satisfies File;
    },
  };

  const methodByLowerName = new Map(Object.keys(methods).map((name) => [name.toLowerCase(), name]));

  function menuKey(params: Record<string, unknown>): string {
    const scope = optObject<Record<string, unknown>>(params, 'scope') ?? { type: 'default' };
    if (typeof scope.type !== 'string' || !SCOPE_TYPES.has(scope.type)) throw badRequest('unsupported scope type');
    if (['chat', 'chat_administrators', 'chat_member'].includes(scope.type)) {
      if (scope.chat_id === undefined) throw badRequest('chat_id is empty');
      if (!chats.has(Number(scope.chat_id))) throw badRequest('chat not found');
    }
    const language = optString(params, 'language_code') ?? '';
    if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified');
    return scopeKey(scope, language);
  }

  // ---- HTTP -------------------------------------------------------------------------------------------------------

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` });
    });
  });
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      if (file[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const found = [...recordedFiles.values()].find((f) => f.file_path === decodeURIComponent(file[2]!));
      if (!found) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.data.length });
      res.end(found.data);
      return;
    }
    const match = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = methodByLowerName.get(match[2]!.toLowerCase());

    let request: Request;
    try {
      request = await readRequest(req, url);
    } catch (err) {
      const e = err instanceof ApiError ? err : badRequest(String(err));
      return send(res, e.errorCode, { ok: false, error_code: e.errorCode, description: e.description });
    }
    const call: ApiCall = { method: method ?? match[2]!, params: request.params, ok: false, at: Date.now() };
    if (Object.keys(request.files).length > 0) {
      call.files = Object.fromEntries(Object.entries(request.files).map(([k, f]) => [k, { filename: f.filename, size: f.data.length }]));
    }
    calls.push(call);
    emit({ type: 'request', call });

    const finish = (status: number, body: { ok: boolean; result?: unknown; error_code?: number; description?: string }) => {
      call.ok = body.ok;
      if (body.ok) call.result = body.result;
      else call.error = { error_code: body.error_code!, description: body.description! };
      send(res, status, body);
      emit({ type: 'call', call });
    };
    const fail = (e: ApiError) =>
      finish(e.errorCode, { ok: false, error_code: e.errorCode, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) });

    if (!method) return fail(new ApiError(404, 'Not Found: method not found'));
    const failure = failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const [{ error }] = failures.splice(failure, 1) as [(typeof failures)[number]];
      return fail(new ApiError(error.error_code, error.description, error.parameters));
    }
    if (method === 'getUpdates') return getUpdates(request, res, finish, fail);
    if (options.flood && SENDING.has(method)) {
      const now = Date.now();
      while (sentTimes.length > 0 && sentTimes[0]!.at <= now - 1000) sentTimes.shift();
      const chat = Number(request.params.chat_id);
      if (sentTimes.length >= options.flood.perSecond || sentTimes.filter((x) => x.chat === chat).length >= options.flood.perChatPerSecond) {
        return fail(new ApiError(429, 'Too Many Requests: retry after 1', { retry_after: 1 }));
      }
      sentTimes.push({ at: now, chat });
    }
    try {
      const result = methods[method]!(request, call);
      finish(200, { ok: true, result: clone(result) });
    } catch (err) {
      if (err instanceof ApiError) fail(err);
      else throw err;
    }
  }

  function getUpdates(
    { params }: Request,
    res: ServerResponse,
    finish: (status: number, body: { ok: boolean; result?: unknown; error_code?: number; description?: string }) => void,
    fail: (e: ApiError) => void,
  ) {
    let offset: number | undefined;
    let limit: number;
    let timeout: number;
    try {
      offset = optInt(params, 'offset');
      limit = Math.min(Math.max(optInt(params, 'limit') ?? 100, 1), 100);
      timeout = Math.min(Math.max(optInt(params, 'timeout') ?? 0, 0), maxPollSeconds);
      const allowed = optObject<string[]>(params, 'allowed_updates');
      if (allowed) allowedUpdates = allowed; // absent: the previous setting stays, as in Telegram
    } catch (err) {
      return fail(err as ApiError);
    }
    if (webhook) return fail(new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
    // A later offset confirms every update before it; a negative one keeps only that many from the end.
    if (offset !== undefined && offset > 0) queue = queue.filter((u) => u.update_id >= offset!);
    else if (offset !== undefined && offset < 0) queue = queue.slice(offset);
    // Only one getUpdates may wait at a time: Telegram ends the older one.
    if (poller) {
      const old = poller;
      poller = undefined;
      clearTimeout(old.timer);
      old.finish(409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    }
    if (queue.length > 0 || timeout === 0 || closed) {
      const updates = clone(queue.slice(0, limit));
      if (updates.length > 0) emit({ type: 'delivered', updates });
      return finish(200, { ok: true, result: updates });
    }
    const self: Poller = {
      limit,
      finish: (status, body) => finish(status, body as never),
      timer: setTimeout(() => {
        if (poller === self) poller = undefined;
        finish(200, { ok: true, result: [] });
      }, timeout * 1000),
    };
    poller = self;
    // The bot gave up on the request (it is stopping, or its fetch was aborted): nothing was delivered to it.
    res.on('close', () => {
      if (poller === self) {
        poller = undefined;
        clearTimeout(self.timer);
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  // ---- client side ------------------------------------------------------------------------------------------------

  const waitFor = <T>(find: () => T | undefined, describe: () => string, timeoutMs: number): Promise<T> => {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        cancel: (reason) => {
          cleanup();
          reject(reason);
        },
      };
      const listener = () => {
        const value = find();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      listeners.add(listener);
      const timer = setTimeout(() => waiter.cancel(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`)), timeoutMs);
      function cleanup() {
        clearTimeout(timer);
        listeners.delete(listener);
        waiters.delete(waiter);
      }
      waiters.add(waiter);
    });
  };

  const describeChat = (chatId: number) => {
    const messages = chats.get(chatId)?.botMessages ?? [];
    if (messages.length === 0) return 'the bot has sent nothing to this chat';
    const last = messages.slice(-3).map((m) => `#${m.message_id}: ${JSON.stringify((m.text ?? m.caption ?? '').slice(0, 200))}`);
    return `the bot's last messages there: ${last.join('; ')}`;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    botInfo,

    sendText(user, text) {
      const state = chatFor(user);
      const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text);
      const entities: MessageEntity[] = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
      const message = {
        message_id: state.nextMessageId++,
        from: state.user,
        chat: state.chat,
        date: now(),
        text,
        ...(entities.length > 0 ? { entities } : {}),
      } as Message;
      enqueue({ update_id: nextUpdateId++, message } as Update);
      return clone(message);
    },

    sendDocument(user, fileName, data, caption) {
      const state = chatFor(user);
      const ext = /\.[A-Za-z0-9]{1,8}$/.exec(fileName)?.[0] ?? '';
      const file: RecordedFile = {
        file_id: `UDOC${randomBytes(12).toString('hex')}`,
        file_unique_id: `U${randomBytes(6).toString('hex')}`,
        file_path: `documents/user_${recordedFiles.size + 1}${ext}`,
        filename: fileName,
        data,
      };
      recordedFiles.set(file.file_id, file);
      const message = {
        message_id: state.nextMessageId++,
        from: state.user,
        chat: state.chat,
        date: now(),
        document: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: fileName, file_size: data.length },
        ...(caption ? { caption } : {}),
      } as Message;
      enqueue({ update_id: nextUpdateId++, message } as Update);
      return clone(message);
    },

    pressButton(user, messageId, callbackData) {
      const state = chats.get(user.id);
      const message = state?.botMessages.find((m) => m.message_id === messageId);
      if (!state || !message) throw new Error(`chat ${user.id} has no bot message #${messageId}`);
      const buttons = inlineButtons(message);
      if (!buttons.some((b) => 'callback_data' in b && b.callback_data === callbackData)) {
        const shown = buttons.map((b) => `${b.text} (${'callback_data' in b ? b.callback_data : 'no callback data'})`).join(', ') || 'none';
        throw new Error(`message #${messageId} in chat ${user.id} has no button with callback_data "${callbackData}"; its buttons: ${shown}`);
      }
      chatFor(user);
      const id = randomDigits(18).replace(/^0+/, '1');
      callbackQueries.set(id, { chatId: user.id, answered: false });
      enqueue({
        update_id: nextUpdateId++,
        callback_query: { id, from: state.user, message: clone(message), chat_instance: `ci${user.id}`, data: callbackData },
      } as Update);
      return id;
    },

    botMessages: (chatId) => clone(chats.get(chatId)?.botMessages ?? []),

    waitForBotMessage(chatId, predicate, timeoutMs = 5000) {
      return waitFor(
        () => {
          const found = chats.get(chatId)?.botMessages.find((m) => predicate(m));
          return found && clone(found);
        },
        () => `a matching bot message in chat ${chatId}; ${describeChat(chatId)}`,
        timeoutMs,
      );
    },

    commands: (scope = { type: 'default' }, languageCode = '') => clone(commandMenus.get(scopeKey(scope, languageCode)) ?? []),

    calls: (method) => (method ? calls.filter((c) => c.method === method) : [...calls]),

    waitForCall(method, predicate = () => true, timeoutMs = 5000) {
      return waitFor(
        () => calls.find((c) => c.method === method && predicate(c)),
        () => `a matching ${method} call (seen ${calls.filter((c) => c.method === method).length} ${method} calls)`,
        timeoutMs,
      );
    },

    callbackAnswers: (chatId) => clone(chats.get(chatId)?.answers ?? []),

    files: () => [...recordedFiles.values()],

    pendingUpdates: () => clone(queue),

    failNext(method, error) {
      failures.push({ method, error });
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const waiter of [...waiters]) waiter.cancel(new Error('the emulator was closed'));
      if (poller) {
        const current = poller;
        poller = undefined;
        clearTimeout(current.timer);
        current.finish(200, { ok: true, result: [] });
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      listeners.clear();
    },
  };
}

function scopeKey(scope: BotCommandScope | Record<string, unknown>, languageCode: string): string {
  const s = scope as { type: string; chat_id?: unknown; user_id?: unknown };
  return [s.type, String(s.chat_id ?? ''), String(s.user_id ?? ''), languageCode].join('|');
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parameters from the query string and a JSON, urlencoded or multipart body, as the Bot API accepts them. */
async function readRequest(req: IncomingMessage, url: URL): Promise<Request> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: Record<string, Upload> = {};
  const body = await readBody(req);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return { params, files };
  if (type.startsWith('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON request body");
    }
    if (json && typeof json === 'object' && !Array.isArray(json)) Object.assign(params, json);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
    if (!boundary) throw badRequest('multipart boundary is missing');
    parseMultipart(body, (boundary[1] ?? boundary[2])!.trim(), params, files);
  }
  return { params, files };
}

function parseMultipart(body: Buffer, boundary: string, fields: Record<string, unknown>, files: Record<string, Upload>) {
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    let start = position + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /(?:^|[;\s:])name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename\*?=(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers);
      if (name !== undefined) {
        if (filename) files[name] = { filename: (filename[1] ?? filename[2] ?? '').trim() || name, data: Buffer.from(content) };
        else fields[name] = content.toString('utf8');
      }
    }
    position = next;
  }
}
