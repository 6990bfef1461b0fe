import { ConfigError, parseConfig } from '../../src/config';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc';

describe('configuration from the environment', () => {
  it('fills defaults for a polling bot with only a token', () => {
    expect(parseConfig({ BOT_TOKEN: TOKEN })).toMatchObject({
      BOT_TOKEN: TOKEN,
      BOT_MODE: 'polling',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/cmn',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 8080,
      LOG_LEVEL: 'info',
      INVITE_TTL_DAYS: 14,
    });
  });

  it('takes a self-hosted Bot API root', () => {
    expect(parseConfig({ BOT_TOKEN: TOKEN, BOT_API_ROOT: 'http://127.0.0.1:8081' }).BOT_API_ROOT).toBe('http://127.0.0.1:8081');
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      parseConfig({ BOT_MODE: 'webhook', PORT: 'eighty', MONGODB_URI: 'localhost', LOG_LEVEL: 'loud', BOT_API_ROOT: 'ftp://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['BOT_TOKEN is required', 'PORT', 'MONGODB_URI', 'LOG_LEVEL', 'BOT_API_ROOT', 'WEBHOOK_URL is required', 'WEBHOOK_SECRET is required']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain(TOKEN);
  });

  it('accepts a complete webhook setup and rejects a plain-http webhook URL', () => {
    const env = { BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://bot.example.org/tg', WEBHOOK_SECRET: 'a-secret-of-20-chars' };
    expect(parseConfig(env).BOT_MODE).toBe('webhook');
    expect(() => parseConfig({ ...env, WEBHOOK_URL: 'http://bot.example.org/tg' })).toThrow('WEBHOOK_URL must be an https:// URL');
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ BOT_TOKEN: TOKEN, PORT: '', BOT_API_ROOT: '' })).toMatchObject({ PORT: 8080, BOT_API_ROOT: undefined });
  });
});
