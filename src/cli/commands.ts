import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { formatDateTime, roleLabel, scopeText } from '../bot/format';
import { itemLine, oneLine, showDate } from '../bot/roadmap-format';
import { translator, type TFunction } from '../bot/i18n';
import { normalizeInviteCode } from '../domain/people/invite-code';
import type { Invite, Language, Role } from '../domain/people/people.types';
import { todayIn } from '../domain/register/register-input';
import { parsePeriodArg } from '../domain/roadmap/deadline';
import { draftRoadmap } from '../domain/roadmap/roadmap-build';
import { MAX_ROADMAP_BYTES, readRoadmapDocument } from '../domain/roadmap/roadmap-file';
import { parseRoadmap, type ColumnKey } from '../domain/roadmap/roadmap-parse';
import { sweep, type SweepDeps } from '../domain/reminders/sweep';
import { buildTerritoryReport, reportFileName } from '../domain/report/territory-report';
import type { Services } from '../domain/services';
import { BOT_USERNAME_SETTING, type createSettingsRepository } from '../domain/shared/settings.repository';
import { readTable, UnsupportedFileError } from '../domain/territory/territory-file';
import type { ImportProblem, Table } from '../domain/territory/territory-import';
import type { Lookup } from '../domain/territory/territory.service';
import type { Municipality, Organization, Region, Scope, ScopeView } from '../domain/territory/territory.types';

/**
 * The operator's command line, without process, environment or database wiring (that is src/cli/admin.ts), so
 * that tests run every command against a real database and read exactly what the operator would read.
 */

export const EXIT_OK = 0;
/** The command line was fine but the work could not be done: no such file, name or invite. */
export const EXIT_FAILED = 1;
/** The command line itself is wrong: unknown command or option, a missing or malformed argument. */
export const EXIT_USAGE = 2;

export type SettingsReader = Pick<ReturnType<typeof createSettingsRepository>, 'get'>;

export interface AdminDeps {
  services: Services;
  settings: SettingsReader;
  out: (line: string) => void;
  /** The language when the command line has no --lang (admin.ts derives it from LANG). */
  lang: Language;
  /** BOT_USERNAME from the environment; wins over what the running bot stored and over getMe. */
  botUsername?: string;
  /** Last resort for the username: getMe with BOT_TOKEN; resolves to null on any failure. */
  fetchBotUsername?: () => Promise<string | null>;
  /** Where relative file paths start (npm run changes the directory; admin.ts passes INIT_CWD). */
  cwd?: string;
  /** For marking expired invites; the system clock unless a test sets it. */
  now?: () => Date;
  /** What `remind` works with: the sent-log, and the bot's delivery (null without BOT_TOKEN: only --dry-run). */
  reminders?: () => { sent: SweepDeps['sent']; deliver: SweepDeps['deliver'] | null };
}

interface CommandSpec {
  options: readonly string[];
  /** How many positional arguments the command takes. */
  positionals: number;
  run: (ctx: Ctx, args: ParsedArgs) => Promise<number>;
}

interface ParsedArgs {
  command?: string;
  options: Record<string, string>;
  positionals: string[];
  lang?: Language;
  help: boolean;
}

interface Ctx extends AdminDeps {
  t: TFunction;
  language: Language;
}

/** A message for the operator and the exit code it ends with. */
class CliError extends Error {
  constructor(
    readonly exitCode: number,
    readonly lines: string[],
  ) {
    super(lines.join('\n'));
    this.name = 'CliError';
  }
}

const usageError = (...lines: string[]) => new CliError(EXIT_USAGE, lines);
const failure = (...lines: string[]) => new CliError(EXIT_FAILED, lines);

export function languageFromEnv(env: Record<string, string | undefined>): Language {
  return env.LANG?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

/**
 * `--key value` and `--key=value` anywhere on the line; everything else is positional, the first being the
 * command. Every option takes a value, so a value that starts with a dash (`--days -1`) is taken as the value
 * and then reported as a bad number rather than as an unknown option.
 */
function parseCommandLine(argv: readonly string[]): ParsedArgs & { problem?: { key: string; vars?: Record<string, string> } } {
  const options: Record<string, string> = {};
  const positionals: string[] = [];
  let help = false;
  let lang: Language | undefined;
  let problem: { key: string; vars?: Record<string, string> } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (FLAGS.has(name) && eq === -1) {
      options[name] = 'true';
      continue;
    }
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[i + 1];
      if (value !== undefined) i++;
    }
    if (value === undefined || value.trim() === '') {
      problem ??= { key: 'cli.missing_arg', vars: { what: `--${name}` } };
      continue;
    }
    if (name === 'lang') {
      const code = value.trim().toLowerCase();
      if (code === 'ru' || code === 'en') lang = code;
      else problem ??= { key: 'cli.bad_lang' };
      continue;
    }
    options[name] = value;
  }
  return { command: positionals.shift(), options, positionals, lang, help, problem };
}

/** Options that take no value. */
const FLAGS = new Set(['dry-run']);
const AT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$/;

/** The output language a command line asks for, falling back to the environment's. */
export function commandLanguage(argv: readonly string[], fallback: Language): Language {
  return parseCommandLine(argv).lang ?? fallback;
}

const COMMANDS: Record<string, CommandSpec> = {
  'import-orgs': { options: [], positionals: 1, run: importOrgs },
  'list-orgs': { options: ['municipality', 'region'], positionals: 0, run: listOrgs },
  invite: { options: ['role', 'org', 'municipality', 'region', 'days', 'uses'], positionals: 0, run: invite },
  'list-invites': { options: [], positionals: 0, run: listInvites },
  'revoke-invite': { options: [], positionals: 1, run: revokeInvite },
  'make-admin': { options: [], positionals: 1, run: makeAdmin },
  'import-roadmap': { options: ['municipality', 'region', 'dry-run', 'period', 'columns'], positionals: 1, run: importRoadmap },
  remind: { options: ['at', 'dry-run'], positionals: 0, run: remind },
  report: { options: ['municipality', 'region', 'out'], positionals: 0, run: report },
};

/**
 * Handles what needs no database: help, an unknown command, a malformed command line. Returns the exit code,
 * or null when the command is known and should run (admin.ts then connects and calls runAdmin).
 */
export function runWithoutDatabase(argv: readonly string[], out: (line: string) => void, fallback: Language): number | null {
  const parsed = parseCommandLine(argv);
  const t = translator(parsed.lang ?? fallback);
  if (parsed.problem) {
    out(t(parsed.problem.key, parsed.problem.vars));
    return EXIT_USAGE;
  }
  if (parsed.help || parsed.command === undefined || parsed.command === 'help') {
    out(t('cli.usage'));
    return EXIT_OK;
  }
  const spec = COMMANDS[parsed.command];
  if (!spec) {
    out(t('cli.unknown_command', { command: parsed.command }));
    out('');
    out(t('cli.usage'));
    return EXIT_USAGE;
  }
  const unknownOption = Object.keys(parsed.options).find((o) => !spec.options.includes(o));
  if (unknownOption) {
    out(t('cli.unknown_option', { command: parsed.command, option: `--${unknownOption}` }));
    return EXIT_USAGE;
  }
  const extra = parsed.positionals[spec.positionals];
  if (extra !== undefined) {
    out(t('cli.extra_argument', { value: extra }));
    return EXIT_USAGE;
  }
  return null;
}

/** Runs one operator command and returns the process exit code; all output goes through deps.out. */
export async function runAdmin(argv: string[], deps: AdminDeps): Promise<number> {
  const early = runWithoutDatabase(argv, deps.out, deps.lang);
  if (early !== null) return early;
  const parsed = parseCommandLine(argv);
  const language = parsed.lang ?? deps.lang;
  const ctx: Ctx = { ...deps, t: translator(language), language };
  try {
    return await COMMANDS[parsed.command!]!.run(ctx, parsed);
  } catch (err) {
    if (err instanceof CliError) {
      for (const line of err.lines) deps.out(line);
      return err.exitCode;
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// import-orgs FILE

async function importOrgs(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const given = args.positionals[0];
  if (!given) throw usageError(t('cli.missing_arg', { what: t('cli.arg_file') }));
  const file = resolve(ctx.cwd ?? process.cwd(), given);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) throw failure(t('cli.file_missing', { file: given }));

  let table: Table;
  try {
    table = await readTable(file);
  } catch (err) {
    if (err instanceof UnsupportedFileError) throw failure(t('cli.file_type', { ext: extname(file) || basename(file) }));
    throw failure(t('cli.file_unreadable', { file: given, reason: err instanceof Error ? err.message : String(err) }));
  }
  // A CSV saved by Russian Excel in Windows-1251 reads as replacement characters: loading it would create
  // regions and schools with garbled names, so nothing is loaded and the operator is told how to save it.
  if (table.rows.some((r) => r.cells.some((c) => c.includes('\uFFFD')))) throw failure(t('cli.file_encoding', { file: given }));

  const report = await ctx.services.territory.importTable(table);
  const { organizations: o, municipalities: m, regions: r } = report;
  out(
    t('cli.import_done', {
      oc: o.created,
      ou: o.updated,
      on: o.unchanged,
      mc: m.created,
      mu: m.updated,
      mn: m.unchanged,
      rc: r.created,
      rn: r.unchanged + r.updated,
    }),
  );
  if (report.errors.length > 0) {
    out(t('cli.import_errors', { count: report.errors.length }));
    for (const e of report.errors) {
      out(t('cli.row_error', { row: e.row, problems: e.problems.map((p) => problemText(t, p)).join('; ') }));
    }
  }
  return EXIT_OK;
}

function problemText(t: TFunction, p: ImportProblem): string {
  switch (p.code) {
    case 'missing':
    case 'too_long':
      return t(`cli.problem.${p.code}`, { field: t(`cli.fields.${p.field}`) });
    case 'bad_timezone':
    case 'bad_kind':
      return t(`cli.problem.${p.code}`, { value: p.value });
    case 'timezone_conflict':
      return t('cli.problem.timezone_conflict', { value: p.value, otherValue: p.otherValue, otherRow: p.otherRow });
    case 'duplicate_row':
      return t('cli.problem.duplicate_row', { otherRow: p.otherRow });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names to records, telling "not found" from "more than one"

interface Directory {
  regions: Map<string, Region>;
  municipalities: Map<string, Municipality>;
}

async function loadDirectory(ctx: Ctx): Promise<Directory> {
  const [regions, municipalities] = await Promise.all([
    ctx.services.territory.listRegions(),
    ctx.services.territory.listMunicipalities(),
  ]);
  return { regions: new Map(regions.map((x) => [x.id, x])), municipalities: new Map(municipalities.map((x) => [x.id, x])) };
}

const candidatesOf = <T>(l: Lookup<T>): T[] => (l.status === 'found' ? [l.value] : l.status === 'ambiguous' ? l.candidates : []);

/** One record by name, narrowed by the other options given (a municipality's region, an organization's territory). */
function pick<T>(ctx: Ctx, what: 'org' | 'municipality' | 'region', name: string, candidates: T[], describe: (x: T) => string): T {
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw failure(ctx.t('cli.not_found', { what: ctx.t(`cli.what.${what}`), name }));
  const list = candidates.map((c) => `  - ${describe(c)}`).join('\n');
  throw failure(ctx.t('cli.ambiguous', { name, list }));
}

async function resolveRegion(ctx: Ctx, name: string): Promise<Region> {
  const found = candidatesOf(await ctx.services.territory.findRegion(name));
  return pick(ctx, 'region', name, found, (r) => r.name);
}

async function resolveMunicipality(ctx: Ctx, name: string, regionName: string | undefined, dir: Directory): Promise<Municipality> {
  let found = candidatesOf(await ctx.services.territory.findMunicipality(name));
  if (regionName !== undefined) {
    const region = await resolveRegion(ctx, regionName);
    found = found.filter((m) => m.regionId === region.id);
  }
  return pick(ctx, 'municipality', name, found, (m) => `${m.name}, ${dir.regions.get(m.regionId)?.name ?? '?'}`);
}

async function resolveOrganization(
  ctx: Ctx,
  name: string,
  within: { municipality?: string; region?: string },
  dir: Directory,
): Promise<Organization> {
  let found = candidatesOf(await ctx.services.territory.findOrganization(name));
  if (within.municipality !== undefined) {
    const municipality = await resolveMunicipality(ctx, within.municipality, within.region, dir);
    found = found.filter((o) => o.municipalityId === municipality.id);
  } else if (within.region !== undefined) {
    const region = await resolveRegion(ctx, within.region);
    found = found.filter((o) => o.regionId === region.id);
  }
  return pick(ctx, 'org', name, found, (o) => `${orgName(o)} — ${placeOf(o, dir)}`);
}

const orgName = (o: Organization) => (o.shortName && o.shortName !== o.fullName ? `${o.fullName} (${o.shortName})` : o.fullName);
const placeOf = (o: Organization, dir: Directory) =>
  `${dir.municipalities.get(o.municipalityId)?.name ?? '?'}, ${dir.regions.get(o.regionId)?.name ?? '?'}`;

// ---------------------------------------------------------------------------------------------------------------
// list-orgs [--municipality NAME] [--region NAME]

async function listOrgs(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const dir = await loadDirectory(ctx);
  const { municipality, region } = args.options;
  let filter: { municipalityId?: string; regionId?: string } = {};
  if (municipality !== undefined) filter = { municipalityId: (await resolveMunicipality(ctx, municipality, region, dir)).id };
  else if (region !== undefined) filter = { regionId: (await resolveRegion(ctx, region)).id };

  const orgs = await ctx.services.territory.listOrganizations(filter);
  if (orgs.length === 0 && municipality === undefined && region === undefined) {
    out(t('cli.orgs_empty'));
    return EXIT_OK;
  }
  const place = (o: Organization) => [dir.regions.get(o.regionId)?.name ?? '', dir.municipalities.get(o.municipalityId)?.name ?? ''];
  const sorted = [...orgs].sort((a, b) => {
    const [ra, ma] = place(a);
    const [rb, mb] = place(b);
    return ra!.localeCompare(rb!, 'ru') || ma!.localeCompare(mb!, 'ru') || a.fullName.localeCompare(b.fullName, 'ru');
  });
  for (const o of sorted) {
    out(
      t('cli.org_line', {
        name: o.fullName,
        short: o.shortName,
        kind: t(`kinds.${o.kind}`),
        municipality: dir.municipalities.get(o.municipalityId)?.name ?? '?',
        region: dir.regions.get(o.regionId)?.name ?? '?',
      }),
    );
  }
  out(t('cli.orgs_total', { count: orgs.length }));
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// invite --role head|curator --org NAME | --role coordinator --municipality NAME | --region NAME [--days N] [--uses N]

function wholeNumber(t: TFunction, option: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usageError(t('cli.bad_number', { what: option, min, max }));
  return n;
}

async function invite(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const { role: rawRole, org, municipality, region } = args.options;
  const role = rawRole?.trim().toLowerCase();
  if (role !== 'head' && role !== 'curator' && role !== 'coordinator') throw usageError(t('cli.bad_role'));
  const days = wholeNumber(t, '--days', args.options.days, 1, 365);
  const uses = wholeNumber(t, '--uses', args.options.uses, 1, 1000);

  let scope: Scope;
  if (role === 'head' || role === 'curator') {
    if (org === undefined) throw usageError(t('cli.head_needs_org'));
    if (uses !== undefined && uses !== 1) throw usageError(t('cli.head_single_use'));
    const dir = await loadDirectory(ctx);
    scope = { level: 'organization', id: (await resolveOrganization(ctx, org, { municipality, region }, dir)).id };
  } else {
    if (org !== undefined || (municipality === undefined && region === undefined)) throw usageError(t('cli.coordinator_needs_territory'));
    if (municipality !== undefined) {
      const dir = await loadDirectory(ctx);
      scope = { level: 'municipality', id: (await resolveMunicipality(ctx, municipality, region, dir)).id };
    } else {
      scope = { level: 'region', id: (await resolveRegion(ctx, region!)).id };
    }
  }

  const created = await ctx.services.people.createInvite({
    role: role as Role,
    scope,
    maxUses: role === 'coordinator' ? (uses ?? 0) : 1,
    ttlDays: days,
    createdBy: 'cli',
  });
  const view = await ctx.services.territory.describeScope(scope);
  const username = await botUsername(ctx);
  out(
    t('cli.invite_created', {
      role: roleLabel(t, created.role, scope.level),
      scope: scopeText(t, view),
      expires: expiresText(ctx, created, view),
      uses: usesText(t, created.maxUses),
      link: username ? inviteLink(username, created.code) : t('cli.no_link', { code: created.code }),
      code: created.code,
    }),
  );
  return EXIT_OK;
}

export function inviteLink(username: string, code: string): string {
  return `https://t.me/${username}?start=${code}`;
}

const USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

/** BOT_USERNAME, else what the running bot stored, else getMe; null when none of them knows. */
async function botUsername(ctx: Ctx): Promise<string | null> {
  const clean = (s: string | null | undefined) => {
    const name = s?.trim().replace(/^@/, '');
    return name && USERNAME_RE.test(name) ? name : null;
  };
  return (
    clean(ctx.botUsername) ??
    clean(await ctx.settings.get(BOT_USERNAME_SETTING)) ??
    clean(ctx.fetchBotUsername ? await ctx.fetchBotUsername().catch(() => null) : null)
  );
}

/** The expiry as the invited person's territory reads it, with the zone named since the operator may be elsewhere. */
function expiresText(ctx: Ctx, invite: Invite, view: ScopeView | null): string {
  const tz = view?.timezone ?? 'Europe/Moscow';
  return `${formatDateTime(invite.expiresAt, tz, ctx.language)} (${tz})`;
}

function usesText(t: TFunction, maxUses: number): string {
  if (maxUses === 1) return t('cli.uses_single');
  if (maxUses === 0) return t('cli.uses_many');
  return t('cli.uses_n', { count: maxUses });
}

/**
 * getMe through the Bot API (a self-hosted root when BOT_API_ROOT is set). Any failure (no network, a bad token,
 * a slow answer) gives null: the invite is already created, and the operator is told how to get a link.
 */
export async function fetchBotUsername(token: string, apiRoot = 'https://api.telegram.org', timeoutMs = 3000): Promise<string | null> {
  try {
    const res = await fetch(`${apiRoot.replace(/\/+$/, '')}/bot${token}/getMe`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const body = (await res.json()) as { ok?: boolean; result?: { username?: unknown } };
    return body.ok && typeof body.result?.username === 'string' ? body.result.username : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// list-invites, revoke-invite CODE

async function listInvites(ctx: Ctx): Promise<number> {
  const { t, out } = ctx;
  const invites = await ctx.services.people.listInvites();
  if (invites.length === 0) {
    out(t('cli.invites_empty'));
    return EXIT_OK;
  }
  const dir = await loadDirectory(ctx);
  const views = new Map<string, ScopeView | null>();
  const now = (ctx.now ?? (() => new Date()))();
  for (const inv of invites) {
    const key = `${inv.scope.level}:${inv.scope.id}`;
    if (!views.has(key)) views.set(key, await ctx.services.territory.describeScope(inv.scope));
    const view = views.get(key) ?? null;
    const state = inv.revokedAt ? t('cli.state_revoked') : inv.expiresAt.getTime() <= now.getTime() ? t('cli.state_expired') : '';
    out(
      t('cli.invite_line', {
        code: inv.code,
        role: roleLabel(t, inv.role, inv.scope.level),
        scope: scopeLine(t, view, dir),
        expires: formatDateTime(inv.expiresAt, view?.timezone ?? 'Europe/Moscow', ctx.language),
        used: inv.maxUses > 0 ? `${inv.uses}/${inv.maxUses}` : String(inv.uses),
        state,
      }),
    );
  }
  return EXIT_OK;
}

/** A scope on one line, for a list. */
function scopeLine(t: TFunction, view: ScopeView | null, dir: Directory): string {
  if (!view) return t('scope.gone');
  if (view.level === 'organization' && view.organization) return `${view.organization.shortName} (${placeOf(view.organization, dir)})`;
  return scopeText(t, view).replace(/\n/g, ', ');
}

async function revokeInvite(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const given = args.positionals[0];
  if (!given) throw usageError(t('cli.missing_arg', { what: t('cli.arg_code') }));
  const code = normalizeInviteCode(given) ?? given.trim();
  const result = await ctx.services.people.revokeInvite(given);
  if (result === 'not_found') throw failure(t('cli.invite_not_found', { code }));
  out(t(result === 'revoked' ? 'cli.revoked' : 'cli.already_revoked', { code }));
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// make-admin TELEGRAM_ID

async function makeAdmin(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const raw = args.positionals[0]?.trim() ?? '';
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw usageError(t('cli.bad_telegram_id'));
  await ctx.services.people.makeAdmin(id);
  out(t('cli.admin_made', { id }));
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// import-roadmap FILE --municipality NAME [--region NAME] | --region NAME [--period A..B] [--columns …] [--dry-run]

const COLUMN_KEYS: readonly ColumnKey[] = ['number', 'name', 'deadline', 'responsible', 'documentKind', 'result'];

/** `name=2,deadline=3`: which column (counted from 1) holds what, for a table whose headers are not recognised. */
function parseColumns(t: TFunction, value: string | undefined): Partial<Record<ColumnKey, number>> | undefined {
  if (value === undefined) return undefined;
  const columns: Partial<Record<ColumnKey, number>> = {};
  for (const part of value.split(',')) {
    const [key, n] = part.split('=').map((x) => x.trim());
    const index = Number(n);
    if (!COLUMN_KEYS.includes(key as ColumnKey) || !Number.isInteger(index) || index < 1) throw usageError(t('cli.roadmap.bad_columns', { keys: COLUMN_KEYS.join(', ') }));
    columns[key as ColumnKey] = index - 1;
  }
  return columns;
}

async function importRoadmap(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const given = args.positionals[0];
  if (!given) throw usageError(t('cli.missing_arg', { what: t('cli.arg_file') }));
  const { municipality, region } = args.options;
  if (municipality === undefined && region === undefined) throw usageError(t('cli.roadmap.needs_owner'));
  let periodOption: { start: string; end: string } | undefined;
  if (args.options.period !== undefined) {
    periodOption = parsePeriodArg(args.options.period.trim()) ?? undefined;
    if (!periodOption) throw usageError(t('cli.roadmap.bad_period'));
  }
  const columns = parseColumns(t, args.options.columns);

  const file = resolve(ctx.cwd ?? process.cwd(), given);
  const data = await readFile(file).catch(() => null);
  if (!data) throw failure(t('cli.file_missing', { file: given }));
  let owner: Scope;
  if (municipality !== undefined) {
    const dir = await loadDirectory(ctx);
    owner = { level: 'municipality', id: (await resolveMunicipality(ctx, municipality, region, dir)).id };
  } else {
    owner = { level: 'region', id: (await resolveRegion(ctx, region!)).id };
  }
  const view = await ctx.services.territory.describeScope(owner);

  const read = await readRoadmapDocument(basename(file), data);
  if (!read.ok) throw failure(t(`roadmap.file.${read.error.code}`, { max: MAX_ROADMAP_BYTES / 1024 / 1024 }));
  const parsed = parseRoadmap(read.document, columns ? { columns } : undefined);
  if ('error' in parsed) {
    if (parsed.error === 'no_table') throw failure(t('roadmap.file.no_table'));
    throw failure(t('cli.roadmap.unknown_columns', { headers: parsed.headers.map((h, i) => `${i + 1}: «${h}»`).join(', '), keys: COLUMN_KEYS.join(', ') }));
  }
  const period = periodOption ?? parsed.period;
  if (!period) throw failure(t('cli.roadmap.needs_period'));
  const today = todayIn(view?.timezone ?? 'Europe/Moscow', (ctx.now ?? (() => new Date()))());
  const draft = draftRoadmap(parsed, { ownerLevel: owner.level, period, referenceDate: parsed.documentDate ?? today });

  out(t('cli.roadmap.header', { title: oneLine(draft.title), start: showDate(period.start), end: showDate(period.end), ref: showDate(draft.referenceDate), scope: scopeText(t, view).replace(/\n/g, ', ') }));
  for (const item of draft.items) out(itemLine(t, item));
  const gaps = draft.items.filter((i) => i.gaps.length > 0).length;
  if (gaps > 0) out(t('cli.roadmap.gaps', { count: gaps }));
  if (args.options['dry-run'] !== 'true') {
    const result = await ctx.services.roadmap.publish(draft, owner, 'cli', basename(file));
    out(
      t(result.created ? 'cli.roadmap.published' : 'cli.roadmap.updated', {
        added: result.items.added,
        updated: result.items.updated,
        removed: result.items.removed,
        created: result.tasks.created,
        kept: result.tasks.kept,
        deleted: result.tasks.removed,
      }),
    );
  }
  out(`${draft.items.length} items`);
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// remind --at 2021-03-30T09:00+08:00 [--dry-run]

async function remind(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const raw = args.options.at?.trim();
  const at = raw && AT_RE.test(raw) ? new Date(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : raw === undefined ? (ctx.now ?? (() => new Date()))() : null;
  if (!at || Number.isNaN(at.getTime())) throw usageError(t('cli.remind.bad_at'));
  const dryRun = args.options['dry-run'] === 'true';
  const wiring = ctx.reminders?.();
  if (!wiring) throw failure(t('cli.remind.needs_token'));
  if (!dryRun && !wiring.deliver) throw failure(t('cli.remind.needs_token'));
  const deliver: SweepDeps['deliver'] = wiring.deliver ?? (async () => ({ status: 'failed', reason: 'dry run' }));
  const result = await sweep({ services: ctx.services, sent: wiring.sent, deliver }, at, { dryRun });
  for (const n of result.nudges) {
    const line = (party: string, number: string, name: string, kind: string) =>
      out(
        t('cli.remind.line', {
          who: `${n.recipient.fullName ?? '—'} (${n.recipient.telegramId})`,
          party,
          number: number.replace(/\.$/, '') || '—',
          name: oneLine(name).slice(0, 80),
          kind,
          outcome: n.outcome ? ` — ${n.outcome.status}` : '',
        }),
      );
    const who = `${n.recipient.fullName ?? '—'} (${n.recipient.telegramId})`;
    if (n.kind === 'digest') out(t('cli.remind.other_line', { who, party: n.territory || t('cli.remind.digest_party'), kind: t('cli.remind.kind.digest') }));
    else if (n.kind === 'notice') out(t('cli.remind.other_line', { who, party: `${n.party || t('cli.remind.coordinator')}: ${n.person.fullName ?? n.person.telegramId}`, kind: t('cli.remind.kind.notice') }));
    else if (n.kind === 'escalation') line(n.parties.join(', ') + (n.taskIds.length > n.parties.length ? ` (+${n.taskIds.length - n.parties.length})` : ''), n.item.number, n.item.name, t('cli.remind.kind.escalation', { days: Math.abs(n.days) }));
    else line(n.party || t('cli.remind.coordinator'), n.item.number, n.item.name, t(`cli.remind.kind.${n.kind}`, { days: Math.abs(n.days) }));
  }
  out(`${result.nudges.length} nudges`);
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// report --municipality "NAME" [--region "NAME"] [--out FILE.xlsx]   (or --region "NAME" alone: the region's)

async function report(ctx: Ctx, args: ParsedArgs): Promise<number> {
  const { t, out } = ctx;
  const { municipality, region } = args.options;
  if (municipality === undefined && region === undefined) throw usageError(t('cli.report.needs_territory'));
  let territory: { level: 'municipality' | 'region'; id: string };
  if (municipality !== undefined) {
    const dir = await loadDirectory(ctx);
    territory = { level: 'municipality', id: (await resolveMunicipality(ctx, municipality, region, dir)).id };
  } else {
    territory = { level: 'region', id: (await resolveRegion(ctx, region!)).id };
  }
  const name = await ctx.services.territory.nameOf(territory);
  const timeZone = await ctx.services.territory.timezoneOf(territory);
  const today = todayIn(timeZone, (ctx.now ?? (() => new Date()))());
  const file = resolve(ctx.cwd ?? process.cwd(), args.options.out ?? reportFileName(t, name, today));
  const buffer = await buildTerritoryReport(ctx.services, territory, {
    t,
    today,
    timeZone,
    onStep: (step, index, of) => out(t('cli.report.step', { step: t(`report.steps.${step}`), index, of })),
  });
  await writeFile(file, buffer).catch(() => {
    throw failure(t('cli.report.cannot_write', { file }));
  });
  out(t('cli.report.done', { file, size: Math.ceil(buffer.length / 1024) }));
  return EXIT_OK;
}
