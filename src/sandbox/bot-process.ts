import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root (this file is in src/sandbox or dist/sandbox). */
export const REPO_ROOT = join(__dirname, '..', '..');

export interface BotProcessOptions {
  /** Where the bot finds the Bot API (the emulator's url). */
  apiRoot: string;
  token: string;
  mongoUri: string;
  redisUrl: string;
  /** The /healthz port. */
  port: number;
  logLevel?: string;
  /** Write the bot's stdout and stderr to this file (truncated first) instead of keeping them in memory. */
  logFile?: string;
  /** Webhook mode instead of polling: Telegram (here the test) then POSTs updates to the bot's HTTP port. */
  webhook?: { url: string; secret: string };
  /** How to start it; by default as production does: `node dist/main.js`. */
  command?: string[];
  cwd?: string;
}

export interface BotProcess {
  child: ChildProcess;
  /** The bot's output so far, when no logFile was given. */
  output(): string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
  /** Waits until /healthz answers 200; fails early if the process exits. */
  waitHealthy(timeoutMs?: number): Promise<Record<string, string>>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts the real bot as a child process with the environment production gives it, except that the Bot API is
 * the emulator's. Webhook settings of the caller's environment are dropped: the bot polls unless `webhook` is given.
 */
export function startBotProcess(options: BotProcessOptions): BotProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BOT_TOKEN: options.token,
    BOT_API_ROOT: options.apiRoot,
    MONGODB_URI: options.mongoUri,
    REDIS_URL: options.redisUrl,
    BOT_MODE: 'polling',
    PORT: String(options.port),
    LOG_LEVEL: options.logLevel ?? 'info',
  };
  delete env.WEBHOOK_URL;
  delete env.WEBHOOK_SECRET;
  if (options.webhook) {
    env.BOT_MODE = 'webhook';
    env.WEBHOOK_URL = options.webhook.url;
    env.WEBHOOK_SECRET = options.webhook.secret;
  }
  const [command, ...args] = options.command ?? [process.execPath, 'dist/main.js'];
  let logFd: number | undefined;
  if (options.logFile) logFd = openSync(options.logFile, 'w');
  const child = spawn(command!, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    // Its own process group: a Ctrl+C in the operator's terminal reaches the sandbox, which then stops the bot.
    detached: true,
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
  });
  if (logFd !== undefined) closeSync(logFd);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let running = true;
  // Never leave a bot behind when the sandbox or the test run ends without stopping it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      process.off('exit', killOnExit);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      running = false;
      process.off('exit', killOnExit);
      output += `\n${String(err)}`;
      resolve({ code: null, signal: null });
    });
  });

  return {
    child,
    output: () => output,
    exited,
    isRunning: () => running,

    async stop(graceMs = 10_000) {
      if (!running) return { ...(await exited), killed: false };
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve(true);
          }, graceMs);
        }),
      ]);
      clearTimeout(timer);
      return { ...(await exited), killed };
    },

    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (!running) {
          const { code, signal } = await exited;
          throw new Error(`the bot exited (code ${code}, signal ${signal}) before /healthz answered\n${output.slice(-4000)}`);
        }
        try {
          const res = await fetch(`http://127.0.0.1:${options.port}/healthz`, { signal: AbortSignal.timeout(3000) });
          const body = (await res.json()) as Record<string, string>;
          if (res.status === 200) return body;
          last = `${res.status} ${JSON.stringify(body)}`;
        } catch (err) {
          last = String(err);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`/healthz did not answer 200 within ${timeoutMs} ms (last: ${last})\n${output.slice(-4000)}`);
    },
  };
}
