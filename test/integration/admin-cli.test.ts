import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchBotUsername, runAdmin, type AdminDeps } from '../../src/cli/commands';
import { BOT_USERNAME_SETTING, createSettingsRepository } from '../../src/domain/shared/settings.repository';
import { MONGODB_TEST_URI, openTestDb, testClock } from '../helpers/services';

const ROOT = join(__dirname, '..', '..');
const SAMPLES = join(ROOT, 'scripts', 'samples');
const SAMPLE_CSV = join(SAMPLES, 'organizations.csv');
const SAMPLE_XLSX = join(SAMPLES, 'organizations.xlsx');
const HEADER = 'Регион;Муниципалитет;Часовой пояс;Полное наименование;Краткое наименование;Тип';
const LINK_RE = /https:\/\/t\.me\/(\w+)\?start=([a-z0-9]+)/;

/** Runs the real entry point (npx tsx src/cli/admin.ts, or npm run admin from another directory) with its own environment. */
function runEntry(
  args: string[],
  env: Record<string, string>,
  via: { npmRunFrom?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const [command, prefix] = via.npmRunFrom ? ['npm', ['run', '--silent', 'admin', '--']] : ['npx', ['tsx', 'src/cli/admin.ts']];
    const child = spawn(command, [...prefix, ...args], {
      cwd: via.npmRunFrom ?? ROOT,
      env: { ...process.env, BOT_TOKEN: '', BOT_USERNAME: '', BOT_API_ROOT: '', LANG: 'C.UTF-8', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('operator command line against FerretDB', () => {
  const time = testClock();
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let settings: ReturnType<typeof createSettingsRepository>;
  let tmp: string;

  beforeAll(async () => {
    db = await openTestDb(time.clock);
    settings = createSettingsRepository(db.conn);
    tmp = await mkdtemp(join(tmpdir(), 'admin-cli-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(tmp, { recursive: true, force: true });
  });

  async function admin(argv: string[], extra: Partial<AdminDeps> = {}) {
    const lines: string[] = [];
    const code = await runAdmin(argv, {
      services: db.services,
      settings,
      out: (line) => lines.push(line),
      lang: 'ru',
      botUsername: 'cmn_mentoring_bot',
      now: time.clock,
      ...extra,
    });
    return { code, text: lines.join('\n') };
  }

  async function csv(name: string, lines: string[]): Promise<string> {
    const path = join(tmp, name);
    await writeFile(path, lines.join('\n'), 'utf8');
    return path;
  }

  it('prints usage for help or no command, and usage with an error for an unknown command', async () => {
    for (const argv of [[], ['help'], ['--help']]) {
      const r = await admin(argv);
      expect(r.code).toBe(0);
      expect(r.text).toContain('Команды оператора');
    }
    const unknown = await admin(['import-org', 'x.csv']);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('Неизвестная команда «import-org».');
    expect(unknown.text).toContain('Команды оператора');
    const badOption = await admin(['list-orgs', '--org', 'x']);
    expect(badOption.code).toBe(2);
    expect(badOption.text).toBe('Команда list-orgs не принимает параметр «--org».');
    expect((await admin(['list-invites', 'extra'])).code).toBe(2);
  });

  it('says the directory is empty before anything is loaded', async () => {
    const r = await admin(['list-orgs']);
    expect(r).toEqual({ code: 0, text: expect.stringContaining('Организаций нет') });
  });

  it('imports the sample CSV, and the XLSX of the same directory then changes nothing and duplicates nothing', async () => {
    const first = await admin(['import-orgs', SAMPLE_CSV]);
    expect(first.code).toBe(0);
    expect(first.text).toContain('Организации: новых 19, обновлено 0, без изменений 0.');
    expect(first.text).toContain('Муниципалитеты: новых 5, обновлено 0, без изменений 0.');
    expect(first.text).toContain('Регионы: новых 4, без изменений 0.');
    expect(first.text).not.toContain('ошибками');

    for (const file of [SAMPLE_XLSX, SAMPLE_CSV]) {
      const again = await admin(['import-orgs', file]);
      expect(again.code).toBe(0);
      expect(again.text).toContain('Организации: новых 0, обновлено 0, без изменений 19.');
      expect(again.text).toContain('Муниципалитеты: новых 0, обновлено 0, без изменений 5.');
      expect(again.text).toContain('Регионы: новых 0, без изменений 4.');
    }

    const list = await admin(['list-orgs']);
    expect(list.code).toBe(0);
    const lines = list.text.split('\n');
    expect(lines).toHaveLength(20);
    expect(lines.at(-1)).toBe('Всего: 19');
    expect(new Set(lines).size).toBe(20);
    expect(lines.filter((l) => l.includes('«Средняя общеобразовательная школа № 3 г. Бодайбо»'))).toEqual([
      'Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 3 г. Бодайбо» (МКОУ «СОШ № 3 г. Бодайбо») — школа; г. Бодайбо и район, Иркутская область',
    ]);
    // The XLSX and the CSV quote a name with ASCII quotes the same way.
    expect(list.text).toContain('МБОУ "Кызыл-Озёкская СОШ"');
  });

  it('lists the organizations of one municipality or region, with the kind in words', async () => {
    const kirovsky = await admin(['list-orgs', '--municipality', 'Кировский муниципальный район']);
    expect(kirovsky.code).toBe(0);
    expect(kirovsky.text).toContain('Всего: 4');
    expect(kirovsky.text).toContain('(МБУ ДО «ДДТ» п. Кировский) — организация дополнительного образования; Кировский муниципальный район, Приморский край');
    const altai = await admin(['list-orgs', '--region=Республика Алтай']);
    expect(altai.text).toContain('Всего: 5');
    expect(altai.text).toContain('— колледж / техникум; г. Горно-Алтайск, Республика Алтай');
    const both = await admin(['list-orgs', '--municipality=Майминский район', '--region', 'Республика Алтай']);
    expect(both.text).toContain('Всего: 2');
    const unknown = await admin(['list-orgs', '--municipality', 'Тайшетский район']);
    expect(unknown).toEqual({ code: 1, text: 'Не найдено: муниципалитет «Тайшетский район».' });
  });

  it('reports each bad row with its number and reasons, and loads the good rows', async () => {
    const file = await csv('kirensk.csv', [
      HEADER,
      'Иркутская область;Киренский район;Asia/Irkutsk;Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Киренска»;МКОУ «СОШ № 1 г. Киренска»;школа',
      'Иркутская область;Киренский район;Asia/Irkustk;Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 3 г. Киренска»;МКОУ «СОШ № 3 г. Киренска»;школа',
      'Иркутская область;Киренский район;Asia/Irkutsk;Муниципальное казённое общеобразовательное учреждение «Школа-интернат г. Киренска»;МКОУ «Школа-интернат»;интернат',
      'Иркутская область;Киренский район;Asia/Irkutsk;;;детский сад',
      'Иркутская область;Киренский район;Asia/Yakutsk;Муниципальное казённое учреждение дополнительного образования «Дом детского творчества г. Киренска»;МКУ ДО «ДДТ г. Киренска»;дополнительное образование',
      'Иркутская область;Киренский район;Asia/Irkutsk;Муниципальное казённое дошкольное образовательное учреждение «Детский сад № 10 г. Киренска»;МКДОУ «Детский сад № 10»;детский сад',
    ]);
    const r = await admin(['import-orgs', file]);
    expect(r.code).toBe(0);
    expect(r.text).toContain('Организации: новых 2, обновлено 0, без изменений 0.');
    expect(r.text).toContain('Муниципалитеты: новых 1, обновлено 0, без изменений 0.');
    expect(r.text).toContain('Строки с ошибками (4) не загружены, остальные загружены:');
    const rowLines = r.text.split('\n').filter((l) => l.startsWith('  строка'));
    expect(rowLines).toEqual([
      '  строка 3: часовой пояс «Asia/Irkustk» не распознан — нужен пояс IANA, например Asia/Irkutsk',
      '  строка 4: тип организации «интернат» не распознан — допустимо: школа, детский сад, колледж, дополнительное образование, другое',
      '  строка 5: не заполнено поле «полное наименование»',
      '  строка 6: часовой пояс «Asia/Yakutsk» расходится с «Asia/Irkutsk» того же муниципалитета в строке 2',
    ]);
    const loaded = await admin(['list-orgs', '--municipality', 'Киренский район']);
    expect(loaded.text).toContain('Всего: 2');
    expect(loaded.text).toContain('МКДОУ «Детский сад № 10»');
    expect(loaded.text).not.toContain('Дом детского творчества');
  });

  it('tells a missing file, an unsupported type and an unreadable file apart, and exits 1', async () => {
    const missing = await admin(['import-orgs', join(tmp, 'nope.csv')]);
    expect(missing).toEqual({ code: 1, text: `Файл не найден: ${join(tmp, 'nope.csv')}` });
    await writeFile(join(tmp, 'orgs.pdf'), '%PDF-1.4');
    const pdf = await admin(['import-orgs', 'orgs.pdf'], { cwd: tmp });
    expect(pdf).toEqual({ code: 1, text: 'Поддерживаются файлы .csv и .xlsx, а не «.pdf».' });
    await writeFile(join(tmp, 'broken.xlsx'), 'not a zip');
    const broken = await admin(['import-orgs', 'broken.xlsx'], { cwd: tmp });
    expect(broken.code).toBe(1);
    expect(broken.text).toMatch(/^Не удалось прочитать файл broken\.xlsx: /);
    expect((await admin(['import-orgs'])).code).toBe(2);
  });

  it('reads a CSV that Russian Excel saved in Windows-1251', async () => {
    const csv1251 = [
      'Регион;Муниципалитет;Часовой пояс;Полное наименование;Краткое наименование;Тип',
      'Ярославская область;Тестовый район;Europe/Moscow;МБОУ «Средняя школа № 2 с. Ёлкино»;МБОУ СОШ № 2 Ёлкино;школа',
      '',
    ].join('\r\n');
    await writeFile(join(tmp, 'cp1251.csv'), encodeCp1251(csv1251));
    const loaded = await admin(['import-orgs', 'cp1251.csv'], { cwd: tmp });
    expect(loaded.code).toBe(0);
    const found = await db.services.territory.findOrganization('МБОУ СОШ № 2 Ёлкино');
    expect(found.status === 'found' && found.value.fullName).toBe('МБОУ «Средняя школа № 2 с. Ёлкино»');
  });

  it('invites a head by the short name: a working single-use link, expiry in the school’s time zone', async () => {
    const r = await admin(['invite', '--role', 'head', '--org', 'МКОУ "СОШ № 3 г. Бодайбо"']);
    expect(r.code).toBe(0);
    expect(r.text).toContain('Роль: руководитель образовательной организации');
    expect(r.text).toContain('Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 3 г. Бодайбо»\nг. Бодайбо и район, Иркутская область');
    // 2026-11-23 09:00 UTC + 14 days, read in Irkutsk (UTC+8).
    expect(r.text).toContain('Действует до: 07.12.2026, 17:00 (Asia/Irkutsk)');
    expect(r.text).toContain('Использований: один раз');
    const [link, bot, code] = LINK_RE.exec(r.text)!;
    expect(bot).toBe('cmn_mentoring_bot');
    expect(r.text).toContain(`Код: ${code}`);
    const check = await db.services.people.checkInvite(link);
    expect(check.status).toBe('ok');
    if (check.status !== 'ok') return;
    expect(check.invite).toMatchObject({ role: 'head', maxUses: 1 });
    expect(check.scope.organization?.shortName).toBe('МКОУ «СОШ № 3 г. Бодайбо»');
  });

  it('invites the mentoring curator of a school: single-use, for that school', async () => {
    const r = await admin(['invite', '--role', 'curator', '--org', 'МКОУ "СОШ № 3 г. Бодайбо"']);
    expect(r.code).toBe(0);
    expect(r.text).toContain('Роль: куратор наставничества образовательной организации');
    expect(r.text).toContain('Использований: один раз');
    const check = await db.services.people.checkInvite(LINK_RE.exec(r.text)![0]);
    expect(check).toMatchObject({ status: 'ok', invite: { role: 'curator', maxUses: 1, scope: { level: 'organization' } } });
    const refused = await admin(['invite', '--role', 'curator', '--municipality', 'Майминский район']);
    expect(refused.code).toBe(2);
    expect(refused.text).toContain('Для приглашения руководителя или куратора укажите --org');
  });

  it('invites coordinators of a municipality and of a region, with --days and --uses', async () => {
    const mun = await admin(['invite', '--role', 'coordinator', '--municipality', 'Артемовский городской округ', '--days=30', '--uses', '25']);
    expect(mun.code).toBe(0);
    expect(mun.text).toContain('Роль: муниципальный координатор');
    expect(mun.text).toContain('Артемовский городской округ, Свердловская область');
    expect(mun.text).toContain('Действует до: 23.12.2026, 14:00 (Asia/Yekaterinburg)');
    expect(mun.text).toContain('Использований: до 25');
    const munCheck = await db.services.people.checkInvite(LINK_RE.exec(mun.text)![0]);
    expect(munCheck).toMatchObject({ status: 'ok', invite: { role: 'coordinator', maxUses: 25, scope: { level: 'municipality' } } });

    const reg = await admin(['invite', '--role', 'coordinator', '--region', 'Республика Алтай']);
    expect(reg.code).toBe(0);
    expect(reg.text).toContain('Роль: региональный координатор');
    expect(reg.text).toContain('Использований: не ограничено');
    expect(reg.text).toContain('(Asia/Barnaul)');
    const regCheck = await db.services.people.checkInvite(LINK_RE.exec(reg.text)![2]!);
    expect(regCheck).toMatchObject({ status: 'ok', invite: { maxUses: 0 }, scope: { level: 'region', region: { name: 'Республика Алтай' } } });
  });

  it('refuses a malformed invite command line with exit 2', async () => {
    const cases: [string[], string][] = [
      [['invite', '--org', 'МБОУ «Гимназия № 3»'], 'Роль должна быть head'],
      [['invite', '--role', 'director', '--org', 'МБОУ «Гимназия № 3»'], 'Роль должна быть head'],
      [['invite', '--role', 'head', '--municipality', 'Майминский район'], 'укажите --org'],
      [['invite', '--role', 'coordinator'], 'укажите --municipality'],
      [['invite', '--role', 'coordinator', '--org', 'МБОУ «Гимназия № 3»'], 'укажите --municipality'],
      [['invite', '--role', 'head', '--org', 'МБОУ «Гимназия № 3»', '--days', '0'], '--days должно быть целым числом от 1 до 365'],
      [['invite', '--role', 'head', '--org', 'МБОУ «Гимназия № 3»', '--days', '-3'], '--days должно быть целым числом от 1 до 365'],
      [['invite', '--role', 'coordinator', '--region', 'Республика Алтай', '--uses', '1001'], '--uses должно быть целым числом от 1 до 1000'],
      [['invite', '--role', 'head', '--org', 'МБОУ «Гимназия № 3»', '--uses', '5'], 'всегда одноразовое'],
      [['invite', '--role', 'head', '--org'], 'Не указано: --org'],
    ];
    for (const [argv, message] of cases) {
      const r = await admin(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.text).toContain(message);
    }
    expect(await db.services.people.listInvites()).toHaveLength(4);
  });

  it('names the candidates when a name is ambiguous, narrows by territory, and says what was not found', async () => {
    // Numbered kindergartens and district names repeat across Russia.
    const file = await csv('leningrad.csv', [
      HEADER,
      'Ленинградская область;Кировский муниципальный район;Europe/Moscow;Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 18»;МБДОУ «Детский сад № 18»;детский сад',
    ]);
    expect((await admin(['import-orgs', file])).code).toBe(0);

    const org = await admin(['invite', '--role', 'head', '--org', 'МБДОУ «Детский сад № 18»']);
    expect(org.code).toBe(1);
    expect(org.text).toContain('Под «МБДОУ «Детский сад № 18»» подходят несколько записей, уточните:');
    expect(org.text).toContain('— Артемовский городской округ, Свердловская область');
    expect(org.text).toContain('— Кировский муниципальный район, Ленинградская область');
    const narrowed = await admin(['invite', '--role', 'head', '--org', 'МБДОУ «Детский сад № 18»', '--municipality', 'Артемовский городской округ']);
    expect(narrowed.code).toBe(0);
    expect(narrowed.text).toContain('Артемовский городской округ, Свердловская область');

    const mun = await admin(['invite', '--role', 'coordinator', '--municipality', 'Кировский муниципальный район']);
    expect(mun.code).toBe(1);
    expect(mun.text).toContain('  - Кировский муниципальный район, Приморский край');
    expect(mun.text).toContain('  - Кировский муниципальный район, Ленинградская область');
    const primorye = await admin(['invite', '--role', 'coordinator', '--municipality', 'Кировский муниципальный район', '--region', 'Приморский край']);
    expect(primorye.code).toBe(0);
    expect(primorye.text).toContain('Кировский муниципальный район, Приморский край');
    expect(primorye.text).toContain('(Asia/Vladivostok)');

    expect(await admin(['invite', '--role', 'coordinator', '--region', 'Тверская область'])).toEqual({
      code: 1,
      text: 'Не найдено: регион «Тверская область».',
    });
    expect(await admin(['invite', '--role', 'head', '--org', 'МБОУ «СОШ № 99»'])).toEqual({
      code: 1,
      text: 'Не найдено: организация «МБОУ «СОШ № 99»».',
    });
  });

  it('takes the bot username from BOT_USERNAME, else the stored setting, else getMe, else says how to get a link', async () => {
    const server: Server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/bot123:good/getMe') res.end(JSON.stringify({ ok: true, result: { id: 1, is_bot: true, username: 'cmn_from_getme_bot' } }));
      else res.writeHead(401).end(JSON.stringify({ ok: false, description: 'Unauthorized' }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await fetchBotUsername('123:good', `${root}/`)).toBe('cmn_from_getme_bot');
      expect(await fetchBotUsername('123:bad', root)).toBeNull();
      expect(await fetchBotUsername('123:good', 'http://127.0.0.1:1', 500)).toBeNull();

      const argv = ['invite', '--role', 'coordinator', '--region', 'Иркутская область'];
      const none = await admin(argv, { botUsername: undefined, fetchBotUsername: () => fetchBotUsername('123:bad', root) });
      expect(none.code).toBe(0);
      expect(none.text).toMatch(/Ссылка: \(имя бота неизвестно: .*https:\/\/t\.me\/<бот>\?start=[a-z0-9]{12}\)/);
      const code = /Код: ([a-z0-9]+)/.exec(none.text)![1]!;
      expect(none.text).toContain(`start=${code})`);

      const viaGetMe = await admin(argv, { botUsername: undefined, fetchBotUsername: () => fetchBotUsername('123:good', root) });
      expect(LINK_RE.exec(viaGetMe.text)![1]).toBe('cmn_from_getme_bot');

      await settings.set(BOT_USERNAME_SETTING, 'cmn_stored_bot');
      const stored = await admin(argv, { botUsername: undefined, fetchBotUsername: () => fetchBotUsername('123:good', root) });
      expect(LINK_RE.exec(stored.text)![1]).toBe('cmn_stored_bot');
      const fromEnv = await admin(argv, { botUsername: 'cmn_env_bot' });
      expect(LINK_RE.exec(fromEnv.text)![1]).toBe('cmn_env_bot');
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('lists invites, revokes one, and the revoked code no longer works', async () => {
    const created = await admin(['invite', '--role', 'head', '--org', 'МБОУ «Гимназия № 3»']);
    const [link, , code] = LINK_RE.exec(created.text)!;

    const revoked = await admin(['revoke-invite', code!.toUpperCase()]);
    expect(revoked).toEqual({ code: 0, text: `Приглашение ${code} отозвано.` });
    expect(await db.services.people.checkInvite(link)).toEqual({ status: 'revoked' });
    expect(await admin(['revoke-invite', link])).toEqual({ code: 0, text: `Приглашение ${code} уже было отозвано.` });
    expect(await admin(['revoke-invite', 'aaaaaaaaaaaa'])).toEqual({ code: 1, text: 'Приглашение aaaaaaaaaaaa не найдено.' });
    expect((await admin(['revoke-invite'])).code).toBe(2);

    const list = await admin(['list-invites']);
    expect(list.code).toBe(0);
    const lines = list.text.split('\n');
    expect(lines.length).toBe((await db.services.people.listInvites()).length);
    expect(lines.find((l) => l.startsWith(code!))).toBe(
      `${code}  руководитель образовательной организации  МБОУ «Гимназия № 3» (г. Горно-Алтайск, Республика Алтай)  до 07.12.2026, 16:00  использовано 0/1  [отозвано]`,
    );
    expect(lines.filter((l) => l.includes('[истекло]'))).toEqual([]);
    const later = await admin(['list-invites'], { now: () => new Date('2027-06-01T00:00:00Z') });
    const expired = later.text.split('\n').filter((l) => l.endsWith('[истекло]'));
    expect(expired).toHaveLength(lines.length - 1);
    expect(later.text).toContain('муниципальный координатор  Артемовский городской округ, Свердловская область  до 23.12.2026, 14:00  использовано 0/25  [истекло]');
  });

  it('makes a Telegram user an operator, and refuses an id that is not a positive whole number', async () => {
    expect(await admin(['make-admin', '777000123'])).toEqual({ code: 0, text: 'Пользователь 777000123 теперь оператор бота.' });
    expect(await db.services.people.getUser(777000123)).toMatchObject({ isAdmin: true });
    for (const bad of ['abc', '0', '-5', '1.5', '@someone', '99999999999999999999']) {
      const r = await admin(['make-admin', bad]);
      expect({ bad, code: r.code }).toEqual({ bad, code: 2 });
      expect(r.text).toContain('TELEGRAM_ID должен быть числом');
    }
    expect((await admin(['make-admin'])).code).toBe(2);
  });

  it('speaks English with --lang en anywhere on the line, or when the environment says English', async () => {
    const file = await csv('bad-en.csv', [
      HEADER,
      'Иркутская область;Киренский район;Asia/Irkustk;Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 5 г. Киренска»;МКОУ «СОШ № 5 г. Киренска»;школа',
      'Иркутская область;Киренский район;Asia/Irkutsk;;;детский сад',
    ]);
    const imported = await admin(['--lang', 'en', 'import-orgs', file]);
    expect(imported.code).toBe(0);
    expect(imported.text).toContain('Import finished.\nOrganizations: 0 new, 0 updated, 0 unchanged.');
    expect(imported.text).toContain('Rows with errors (2) were not loaded; the rest were:');
    expect(imported.text).toContain('  row 2: time zone "Asia/Irkustk" is not recognized: use an IANA zone such as Asia/Irkutsk');
    expect(imported.text).toContain('  row 3: the field "full name" is empty');

    const list = await admin(['list-orgs', '--municipality', 'Кировский муниципальный район', '--region', 'Приморский край', '--lang=en']);
    expect(list.text).toContain('— additional education; Кировский муниципальный район, Приморский край');
    expect(list.text).toContain('Total: 4');

    const invite = await admin(['invite', '--role', 'head', '--org', 'МКОУ «СОШ № 1 г. Бодайбо»'], { lang: 'en' });
    expect(invite.text).toContain('Invite created.\nRole: head of an educational organization');
    expect(invite.text).toContain('Valid until: 07/12/2026, 17:00 (Asia/Irkutsk)');
    expect(invite.text).toContain('Uses: once');

    expect(await admin(['revoke-invite', 'bbbbbbbbbbbb', '--lang', 'en'])).toEqual({ code: 1, text: 'Invite bbbbbbbbbbbb not found.' });
    const unknown = await admin(['frobnicate', '--lang', 'en']);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('Unknown command "frobnicate".');
    expect(unknown.text).toContain('Operator commands');
    expect(await admin(['list-orgs', '--lang', 'de'])).toEqual({ code: 2, text: 'Язык вывода задаётся так: --lang ru или --lang en.' });
  });

  it('runs as a real process: npx tsx src/cli/admin.ts list-orgs on the test database', async () => {
    const uri = `${MONGODB_TEST_URI.replace(/\/$/, '')}/${db.conn.name}`;
    const listed = await runEntry(['list-orgs', '--region', 'Приморский край'], { MONGODB_URI: uri });
    expect(listed.stderr).not.toMatch(/error/i);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('МБОУ «Крыловская СОШ»');
    expect(listed.stdout).toContain('Всего: 4');

    // npm run starts the script in the package directory; a relative FILE is still read from where the operator was.
    const imported = await runEntry(['import-orgs', 'organizations.csv', '--lang', 'en'], { MONGODB_URI: uri }, { npmRunFrom: SAMPLES });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Organizations: 0 new, 0 updated, 19 unchanged.');
  });

  it('as a real process, a bad MONGODB_URI prints the configuration error and exits 1', async () => {
    const r = await runEntry(['list-orgs'], { MONGODB_URI: 'nope' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Configuration error:');
    expect(r.stderr).toContain('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
    expect(r.stdout).toBe('');
  });

  it('as a real process, an unreachable database is named without its password and exits 1', async () => {
    const r = await runEntry(['list-orgs'], { MONGODB_URI: 'mongodb://operator:s3cret@127.0.0.1:9/cmn' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Нет связи с базой данных (mongodb://operator:***@127.0.0.1:9/cmn)');
    expect(r.stderr).not.toContain('s3cret');
  });
});

/** Windows-1251 bytes for Russian text (Cyrillic, «», №), as Excel on Russian Windows writes them. */
function encodeCp1251(text: string): Buffer {
  const special: Record<string, number> = { Ё: 0xa8, ё: 0xb8, '«': 0xab, '»': 0xbb, '№': 0xb9 };
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      if (special[ch] !== undefined) return special[ch]!;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      throw new Error(`no cp1251 byte for ${ch}`);
    }),
  );
}
