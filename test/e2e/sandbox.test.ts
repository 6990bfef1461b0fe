import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { ensureBuilt, ROOT } from '../helpers/build';
import { MONGODB_TEST_URI, REDIS_TEST_URL } from '../helpers/services';

const ru = JSON.parse(readFileSync(join(ROOT, 'locales', 'ru.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(ROOT, 'locales', 'en.json'), 'utf8'));

/** Runs `npm run sandbox`'s script with piped input, as an operator's session typed ahead, and returns what it printed. */
function runSandbox(input: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['scripts/sandbox.sh'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the sandbox did not finish within ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input.map((line) => `${line}\n`).join(''));
  });
}

describe('npm run sandbox with piped input', () => {
  const dbUri = `${MONGODB_TEST_URI.replace(/\/$/, '')}/e2e_sandbox_${randomBytes(5).toString('hex')}`;
  const userBase = randomInt(200_000_000_000, 300_000_000_000);
  const botLog = join(tmpdir(), `sandbox-bot-${randomBytes(4).toString('hex')}.log`);
  let result: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    await ensureBuilt();
    result = await runSandbox(
      [
        ':start head',
        'Иванова Мария Петровна',
        'директор',
        '1',
        ':user 2 en',
        '/start',
        ':quit',
      ],
      {
        SANDBOX_BUILD: '0',
        MONGODB_URI: dbUri,
        REDIS_URL: REDIS_TEST_URL,
        SANDBOX_USER_ID_BASE: String(userBase),
        SANDBOX_BOT_LOG: botLog,
      },
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    const conn = mongoose.createConnection(dbUri, { serverSelectionTimeoutMS: 5000 });
    await conn.asPromise();
    await conn.dropDatabase();
    await conn.close();
    const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    await redis.del(...[1, 2].flatMap((n) => [`session:${userBase + n}`, `conversation:${userBase + n}`]));
    redis.disconnect();
    rmSync(botLog, { force: true });
  });

  const transcript = () => `${result.stdout}\n--- stderr ---\n${result.stderr}`;

  it('when it starts, then it explains in Russian and English what to type first and lists the invites', () => {
    expect(result.stdout).toContain('С чего начать / Start with:');
    expect(result.stdout).toContain(':start head');
    expect(result.stdout).toMatch(/код \/ code: [a-z2-9]{12} {3}ссылка \/ link: https:\/\/t\.me\/cmn_sandbox_bot\?start=[a-z2-9]{12}/);
  });

  it('when the operator opens the head invite, then the onboarding greeting and the consent buttons appear as numbered choices', () => {
    const out = result.stdout;
    const greeting = out.indexOf('Здравствуйте! Приглашение для роли: руководитель образовательной организации.');
    const askName = out.indexOf(ru.onboarding.ask_name.split('\n')[0]);
    const consent = out.indexOf('ФИО: Иванова Мария Петровна');
    expect(greeting).toBeGreaterThan(-1);
    expect(askName).toBeGreaterThan(greeting);
    expect(consent).toBeGreaterThan(askName);
    const buttons = out.slice(consent);
    expect(buttons).toContain(`   [1] ${ru.onboarding.buttons.agree}`);
    expect(buttons).toContain(`   [2] ${ru.onboarding.buttons.decline}`);
    expect(buttons).toContain(`   [3] ${ru.onboarding.buttons.edit}`);
  });

  it('when the operator types 1, then button 1 is pressed and the registration completes', () => {
    const pressed = result.stdout.indexOf(`[1] ${ru.onboarding.buttons.agree})`);
    const done = result.stdout.indexOf('Готово! Вы зарегистрированы.');
    expect(pressed).toBeGreaterThan(-1);
    expect(done).toBeGreaterThan(pressed);
  });

  it('when the operator becomes another user with an English app, then the bot answers that user in English', () => {
    const switched = result.stdout.indexOf('user 2');
    const answer = result.stdout.indexOf(en.start.no_code.split('\n')[0]);
    expect(switched).toBeGreaterThan(-1);
    expect(answer).toBeGreaterThan(switched);
  });

  it('when the operator quits, then the bot is stopped with SIGTERM and exits 0, and its log stayed out of the chat', () => {
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('exit code 0');
    expect(result.stdout).not.toMatch(/"level":\d+/);
    expect(result.stdout).not.toMatch(/бот не ответил|❗/);
    expect(existsSync(botLog)).toBe(true);
    const log = readFileSync(botLog, 'utf8');
    expect(log).toContain('polling started');
    expect(log).toContain('"signal":"SIGTERM"');
    expect(transcript()).not.toContain('Песочница упала');
  });
});
