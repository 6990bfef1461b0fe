import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One logger for the process. Tokens and personal data must never reach the log: paths that could carry them are
 * redacted here as a safety net, and call sites log ids, not names.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'token',
          '*.token',
          'config.BOT_TOKEN',
          'BOT_TOKEN',
          'err.config',
          'err.method',
          'err.payload',
          'fullName',
          '*.fullName',
          'position',
          '*.position',
          'text',
          '*.text',
        ],
        censor: '[redacted]',
      },
      serializers: { err: errorSerializer },
    },
    destination,
  );
}

const TOKEN_IN_URL = /bot\d+:[A-Za-z0-9_-]+/g;

/** grammY puts the request URL (with the token) into some error messages; strip it before logging. */
function errorSerializer(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack']) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = value.replace(TOKEN_IN_URL, 'bot[redacted]');
  }
  delete serialized.payload;
  return serialized;
}

/** A logger that writes nothing, for tests and scripts that do not care. */
export const silentLogger: Logger = pino({ level: 'silent' });
