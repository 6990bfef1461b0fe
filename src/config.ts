import { z } from 'zod';

/**
 * Configuration is read from the environment in one place, so that a wrong deployment fails at start with a
 * message naming every bad variable instead of failing later in the middle of a user's dialogue.
 */
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const mongoUri = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/cmn'),
);

const redisUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
);

const botToken = z
  .string({ error: 'is required (the token @BotFather gave you)' })
  .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'does not look like a bot token (digits, a colon, then at least 20 characters)');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const baseSchema = z.object({
  MONGODB_URI: mongoUri,
  LOG_LEVEL: z.preprocess(emptyToUndefined, logLevel.default('info')),
  INVITE_TTL_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(365).default(14)),
  REGISTER_NAMES: z.preprocess(emptyToUndefined, z.enum(['full', 'initials', 'codes']).default('full')),
});

const botSchema = baseSchema
  .extend({
    BOT_TOKEN: botToken,
    BOT_API_ROOT: z.preprocess(emptyToUndefined, httpUrl.optional()),
    REDIS_URL: redisUrl,
    BOT_MODE: z.preprocess(emptyToUndefined, z.enum(['polling', 'webhook']).default('polling')),
    WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional()),
    WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
        .optional(),
    ),
    PORT: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65535).default(8080)),
  });

/** Rules across variables, checked on the raw environment so they are reported together with the rest. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.BOT_MODE?.trim() === 'webhook') {
    if (!env.WEBHOOK_URL?.trim()) problems.push('WEBHOOK_URL is required when BOT_MODE=webhook');
    if (!env.WEBHOOK_SECRET?.trim()) problems.push('WEBHOOK_SECRET is required when BOT_MODE=webhook');
  }
  return problems;
}

const adminSchema = baseSchema.extend({
  BOT_TOKEN: z.preprocess(emptyToUndefined, botToken.optional()),
  BOT_API_ROOT: z.preprocess(emptyToUndefined, httpUrl.optional()),
  BOT_USERNAME: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^@?[A-Za-z][A-Za-z0-9_]{3,31}$/, 'must be a Telegram bot username')
      .transform((s) => s.replace(/^@/, ''))
      .optional(),
  ),
});

export type Config = z.infer<typeof botSchema>;
export type AdminConfig = z.infer<typeof adminSchema>;

/** Thrown with every bad variable listed, so the operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration error:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseWith<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>, extra: string[] = []): T {
  const result = schema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const missing = issue.code === 'invalid_type' && !env[name]?.trim();
        return `${name} ${missing ? 'is required' : issue.message}`;
      });
  problems.push(...extra);
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** Parses the bot process's environment; throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return parseWith(botSchema, env, crossChecks(env));
}

/** The operator's command line needs only the database; the token is optional (used to learn the bot's username). */
export function parseAdminConfig(env: Record<string, string | undefined>): AdminConfig {
  return parseWith(adminSchema, env);
}
