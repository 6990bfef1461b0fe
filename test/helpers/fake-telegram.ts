import type { Message, Update, User, UserFromGetMe } from 'grammy/types';

export const TEST_TOKEN = '123456789:TEST-token-for-the-fake-telegram-api';

export const botInfo: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: 'ЦМН',
  username: 'cmn_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export interface ApiCall {
  method: string;
  payload: Record<string, any>;
  result?: any;
}

/**
 * Telegram faked at grammY's `client.fetch`: every outgoing call is recorded and answered the way the Bot API would.
 * It reaches inside conversations too, which build their own Api from the same client options.
 */
export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  private nextMessageId = 1000;
  private failures: { method: string; errorCode: number; description: string; parameters?: object }[] = [];

  /** The next call of `method` fails once with the given Bot API error. */
  failNext(method: string, errorCode: number, description: string, parameters?: object) {
    this.failures.push({ method, errorCode, description, parameters });
  }

  readonly fetch = (async (url: string | URL, init?: { body?: unknown }) => {
    const method = String(url).split('/').pop()!;
    const payload = typeof init?.body === 'string' ? JSON.parse(init.body) : {};
    const call: ApiCall = { method, payload };
    this.calls.push(call);
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      return json({ ok: false, error_code: f!.errorCode, description: f!.description, parameters: f!.parameters });
    }
    call.result = this.result(method, payload);
    return json({ ok: true, result: call.result });
  }) as unknown as typeof fetch;

  private result(method: string, payload: Record<string, any>): unknown {
    switch (method) {
      case 'getMe':
        return botInfo;
      case 'sendMessage':
        return {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: payload.chat_id, type: 'private', first_name: 'User' },
          text: payload.text,
          reply_markup: payload.reply_markup,
        } satisfies Partial<Message>;
      case 'editMessageText':
        return { message_id: payload.message_id, date: 0, chat: { id: payload.chat_id, type: 'private' }, text: payload.text };
      default:
        return true;
    }
  }

  /** Texts the bot sent to a chat, in order. */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.payload.chat_id === chatId)
      .map((c) => c.payload.text as string);
  }

  lastTextTo(chatId: number): string {
    const texts = this.textsTo(chatId);
    return texts[texts.length - 1] ?? '';
  }

  /** The inline buttons of the last message to a chat that had any, with that message's id. */
  lastButtons(chatId: number): { text: string; data: string; messageId: number }[] {
    const sent = this.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === chatId && c.payload.reply_markup?.inline_keyboard);
    const last = sent[sent.length - 1];
    if (!last) return [];
    return (last.payload.reply_markup.inline_keyboard as { text: string; callback_data: string }[][])
      .flat()
      .map((b) => ({ text: b.text, data: b.callback_data, messageId: last.result.message_id as number }));
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clear() {
    this.calls.length = 0;
  }
}

function json(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

let updateId = 1;

export function person(id: number, language_code = 'ru', first_name = 'Мария'): User {
  return { id, is_bot: false, first_name, language_code };
}

/** A private-chat text message; a leading /command gets its entity, as Telegram sends it. */
export function textUpdate(from: User, text: string): Update {
  const command = /^\/\w+/.exec(text);
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      from,
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    },
  } as Update;
}

export function callbackUpdate(from: User, data: string, messageId: number): Update {
  return {
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from,
      chat_instance: 'ci',
      data,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: from.id, type: 'private', first_name: from.first_name },
        from: botInfo,
        text: '…',
      },
    },
  } as Update;
}

export function photoUpdate(from: User): Update {
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      from,
      photo: [{ file_id: 'f', file_unique_id: 'u', width: 1, height: 1 }],
    },
  } as Update;
}
