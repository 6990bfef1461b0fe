import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import type { Message } from 'grammy/types';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import type { Invite } from '../domain/people/people.types';
import { createServices, type Services } from '../domain/services';
import { systemClock } from '../domain/shared/clock';
import { readTable } from '../domain/territory/territory-file';
import type { Table } from '../domain/territory/territory-import';
import { freePort, REPO_ROOT, startBotProcess, type BotProcess } from './bot-process';
import { inlineButtons, startEmulator, type Emulator, type EmulatorEvent, type SimUser } from './emulator';
import { connectOptions } from '../domain/shared/connection';

/**
 * `npm run sandbox`: the real bot process talks to the local Bot API emulator, and the operator chats with it in
 * the terminal as one or more simulated Telegram users. Works interactively and with piped input (one line per
 * message), which is how its test drives it.
 *
 * Environment (all optional): MONGODB_URI (default: database cmn_sandbox on the local server, emptied at start),
 * REDIS_URL, SANDBOX_BOT_LOG (the bot's log file), SANDBOX_USER_ID_BASE (Telegram ids of the simulated users are
 * base + N), SANDBOX_KEEP=1 (keep the sandbox database and dialogues of the previous run),
 * SANDBOX_SETTLE_MS / SANDBOX_REPLY_TIMEOUT_MS (how long to wait for the bot after each input).
 */

const env = process.env;
const DEFAULT_MONGODB_URI = 'mongodb://127.0.0.1:27017/cmn_sandbox';
const MONGODB_URI = env.MONGODB_URI?.trim() || DEFAULT_MONGODB_URI;
const KEEP = env.SANDBOX_KEEP === '1';
// Only the sandbox's own database is emptied; a database the operator named is used as it is.
const RESET_DATABASE = !env.MONGODB_URI?.trim() && !KEEP;
const REDIS_URL = env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const BOT_LOG = env.SANDBOX_BOT_LOG?.trim() || join(REPO_ROOT, '.data', 'sandbox-bot.log');
const FILES_DIR = join(REPO_ROOT, '.data', 'sandbox-files');
const USER_ID_BASE = Number(env.SANDBOX_USER_ID_BASE || 100_000_000_000);
const SETTLE_MS = Number(env.SANDBOX_SETTLE_MS || 400);
const BOT_LOG_LEVEL = env.LOG_LEVEL?.trim() || 'debug';
const REPLY_TIMEOUT_MS = Number(env.SANDBOX_REPLY_TIMEOUT_MS || 15_000);
const MAX_USERS = 99;
const SAMPLE_FILE = join(REPO_ROOT, 'scripts', 'samples', 'organizations.csv');
// Fake: it only ever reaches the local emulator.
const TOKEN = '5550001234:SANDBOX-fake-token-never-sent-to-telegram';
const BOT_USERNAME = 'cmn_sandbox_bot';

const FALLBACK_TABLE: Table = {
  rows: [
    { row: 1, cells: ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'] },
    {
      row: 2,
      cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Бодайбо»', 'МКОУ «СОШ № 1 г. Бодайбо»', 'школа'],
    },
    {
      row: 3,
      cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Муниципальное казённое дошкольное образовательное учреждение «Детский сад № 9 г. Бодайбо»', 'МКДОУ «Детский сад № 9»', 'детский сад'],
    },
  ],
};

type InviteKind = 'head' | 'coordinator';

interface SandboxInvite {
  kind: InviteKind;
  invite: Invite;
  /** What it is for, in words. */
  target: string;
}

const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
const rel = (path: string) => relative(process.cwd(), path) || path;

// ---- output -----------------------------------------------------------------------------------------------------

let promptShown = false;
let prompt = () => undefined as void;

/** Prints above the prompt without mangling what the operator is typing. */
function print(text: string) {
  if (interactive && promptShown) {
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
  }
  process.stdout.write(`${text}\n`);
  if (interactive && promptShown) prompt();
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');

function renderButtons(message: Message): string[] {
  return inlineButtons(message).map((b, i) => `   [${i + 1}] ${b.text}${'url' in b && b.url ? `  → ${b.url}` : ''}`);
}

function renderBody(message: Message): string[] {
  const lines: string[] = [];
  if (message.document) lines.push(`   📎 ${message.document.file_name ?? 'file'} (${message.document.file_size ?? 0} B)`);
  const text = message.text ?? message.caption;
  if (text) lines.push(indent(text));
  return [...lines, ...renderButtons(message)];
}

// ---- the session ------------------------------------------------------------------------------------------------

async function main() {
  mkdirSync(dirname(BOT_LOG), { recursive: true });
  print('ЦМН — песочница бота / bot sandbox');
  print('Готовлю базу, эмулятор Telegram и бота… / Preparing the database, the Telegram emulator and the bot…');

  // Database first: the bot process and the services share it.
  const conn = mongoose.createConnection(MONGODB_URI, connectOptions({ serverSelectionTimeoutMS: 5000 }));
  try {
    await conn.asPromise();
  } catch (err) {
    print(`Нет связи с базой данных ${MONGODB_URI} / cannot reach the database: ${String(err)}`);
    print('Запустите её / start it: bash scripts/local-db.sh start');
    process.exit(1);
  }
  if (RESET_DATABASE) await conn.dropDatabase();
  const built = createServices(conn, { clock: systemClock, inviteTtlDays: 14 });
  await built.ensureIndexes();
  const services = built.services;

  // Every run starts each simulated person's dialogue afresh (unless SANDBOX_KEEP=1).
  if (!KEEP) await resetDialogues();

  const emulator = await startEmulator({ port: Number(env.SANDBOX_API_PORT || 0), token: TOKEN, botUsername: BOT_USERNAME, botName: 'ЦМН (песочница)' });
  const bot = startBotProcess({
    apiRoot: emulator.url,
    token: TOKEN,
    mongoUri: MONGODB_URI,
    redisUrl: REDIS_URL,
    port: await freePort(),
    logLevel: BOT_LOG_LEVEL,
    logFile: BOT_LOG,
  });

  // The territory loads while the bot starts.
  const [invites] = await Promise.all([prepareTerritory(services), waitForPolling(emulator, bot)]);
  const session = new Session(emulator, bot, services, conn, invites);
  session.printIntro();
  session.run();
}

async function resetDialogues() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys: string[] = [];
    for (let n = 1; n <= MAX_USERS; n++) keys.push(`session:${USER_ID_BASE + n}`, `conversation:${USER_ID_BASE + n}`);
    await redis.del(...keys);
  } catch (err) {
    print(`Redis ${REDIS_URL} не отвечает / does not answer: ${String(err)}`);
    process.exit(1);
  } finally {
    redis.disconnect();
  }
}

/** Loads the sample territory (unless the database already has organizations) and issues the two invites. */
async function prepareTerritory(services: Services): Promise<SandboxInvite[]> {
  let organizations = await services.territory.listOrganizations();
  if (organizations.length === 0) {
    const fromFile = existsSync(SAMPLE_FILE);
    const report = await services.territory.importTable(fromFile ? await readTable(SAMPLE_FILE) : FALLBACK_TABLE);
    organizations = await services.territory.listOrganizations();
    const source = fromFile ? rel(SAMPLE_FILE) : 'встроенный пример / built-in sample';
    print(`Справочник / territory: ${organizations.length} организаций / organizations (${source})`);
    if (report.errors.length > 0) print(`  строк с ошибками / rows with errors: ${report.errors.length}`);
  } else {
    print(`Справочник / territory: ${organizations.length} организаций в базе / organizations already in the database`);
  }
  const organization = organizations.find((o) => o.kind === 'school') ?? organizations[0];
  if (!organization) throw new Error('no organizations to invite to');
  const municipality = (await services.territory.listMunicipalities()).find((m) => m.id === organization.municipalityId)!;
  const region = (await services.territory.listRegions()).find((r) => r.id === municipality.regionId);
  const head = await services.people.createInvite({ role: 'head', scope: { level: 'organization', id: organization.id }, createdBy: 'sandbox' });
  const coordinator = await services.people.createInvite({ role: 'coordinator', scope: { level: 'municipality', id: municipality.id }, createdBy: 'sandbox' });
  return [
    { kind: 'head', invite: head, target: `${organization.shortName} (${municipality.name})` },
    { kind: 'coordinator', invite: coordinator, target: `${municipality.name}${region ? `, ${region.name}` : ''}` },
  ];
}

async function waitForPolling(emulator: Emulator, bot: BotProcess) {
  const polling = emulator.waitForCall('getUpdates', () => true, 60_000).then(() => 'polling' as const);
  const outcome = await Promise.race([polling, bot.exited.then(() => 'exited' as const)]).catch((err: unknown) => String(err));
  if (outcome === 'polling') return;
  print(`Бот не запустился / the bot did not start (${outcome}). Журнал / log: ${rel(BOT_LOG)}`);
  await bot.stop(2000);
  await emulator.close();
  process.exit(1);
}

/**
 * Follows the bot's log for its "update handled" lines (debug level, one per update, written after every reply of
 * that update was sent), so the chat knows when the bot is done with what the operator typed.
 */
class HandledUpdates {
  private readonly handled = new Set<number>();
  private position = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly timer: NodeJS.Timeout;
  readonly available = BOT_LOG_LEVEL === 'debug' || BOT_LOG_LEVEL === 'trace';

  constructor(private readonly file: string) {
    this.timer = setInterval(() => this.read(), 50);
  }

  has(updateId: number): boolean {
    this.read();
    return this.handled.has(updateId);
  }

  stop() {
    clearInterval(this.timer);
  }

  private read() {
    if (!this.available || !existsSync(this.file)) return;
    const fd = openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.position);
        if (n <= 0) break;
        this.position += n;
        this.partial += this.decoder.write(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('update handled')) continue;
      try {
        const entry = JSON.parse(line) as { msg?: string; updateId?: number };
        if (entry.msg === 'update handled' && typeof entry.updateId === 'number') this.handled.add(entry.updateId);
      } catch {
        // not a JSON line (a stack trace, a warning of node): not ours
      }
    }
  }
}

class Session {
  private readonly users = new Map<number, SimUser>();
  private current: SimUser;
  private readonly queue: string[] = [];
  private busy = false;
  private inputClosed = false;
  private stopping = false;
  private lastUpdateId = 0;
  private readonly handledUpdates = new HandledUpdates(BOT_LOG);
  private readonly rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });

  constructor(
    private readonly emulator: Emulator,
    private readonly bot: BotProcess,
    private readonly services: Services,
    private readonly conn: mongoose.Connection,
    private readonly invites: SandboxInvite[],
  ) {
    this.current = this.user(1, 'ru');
    this.emulator.onEvent((event) => {
      if (event.type === 'update') this.lastUpdateId = event.update.update_id;
      this.show(event);
    });
    void this.bot.exited.then(({ code, signal }) => {
      if (this.stopping) return;
      print(`\n⛔ Бот завершился сам / the bot exited by itself (code ${code}, signal ${signal}). Журнал / log: ${rel(BOT_LOG)}`);
      void this.emulator.close().then(() => this.conn.close()).finally(() => process.exit(1));
    });
  }

  printIntro() {
    const lines = [
      '',
      'Вы пишете настоящему боту (node dist/main.js) как пользователь Telegram; Telegram — локальный эмулятор.',
      'You chat with the real bot (node dist/main.js) as a Telegram user; Telegram is a local emulator.',
      `Журнал бота / bot log: ${rel(BOT_LOG)}`,
      '',
      ...this.inviteLines(),
      '',
      'С чего начать / Start with:',
      '  :start head     откроет приглашение руководителя (= /start <код>) / opens the head invite',
      '  /start          без приглашения / without an invite',
      'Цифра N нажимает кнопку [N] последнего сообщения с кнопками / a number N presses button [N].',
      ':help — все команды песочницы / all sandbox commands,  :quit — выход / exit',
      '',
    ];
    print(lines.join('\n'));
  }

  run() {
    prompt = () => {
      this.rl.setPrompt(`[${this.label(this.current.id)}] › `);
      this.rl.prompt(true);
      promptShown = true;
    };
    this.rl.on('line', (line) => {
      promptShown = false;
      this.queue.push(line);
      void this.drain();
    });
    this.rl.on('close', () => {
      this.inputClosed = true;
      void this.drain();
    });
    this.rl.on('SIGINT', () => void this.quit());
    process.once('SIGTERM', () => void this.quit());
    if (interactive) prompt();
  }

  /** Lines are handled one at a time, each after the bot has answered the previous one. */
  private async drain() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.stopping) await this.handle(this.queue.shift()!);
    } finally {
      this.busy = false;
    }
    if (this.stopping) return;
    if (this.inputClosed) return void this.quit();
    if (interactive) prompt();
  }

  private async handle(raw: string) {
    const line = raw.trim();
    if (line === '') return;
    if (!interactive) print(`[${this.label(this.current.id)}] › ${line}`);
    if (line.startsWith(':')) return this.command(line);
    if (/^\d+$/.test(line)) {
      const pressed = this.press(Number(line));
      if (pressed === 'sent') return this.settle();
      if (pressed === 'shown') return;
    }
    this.emulator.sendText(this.current, line);
    await this.settle();
  }

  private async command(line: string) {
    const [name, ...args] = line.slice(1).split(/\s+/);
    switch (name) {
      case 'help':
      case 'h':
      case '?':
        return print(HELP);
      case 'quit':
      case 'q':
      case 'exit':
        return this.quit();
      case 'invites':
        return print(this.inviteLines().join('\n'));
      case 'user':
      case 'u': {
        const n = Number(args[0]);
        const language = args[1]?.toLowerCase();
        if (!Number.isInteger(n) || n < 1 || n > MAX_USERS || (language !== undefined && language !== 'ru' && language !== 'en')) {
          return print(`Формат / usage: :user N [ru|en], N = 1…${MAX_USERS}`);
        }
        this.current = this.user(n, language);
        return print(`Теперь вы — ${this.label(this.current.id)} (Telegram id ${this.current.id}, язык приложения / app language: ${this.current.language_code})`);
      }
      case 'start': {
        const kind = args[0] as InviteKind | undefined;
        const found = [...this.invites].reverse().find((i) => i.kind === kind);
        if (!found) return print('Формат / usage: :start head | :start coordinator');
        const text = `/start ${found.invite.code}`;
        print(`   (отправляю / sending: ${text})`);
        this.emulator.sendText(this.current, text);
        return this.settle();
      }
      case 'new': {
        const kind = args[0] as InviteKind | undefined;
        const template = this.invites.find((i) => i.kind === kind);
        if (!template) return print('Формат / usage: :new head | :new coordinator');
        const invite = await this.services.people.createInvite({ role: template.invite.role, scope: template.invite.scope, createdBy: 'sandbox' });
        this.invites.push({ ...template, invite });
        return print(this.inviteLines([this.invites[this.invites.length - 1]!]).join('\n'));
      }
      case 'file':
      case 'f': {
        const path = line.replace(/^:(file|f)\s?/, '').trim().replace(/^["']|["']$/g, '');
        if (path === '') return print('Формат / usage: :file ПУТЬ/PATH (например / e.g. :file реестр.xlsx)');
        const full = resolve(process.cwd(), path);
        if (!existsSync(full) || !statSync(full).isFile()) return print(`Нет такого файла / no such file: ${full}`);
        const data = readFileSync(full);
        print(`   (отправляю файл / sending a file: ${basename(full)}, ${data.length} B)`);
        this.emulator.sendDocument(this.current, basename(full), data);
        return this.settle();
      }
      case 'say': {
        const text = line.replace(/^:say\s?/, '');
        if (text === '') return print('Формат / usage: :say ТЕКСТ');
        this.emulator.sendText(this.current, text);
        return this.settle();
      }
      default:
        return print(`Неизвестная команда песочницы / unknown sandbox command: :${name}. :help — список / list`);
    }
  }

  /** A file the bot sent is saved under .data/sandbox-files/, so it can be opened (and filled in and sent back). */
  private saveDocument(message: Message): string[] {
    const document = message.document;
    const file = document && this.emulator.files().find((f) => f.file_id === document.file_id);
    if (!file) return [];
    const path = join(FILES_DIR, `${message.message_id}-${basename(file.filename).replace(/[\\/:*?"<>|]/g, '_')}`);
    mkdirSync(FILES_DIR, { recursive: true });
    writeFileSync(path, file.data);
    return [`   💾 ${rel(path)}`];
  }

  /**
   * Presses button N of the last message in this chat that shows buttons: 'sent' when the bot gets an update,
   * 'shown' for a link that would open outside the chat, 'none' when there is no such button (the number is text).
   */
  private press(n: number): 'sent' | 'shown' | 'none' {
    const message = this.emulator
      .botMessages(this.current.id)
      .reverse()
      .find((m) => inlineButtons(m).length > 0);
    const button = message && inlineButtons(message)[n - 1];
    if (!message || !button) return 'none';
    print(`   (нажата кнопка / pressed [${n}] ${button.text})`);
    if ('callback_data' in button && button.callback_data !== undefined) {
      this.emulator.pressButton(this.current, message.message_id, button.callback_data);
      return 'sent';
    }
    if ('url' in button && button.url) {
      const start = new RegExp(`^https://t\\.me/${BOT_USERNAME}\\?start=(.+)$`).exec(button.url);
      if (start) {
        this.emulator.sendText(this.current, `/start ${start[1]}`);
        return 'sent';
      }
      print(`   🔗 ${button.url} (в Telegram открылась бы ссылка / Telegram would open the link)`);
    }
    return 'shown';
  }

  /**
   * Waits until the bot is done with the update just sent, so its answers print before the next input: the bot's
   * log says so when it logs at debug level; otherwise, once it has answered and then been quiet for a moment.
   */
  private settle(): Promise<void> {
    const updateId = this.lastUpdateId;
    return new Promise((resolve) => {
      const started = Date.now();
      let last = started;
      let answered = false;
      const off = this.emulator.onEvent((event) => {
        if (event.type === 'call' && event.call.method !== 'getUpdates') {
          answered = true;
          last = Date.now();
        }
      });
      const timer = setInterval(() => {
        const now = Date.now();
        const handled = this.handledUpdates.available && updateId > 0 && this.handledUpdates.has(updateId);
        const quiet = !this.handledUpdates.available && answered && now - last >= SETTLE_MS;
        const done = handled || quiet || now - started >= REPLY_TIMEOUT_MS || !this.bot.isRunning();
        if (!done) return;
        clearInterval(timer);
        off();
        if (!answered && this.bot.isRunning()) print(`   (бот не ответил / no answer from the bot)`);
        resolve();
      }, 25);
    });
  }

  private show(event: EmulatorEvent) {
    if (event.type === 'message') {
      print([this.header(event.chatId, 'Бот / bot'), ...renderBody(event.message), ...this.saveDocument(event.message)].join('\n'));
    } else if (event.type === 'edit') {
      const textChanged = (event.message.text ?? event.message.caption) !== (event.previous.text ?? event.previous.caption);
      if (!textChanged && inlineButtons(event.message).length === 0) {
        print(`${this.header(event.chatId, 'Бот / bot')} (кнопки под сообщением убраны / buttons removed)`);
      } else {
        print([this.header(event.chatId, 'Бот изменил сообщение / bot edited a message'), ...renderBody(event.message)].join('\n'));
      }
    } else if (event.type === 'callback_answer' && event.text) {
      print(`${event.showAlert ? '⚠️' : '🔔'} ${event.text}`);
    } else if (event.type === 'delete') {
      print(`${this.header(event.chatId, 'Бот удалил сообщение / bot deleted a message')}`);
    } else if (event.type === 'call' && !event.call.ok && event.call.method !== 'getUpdates') {
      // What Telegram refused is a bug worth seeing, not just a line in the log.
      print(`   ❗ ${event.call.method}: ${event.call.error?.error_code} ${event.call.error?.description}`);
    }
  }

  private header(chatId: number, who: string): string {
    return chatId === this.current.id ? `🤖 ${who}:` : `🤖 ${who} → ${this.label(chatId)}:`;
  }

  private user(n: number, language?: string): SimUser {
    const id = USER_ID_BASE + n;
    const existing = this.users.get(id);
    const lang = language ?? existing?.language_code ?? 'ru';
    const user: SimUser = { id, first_name: lang === 'en' ? `User ${n}` : `Пользователь ${n}`, username: `sandbox_user_${n}`, language_code: lang };
    this.users.set(id, user);
    return user;
  }

  private label(chatId: number): string {
    return `user ${chatId - USER_ID_BASE}`;
  }

  private inviteLines(list = this.invites): string[] {
    const lines = ['Приглашения / Invites:'];
    for (const { kind, invite, target } of list) {
      const role = kind === 'head' ? 'руководитель / head' : 'координатор / coordinator';
      lines.push(`  ${role}: ${target}`);
      lines.push(`    код / code: ${invite.code}   ссылка / link: https://t.me/${BOT_USERNAME}?start=${invite.code}   → :start ${kind}`);
    }
    return lines;
  }

  async quit() {
    if (this.stopping) return;
    this.stopping = true;
    promptShown = false;
    print('\nОстанавливаю бота (SIGTERM)… / Stopping the bot (SIGTERM)…');
    this.handledUpdates.stop();
    const { code, signal, killed } = await this.bot.stop(15_000);
    print(`Бот остановлен / bot stopped: exit code ${code}${signal ? `, signal ${signal}` : ''}${killed ? ' (не остановился за 15 с, убит / killed after 15 s)' : ''}`);
    await this.emulator.close();
    await this.conn.close();
    this.rl.close();
    process.exit(code === 0 ? 0 : 1);
  }
}

const HELP = [
  'Пишите боту как в Telegram / type to the bot as in Telegram: /start, /help, текст / text…',
  '  N                 нажать кнопку [N] последнего сообщения с кнопками / press button [N]',
  '  :start head       /start с кодом приглашения руководителя / with the head invite code',
  '  :start coordinator   /start с кодом приглашения координатора / with the coordinator invite code',
  '  :new head|coordinator   выдать новое приглашение / issue a new invite',
  '  :invites          приглашения этого запуска / this run\'s invites',
  '  :user N [ru|en]   стать пользователем N (свой Telegram id; язык приложения) / become user N',
  '  :say ТЕКСТ        отправить текст как есть, даже цифру / send text as is, even a number',
  '  :file ПУТЬ        отправить файл, например заполненный шаблон реестра / send a file, e.g. a filled register template',
  '  :help             эта справка / this help',
  '  :quit             остановить бота и выйти / stop the bot and exit',
].join('\n');

main().catch((err: unknown) => {
  print(`Песочница упала / the sandbox failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
