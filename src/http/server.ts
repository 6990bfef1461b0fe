import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger';

export type HealthCheck = () => Promise<boolean>;

export interface HttpOptions {
  logger: Logger;
  checks: Record<string, HealthCheck>;
  /** POST handler for Telegram's webhook, mounted at `webhookPath` (webhook mode only). */
  webhook?: { path: string; handler: (req: IncomingMessage, res: ServerResponse) => unknown };
}

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: HealthCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz reports whether MongoDB and Redis answer (200 when all do, 503 otherwise), for the orchestrator's probe;
 * in webhook mode the same server takes Telegram's updates.
 */
export function createHttpServer(options: HttpOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      void (async () => {
        const names = Object.keys(options.checks);
        const results = await Promise.all(names.map((n) => runCheck(options.checks[n]!)));
        const body: Record<string, string> = {};
        names.forEach((n, i) => (body[n] = results[i] ? 'up' : 'down'));
        const ok = results.every(Boolean);
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', ...body }));
      })();
      return;
    }
    if (options.webhook && req.method === 'POST' && path === options.webhook.path) {
      Promise.resolve(options.webhook.handler(req, res)).catch((err: unknown) => {
        options.logger.error({ err }, 'webhook handler failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
}
