import { Api, InputFile } from 'grammy';
import { inlineButtons, startEmulator, type Emulator } from '../../src/sandbox/emulator';

const TOKEN = '424242:EMULATOR-unit-test-token-abcdef';

describe('Bot API emulator over HTTP', () => {
  let tg: Emulator;
  const alice = { id: 7001, first_name: 'Алиса', language_code: 'ru' };

  beforeEach(async () => {
    tg = await startEmulator({ port: 0, token: TOKEN, botUsername: 'cmn_unit_bot' });
  });
  afterEach(async () => tg.close());

  const api = async (method: string, body?: unknown, token = TOKEN, init: RequestInit = {}) => {
    const res = await fetch(`${tg.url}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('when asked getMe, then it answers as the bot the token names', async () => {
    const { status, body } = await api('getMe');
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, result: expect.objectContaining({ id: 424242, is_bot: true, username: 'cmn_unit_bot' }) });
    // Method names are case-insensitive in the Bot API, and GET works too.
    const get = await fetch(`${tg.url}/bot${TOKEN}/getme`);
    expect(((await get.json()) as any).result.username).toBe('cmn_unit_bot');
  });

  it('when the token is wrong, then it answers 401 Unauthorized', async () => {
    const { status, body } = await api('getMe', undefined, '424242:not-the-right-token-at-all');
    expect(status).toBe(401);
    expect(body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('when a method does not exist, then it answers the Bot API 404 error', async () => {
    const { status, body } = await api('sendTelepathy', { chat_id: 1 });
    expect(status).toBe(404);
    expect(body).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
  });

  it('when no update is waiting, then getUpdates holds the request until one arrives', async () => {
    const started = Date.now();
    let answered = false;
    const poll = api('getUpdates', { timeout: 20, offset: 0 }).then((r) => {
      answered = true;
      return r;
    });
    await tg.waitForCall('getUpdates');
    expect(answered).toBe(false);

    const sent = tg.sendText(alice, '/start abc');
    const { body } = await poll;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(body.ok).toBe(true);
    expect(body.result).toHaveLength(1);
    expect(body.result[0].message).toMatchObject({
      message_id: sent.message_id,
      text: '/start abc',
      from: { id: alice.id, first_name: 'Алиса', language_code: 'ru', is_bot: false },
      chat: { id: alice.id, type: 'private' },
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
  });

  it('when nothing arrives, then getUpdates answers an empty list after its timeout, not at once', async () => {
    const started = Date.now();
    const { body } = await api('getUpdates', { timeout: 1 });
    expect(body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('when updates are fetched, then they stay until a later offset confirms them', async () => {
    tg.sendText(alice, 'первое');
    tg.sendText(alice, 'второе');
    const first = await api('getUpdates', { offset: 0, timeout: 0 });
    expect(first.body.result.map((u: any) => u.message.text)).toEqual(['первое', 'второе']);
    // Delivered is not confirmed: the same updates come again.
    const again = await api('getUpdates', { timeout: 0 });
    expect(again.body.result).toHaveLength(2);
    const limited = await api('getUpdates', { limit: 1, timeout: 0 });
    expect(limited.body.result.map((u: any) => u.message.text)).toEqual(['первое']);

    const lastId = first.body.result[1].update_id as number;
    const confirmedFirst = await api('getUpdates', { offset: lastId, timeout: 0 });
    expect(confirmedFirst.body.result.map((u: any) => u.message.text)).toEqual(['второе']);
    const confirmedAll = await api('getUpdates', { offset: lastId + 1, timeout: 0 });
    expect(confirmedAll.body.result).toEqual([]);
    expect(tg.pendingUpdates()).toEqual([]);
  });

  it('when a long poll is abandoned by the bot, then the update arriving later is not lost', async () => {
    const controller = new AbortController();
    const poll = api('getUpdates', { timeout: 20 }, TOKEN, { signal: controller.signal });
    await tg.waitForCall('getUpdates');
    controller.abort();
    await expect(poll).rejects.toThrow();
    tg.sendText(alice, 'после обрыва');
    const { body } = await api('getUpdates', { timeout: 5 });
    expect(body.result.map((u: any) => u.message.text)).toEqual(['после обрыва']);
  });

  it('when a second getUpdates comes while one waits, then the first is ended with 409 Conflict', async () => {
    const first = api('getUpdates', { timeout: 20 });
    await tg.waitForCall('getUpdates');
    const second = api('getUpdates', { timeout: 0 });
    const { status, body } = await first;
    expect(status).toBe(409);
    expect(body.description).toContain('terminated by other getUpdates request');
    expect((await second).body).toEqual({ ok: true, result: [] });
  });

  it('when a webhook is set, then getUpdates is refused until it is deleted', async () => {
    expect((await api('setWebhook', { url: 'https://example.org/hook', secret_token: 'x'.repeat(20) })).body).toEqual({ ok: true, result: true });
    const refused = await api('getUpdates', { timeout: 0 });
    expect(refused.status).toBe(409);
    expect((await api('getWebhookInfo')).body.result.url).toBe('https://example.org/hook');
    await api('deleteWebhook');
    expect((await api('getUpdates', { timeout: 0 })).body).toEqual({ ok: true, result: [] });
  });

  it('when the bot asked only for some kinds of updates, then other kinds are not created', async () => {
    await api('getUpdates', { timeout: 0, allowed_updates: ['callback_query'] });
    tg.sendText(alice, 'не дойдёт');
    expect(tg.pendingUpdates()).toEqual([]);
    await api('getUpdates', { timeout: 0, allowed_updates: ['message', 'callback_query'] });
    tg.sendText(alice, 'дойдёт');
    expect(tg.pendingUpdates()).toHaveLength(1);
  });

  it('when the bot sends and edits messages, then the person sees the current text and buttons in order', async () => {
    const refused = await api('sendMessage', { chat_id: alice.id, text: 'Привет' });
    expect(refused.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });

    const hello = tg.sendText(alice, '/lang');
    const keyboard = { inline_keyboard: [[{ text: 'Русский', callback_data: 'lang:ru' }, { text: 'English', callback_data: 'lang:en' }]] };
    const sent = await api('sendMessage', { chat_id: alice.id, text: 'Выберите язык', reply_markup: keyboard });
    expect(sent.body.result).toMatchObject({
      message_id: hello.message_id + 1,
      chat: { id: alice.id, type: 'private' },
      from: { id: 424242, is_bot: true, username: 'cmn_unit_bot' },
      text: 'Выберите язык',
      reply_markup: keyboard,
    });
    expect(typeof sent.body.result.date).toBe('number');
    const messageId = sent.body.result.message_id as number;

    const queryId = tg.pressButton(alice, messageId, 'lang:en');
    const update = (await api('getUpdates', { timeout: 0 })).body.result.pop();
    expect(update.callback_query).toMatchObject({ id: queryId, data: 'lang:en', from: { id: alice.id }, message: { message_id: messageId } });
    expect(() => tg.pressButton(alice, messageId, 'lang:fr')).toThrow(/no button with callback_data "lang:fr"/);

    expect((await api('answerCallbackQuery', { callback_query_id: queryId, text: 'OK' })).body.result).toBe(true);
    const twice = await api('answerCallbackQuery', { callback_query_id: queryId });
    expect(twice.body.description).toContain('query ID is invalid');
    expect(tg.callbackAnswers(alice.id)).toEqual([{ callbackQueryId: queryId, text: 'OK', showAlert: false }]);

    // editMessageText without reply_markup removes the keyboard, as in Telegram.
    const edited = await api('editMessageText', { chat_id: alice.id, message_id: messageId, text: 'Language: English' });
    expect(edited.body.result).toMatchObject({ message_id: messageId, text: 'Language: English' });
    expect(edited.body.result.reply_markup).toBeUndefined();
    const same = await api('editMessageText', { chat_id: alice.id, message_id: messageId, text: 'Language: English' });
    expect(same.body.description).toMatch(/^Bad Request: message is not modified/);

    await api('sendMessage', { chat_id: alice.id, text: 'Да или нет?', reply_markup: { inline_keyboard: [[{ text: 'Да', callback_data: 'y' }]] } });
    const question = tg.botMessages(alice.id)[1]!;
    await api('editMessageReplyMarkup', { chat_id: alice.id, message_id: question.message_id });
    expect(tg.botMessages(alice.id).map((m) => [m.text, inlineButtons(m).map((b) => b.text)])).toEqual([
      ['Language: English', []],
      ['Да или нет?', []],
    ]);
    const unchanged = await api('editMessageReplyMarkup', { chat_id: alice.id, message_id: question.message_id });
    expect(unchanged.body.error_code).toBe(400);
  });

  it('when waiting for a bot message, then it resolves as soon as a matching one is sent', async () => {
    tg.sendText(alice, '/start');
    const waiting = tg.waitForBotMessage(alice.id, (m) => m.text?.includes('Здравствуйте') ?? false, 5000);
    await api('sendMessage', { chat_id: alice.id, text: 'Минутку' });
    await api('sendMessage', { chat_id: alice.id, text: 'Здравствуйте!' });
    expect((await waiting).text).toBe('Здравствуйте!');
    await expect(tg.waitForBotMessage(alice.id, (m) => m.text === 'никогда', 50)).rejects.toThrow(/timed out.*Здравствуйте!/);
  });

  it('when the bot sets command menus, then they are kept per scope and language', async () => {
    const ru = [{ command: 'start', description: 'Начало' }];
    const en = [{ command: 'start', description: 'Start' }];
    await api('setMyCommands', { commands: ru, scope: { type: 'all_private_chats' } });
    await api('setMyCommands', { commands: en, scope: { type: 'all_private_chats' }, language_code: 'en' });
    expect(tg.commands({ type: 'all_private_chats' })).toEqual(ru);
    expect(tg.commands({ type: 'all_private_chats' }, 'en')).toEqual(en);
    expect(tg.commands()).toEqual([]);
    expect((await api('getMyCommands', { scope: { type: 'all_private_chats' }, language_code: 'en' })).body.result).toEqual(en);
    const bad = await api('setMyCommands', { commands: [{ command: 'Start!', description: 'x' }] });
    expect(bad.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' });
    const unknownChat = await api('setMyCommands', { commands: ru, scope: { type: 'chat', chat_id: 999 } });
    expect(unknownChat.body.description).toBe('Bad Request: chat not found');
    await api('deleteMyCommands', { scope: { type: 'all_private_chats' } });
    expect(tg.commands({ type: 'all_private_chats' })).toEqual([]);
  });

  it('when the bot uploads a document as multipart, then it is recorded and can be fetched back', async () => {
    tg.sendText(alice, '/report');
    const form = new FormData();
    form.append('chat_id', String(alice.id));
    form.append('caption', 'Отчёт');
    form.append('document', new Blob([Buffer.from('a;b\n1;2\n')]), 'report.csv');
    const res = await fetch(`${tg.url}/bot${TOKEN}/sendDocument`, { method: 'POST', body: form });
    const body = (await res.json()) as any;
    expect(body.result).toMatchObject({ caption: 'Отчёт', document: { file_name: 'report.csv', file_size: 8 } });
    const file = (await api('getFile', { file_id: body.result.document.file_id })).body.result;
    const download = await fetch(`${tg.url}/file/bot${TOKEN}/${file.file_path}`);
    expect(await download.text()).toBe('a;b\n1;2\n');
    expect((await api('sendChatAction', { chat_id: alice.id, action: 'upload_document' })).body.result).toBe(true);
  });

  it('when grammY itself calls it, then its JSON and multipart requests are understood', async () => {
    tg.sendText(alice, '/report');
    const bot = new Api(TOKEN, { apiRoot: tg.url });
    expect((await bot.getMe()).username).toBe('cmn_unit_bot');
    const message = await bot.sendDocument(alice.id, new InputFile(Buffer.from('отчёт'), 'отчёт.txt'), { caption: 'Готово' });
    expect(message.document).toMatchObject({ file_name: 'отчёт.txt', file_size: Buffer.byteLength('отчёт') });
    expect(tg.botMessages(alice.id).pop()?.caption).toBe('Готово');
    await expect(bot.editMessageText(alice.id, 999, 'x')).rejects.toThrow(/message to edit not found/);
  });

  it('when told to fail the next call, then the bot gets that Bot API error once', async () => {
    tg.sendText(alice, 'hi');
    tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const limited = await api('sendMessage', { chat_id: alice.id, text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect((await api('sendMessage', { chat_id: alice.id, text: 'x' })).body.ok).toBe(true);
  });
});
