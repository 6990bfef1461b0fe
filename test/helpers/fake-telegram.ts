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

/** A file the bot uploaded (sendDocument with an InputFile), as Telegram would receive it. */
export interface UploadedFile {
  fileName: string;
  data: Buffer;
}

/** The file_path the fake getFile hands out for a file_id; tests put a file's bytes in `h.files` under it. */
export function filePathOf(fileId: string): string {
  return `documents/${fileId}`;
}

/** Reads a request body that is not a string: grammY streams multipart/form-data when a payload holds a file. */
async function readBody(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Parses grammY's multipart/form-data: plain fields (JSON ones decoded) and files, each `attach://id` field
 * replaced by the file it points to.
 */
export function parseMultipart(body: Buffer, boundary: string): Record<string, any> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    // Each part sits between "--boundary\r\n" and "\r\n--boundary".
    parts.push(body.subarray(at + delimiter.length + 2, next - 2));
    at = next;
  }
  const fields: Record<string, any> = {};
  const files = new Map<string, UploadedFile>();
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (!name) continue;
    const fileName = /filename="?([^"\r\n]*)"?/i.exec(head)?.[1];
    if (fileName !== undefined) {
      files.set(name, { fileName, data: Buffer.from(content) });
      continue;
    }
    const text = content.toString('utf8');
    let value: unknown = text;
    if (/^[[{]/.test(text)) {
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
    } else if (/^-?\d+$/.test(text) && name.endsWith('_id')) {
      value = Number(text);
    }
    fields[name] = value;
  }
  for (const [key, value] of Object.entries(fields)) {
    const attach = typeof value === 'string' ? /^attach:\/\/(.+)$/.exec(value) : null;
    if (attach && files.has(attach[1]!)) fields[key] = files.get(attach[1]!);
  }
  return fields;
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

  readonly fetch = (async (url: string | URL, init?: { body?: unknown; headers?: Record<string, string> }) => {
    const method = String(url).split('/').pop()!;
    let payload: Record<string, any> = {};
    if (typeof init?.body === 'string') payload = JSON.parse(init.body);
    else if (init?.body) {
      const boundary = /boundary=(.+)$/.exec(init.headers?.['content-type'] ?? '')?.[1];
      const body = await readBody(init.body);
      if (boundary) payload = parseMultipart(body, boundary);
    }
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
      case 'sendDocument': {
        const file = payload.document as UploadedFile | string;
        const fileName = typeof file === 'string' ? undefined : file.fileName;
        return {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: payload.chat_id, type: 'private', first_name: 'User' },
          caption: payload.caption,
          document: { file_id: `sent-${this.nextMessageId}`, file_unique_id: `u-${this.nextMessageId}`, ...(fileName ? { file_name: fileName } : {}) },
        } satisfies Partial<Message>;
      }
      case 'getFile':
        return {
          file_id: payload.file_id,
          file_unique_id: `u-${payload.file_id}`,
          ...(this.fileSizes.has(payload.file_id) ? { file_size: this.fileSizes.get(payload.file_id) } : {}),
          file_path: filePathOf(payload.file_id),
        };
      default:
        return true;
    }
  }

  /** Sizes getFile reports, by file_id; a test sets them when it cares (Telegram knows every file's size). */
  readonly fileSizes = new Map<string, number>();

  /** Texts the bot sent to a chat, in order; a document's caption counts as the text the person reads. */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText' || c.method === 'sendDocument') && c.payload.chat_id === chatId)
      .map((c) => (c.method === 'sendDocument' ? (c.payload.caption ?? '') : c.payload.text) as string);
  }

  /** Documents the bot uploaded to a chat, in order, with the file's name and bytes. */
  documentsTo(chatId: number): { fileName: string; data: Buffer; caption?: string }[] {
    return this.callsOf('sendDocument')
      .filter((c) => c.payload.chat_id === chatId && typeof c.payload.document === 'object')
      .map((c) => ({ fileName: c.payload.document.fileName, data: c.payload.document.data, caption: c.payload.caption }));
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

  /**
   * The buttons on screen: those of the message last sent or edited with a keyboard (a card that replaces the list
   * in place, for instance), or none once that message's keyboard was removed.
   */
  visibleButtons(chatId: number): { text: string; data: string; messageId: number }[] {
    let last: { messageId: number; keyboard: { text: string; callback_data: string }[][] } | undefined;
    for (const call of this.calls) {
      if (call.payload.chat_id !== chatId || !['sendMessage', 'editMessageText', 'editMessageReplyMarkup'].includes(call.method)) continue;
      const messageId = call.method === 'sendMessage' ? call.result?.message_id : call.payload.message_id;
      const keyboard = call.payload.reply_markup?.inline_keyboard;
      if (keyboard?.length) last = { messageId, keyboard };
      else if (last?.messageId === messageId) last = undefined;
    }
    return (last?.keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data, messageId: last!.messageId }));
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

/** A message in the person's private chat with the bot, with whatever content it carries. */
function privateMessage(from: User, content: Record<string, unknown>): Update {
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      from,
      ...content,
    },
  } as Update;
}

/** A private-chat text message; a leading /command gets its entity, as Telegram sends it. */
export function textUpdate(from: User, text: string): Update {
  const command = /^\/\w+/.exec(text);
  return privateMessage(from, { text, ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}) });
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

/** A private-chat message with a document, as Telegram sends it when a person attaches a file. */
export function documentUpdate(from: User, doc: { fileId: string; fileName?: string; fileSize?: number; mimeType?: string }): Update {
  return privateMessage(from, {
    document: {
      file_id: doc.fileId,
      file_unique_id: `u-${doc.fileId}`,
      ...(doc.fileName !== undefined ? { file_name: doc.fileName } : {}),
      ...(doc.fileSize !== undefined ? { file_size: doc.fileSize } : {}),
      ...(doc.mimeType !== undefined ? { mime_type: doc.mimeType } : {}),
    },
  });
}

export function photoUpdate(from: User): Update {
  return privateMessage(from, { photo: [{ file_id: 'f', file_unique_id: 'u', width: 1, height: 1 }] });
}
