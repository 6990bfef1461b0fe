/*
 * Reads roadmap deadline phrases from stdin, one per line, and prints how each one is read as one JSON object per
 * line: {input, kind, due, start, every, times, parts}. Blank lines are skipped.
 *
 *   npm run deadline -- --period 2021-01-01..2024-12-31 --ref 2021-05-28 < phrases.txt
 *
 * --period (the roadmap's period) is required; --ref (the reference date) defaults to today, local time.
 * Bad or missing arguments: a message on stderr and exit code 2.
 */
import { DeadlineContext, isIsoDate, parseDeadline, parsePeriodArg, toView } from '../src/domain/roadmap/deadline';

const USAGE = 'usage: npm run deadline -- --period YYYY-MM-DD..YYYY-MM-DD [--ref YYYY-MM-DD] < phrases.txt';

class UsageError extends Error {}

function today(): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** `--name value` or `--name=value` for --period and --ref. */
function readOptions(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift() ?? '';
    const m = /^--(period|ref)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`Неизвестный аргумент: ${arg} (unknown argument)`);
    const value = m[2] ?? args.shift();
    if (value === undefined) throw new UsageError(`Нет значения для --${m[1]} (--${m[1]} needs a value)`);
    options.set(m[1] ?? '', value);
  }
  return options;
}

function readContext(argv: readonly string[]): DeadlineContext {
  const options = readOptions(argv);
  const periodText = options.get('period');
  if (periodText === undefined) throw new UsageError('Не указан --period (--period is required)');
  const period = parsePeriodArg(periodText);
  if (!period) {
    throw new UsageError(`Неверный --period: ${periodText}, нужно ГГГГ-ММ-ДД..ГГГГ-ММ-ДД (bad --period, expected YYYY-MM-DD..YYYY-MM-DD)`);
  }
  const ref = options.get('ref') ?? today();
  if (!isIsoDate(ref)) throw new UsageError(`Неверная дата --ref: ${ref}, нужно ГГГГ-ММ-ДД (bad --ref, expected YYYY-MM-DD)`);
  return { period, ref };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  let context: DeadlineContext;
  try {
    context = readContext(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  for (const line of (await readStdin()).split(/\r?\n/)) {
    if (line.trim() !== '') process.stdout.write(`${JSON.stringify(toView(parseDeadline(line, context)))}\n`);
  }
}

void main();
