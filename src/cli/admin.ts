/*
 * The operator's command line: npm run admin -- <command>. Only wiring lives here (arguments, configuration,
 * the database); the commands are in ./commands, where tests run them. Exit codes: 0 done, 1 could not be done
 * (configuration, database, file, name), 2 the command line is wrong.
 */
import { Api } from 'grammy';
import mongoose from 'mongoose';
import { translator } from '../bot/i18n';
import { createNudgeDelivery } from '../bot/nudges';
import { ConfigError, parseAdminConfig } from '../config';
import { createServices } from '../domain/services';
import { createLogger } from '../logger';
import { systemClock } from '../domain/shared/clock';
import { createSettingsRepository } from '../domain/shared/settings.repository';
import { commandLanguage, EXIT_FAILED, fetchBotUsername, languageFromEnv, runAdmin, runWithoutDatabase } from './commands';
import { connectOptions } from '../domain/shared/connection';

const DB_TIMEOUT_MS = 3000;

/** The URI as it may be printed: a password in it is hidden. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/[^:@/]+):[^@/]*@/i, '$1:***@');
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = (line: string) => console.log(line);
  const envLanguage = languageFromEnv(env);
  const early = runWithoutDatabase(argv, out, envLanguage);
  if (early !== null) return early;
  const lang = commandLanguage(argv, envLanguage);
  const t = translator(lang);

  let config;
  try {
    config = parseAdminConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return EXIT_FAILED;
    }
    throw err;
  }

  const conn = mongoose.createConnection();
  try {
    await conn.openUri(config.MONGODB_URI, connectOptions({ serverSelectionTimeoutMS: DB_TIMEOUT_MS }));
  } catch {
    console.error(t('cli.db_unreachable', { uri: redactUri(config.MONGODB_URI) }));
    await conn.close().catch(() => undefined);
    return EXIT_FAILED;
  }
  try {
    const { services, ensureIndexes } = createServices(conn, { clock: systemClock, inviteTtlDays: config.INVITE_TTL_DAYS, nameMode: config.REGISTER_NAMES });
    await ensureIndexes();
    const token = config.BOT_TOKEN;
    return await runAdmin(argv, {
      services,
      settings: createSettingsRepository(conn),
      out,
      lang,
      botUsername: config.BOT_USERNAME,
      fetchBotUsername: token ? () => fetchBotUsername(token, config.BOT_API_ROOT) : undefined,
      reminders: () => ({
        sent: services.reminders.sent,
        deliver: token
          ? createNudgeDelivery(new Api(token, config.BOT_API_ROOT ? { apiRoot: config.BOT_API_ROOT.replace(/\/$/, '') } : undefined), createLogger('warn'))
          : null,
      }),
      // npm run starts scripts in the package's directory; a relative FILE is meant from where the operator is.
      cwd: env.INIT_CWD || process.cwd(),
    });
  } catch (err) {
    console.error(t('cli.failed', { message: err instanceof Error ? err.message : String(err) }));
    return EXIT_FAILED;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(EXIT_FAILED);
    },
  );
}
