import { randomBytes, randomInt } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Message } from 'grammy/types';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { createServices, type Services } from '../../src/domain/services';
import { systemClock } from '../../src/domain/shared/clock';
import { freePort, startBotProcess, type BotProcess } from '../../src/sandbox/bot-process';
import { inlineButtons, startEmulator, type Emulator, type SimUser } from '../../src/sandbox/emulator';
import { ensureBuilt } from '../helpers/build';
import { MONGODB_TEST_URI, REDIS_TEST_URL, seedTerritory } from '../helpers/services';

const TOKEN = `${randomInt(100_000_000, 999_999_999)}:E2E-files-token-${randomBytes(8).toString('hex')}`;
const REPLY_MS = 20_000;

/**
 * Register files through the built bot process and the Bot API emulator over HTTP: the template goes out as a
 * multipart upload, the head's file comes back through getFile and /file/bot<token>/<path>, as with Telegram.
 */
describe('register files through the bot process', () => {
  let tg: Emulator;
  let bot: BotProcess;
  let conn: Connection;
  let services: Services;
  let schoolId: string;
  const dbName = `e2e_files_${randomBytes(5).toString('hex')}`;
  const head: SimUser = { id: randomInt(1_000_000_000, 1_900_000_000), first_name: 'Мария', language_code: 'ru' };

  beforeAll(async () => {
    await ensureBuilt();
    const uri = `${MONGODB_TEST_URI.replace(/\/$/, '')}/${dbName}`;
    conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
    await conn.asPromise();
    const built = createServices(conn, { clock: systemClock, inviteTtlDays: 14 });
    await built.ensureIndexes();
    services = built.services;
    schoolId = (await seedTerritory(services)).school1.id;
    const invite = await services.people.createInvite({ role: 'head', scope: { level: 'organization', id: schoolId } });
    await services.people.redeemInvite({ code: invite.code, telegramId: head.id, chatId: head.id, fullName: 'Иванова Мария', position: 'директор', language: 'ru' });
    await services.register.confirmConsent(schoolId, head.id);

    tg = await startEmulator({ port: 0, token: TOKEN, botUsername: 'cmn_e2e_files_bot', botName: 'ЦМН' });
    bot = startBotProcess({ apiRoot: tg.url, token: TOKEN, mongoUri: uri, redisUrl: REDIS_TEST_URL, port: await freePort(), logLevel: 'info' });
    await bot.waitHealthy(30_000);
    await tg.waitForCall('getUpdates', () => true, 30_000);
  }, 240_000);

  afterAll(async () => {
    if (bot?.isRunning()) await bot.stop(5000);
    await tg?.close();
    if (conn) {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    }
    const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    await redis.del(`session:${head.id}`, `conversation:${head.id}`, `register-import:${head.id}`);
    redis.disconnect();
  });

  const fail = (err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- bot output ---\n${bot.output().slice(-4000)}`);
  };
  const next = (after: Message, predicate: (m: Message) => boolean) =>
    tg.waitForBotMessage(head.id, (m) => m.message_id > after.message_id && predicate(m), REPLY_MS).catch(fail);
  const fileOf = (m: Message) => tg.files().find((f) => f.file_id === m.document?.file_id)!;

  it('when a head fills in the template and sends it back, then the report, the confirmation and the export all work over HTTP', async () => {
    const askTemplate = tg.sendText(head, '/template');
    const template = await next(askTemplate, (m) => Boolean(m.document));
    expect(template.document!.file_name).toBe('шаблон-реестра.xlsx');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(fileOf(template).data as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    sheet.getRow(3).values = ['Петрова Анна Ивановна', 'педагог', 'учитель', 'Сидоров Олег', 'молодой специалист', '', '', 'учитель–учитель', 'Адаптация', '01.09.2026', ''];
    sheet.getRow(4).values = ['Петрова Анна Ивановна', 'педагог', 'учитель', 'Кузнецова Ирина', 'обучающийся', 14, '8Б', 'педагог–учащийся', 'Шаг', '01.09.2026', ''];
    const sent = tg.sendDocument(head, 'реестр.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));

    const report = await next(sent, (m) => (m.text ?? '').includes('проверен'));
    expect(report.text).toContain('Готово к загрузке: 2 строк. С ошибками: 0.');
    const load = inlineButtons(report).find((b) => 'callback_data' in b && b.callback_data?.startsWith('regimport:ok'))!;
    tg.pressButton(head, report.message_id, (load as { callback_data: string }).callback_data);
    const done = await next(report, (m) => (m.text ?? '').startsWith('Загружено'));
    expect(done.text).toContain('Загружено: новых 2, обновлено 0, без изменений 0.');
    expect((await services.register.listPairs(schoolId, 0, 10)).total).toBe(2);

    const askExport = tg.sendText(head, '/export');
    const exported = await next(askExport, (m) => Boolean(m.document));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(fileOf(exported).data as unknown as ArrayBuffer);
    const rows = book.worksheets[0]!.getSheetValues().slice(2).map((r) => (r as unknown[])[6]);
    expect(rows.sort()).toEqual(['Кузнецова Ирина', 'Сидоров Олег']);
  });
});
