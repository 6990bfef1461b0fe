import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { LeaseBusyError } from '../../domain/shared/lease';
import type { Message } from 'grammy/types';
import {
  buildTemplate,
  MAX_FILE_BYTES,
  parseRegisterFile,
  rejectUnknownCodes,
  writeSchoolExport,
  writeTerritoryExport,
  type FileProblem,
  type ParsedRegisterFile,
  type RegisterSource,
  type RowProblem,
} from '../../domain/register/register-file';
import { showDay, todayIn } from '../../domain/register/register-input';
import type { Services } from '../../domain/services';
import type { Scope } from '../../domain/territory/territory.types';
import type { BotContext } from '../context';
import { downloadSent } from '../download';
import { chunkLines, fileSlug } from '../format';
import { allow } from '../middlewares/access';
import type { PendingImport } from '../storage';
import { ensureRegisterConsent, ownSchoolId } from './register-consent';

export const IMPORT_DATA = /^regimport:(ok|no):([0-9a-z]+)$/;
/** How many problems of each kind a report lists before «…и ещё K». */
const MAX_LISTED = 30;
const DEFAULT_TIMEZONE = 'Europe/Moscow';


/** Where a chat's checked file waits (the storage adapter keeps it an hour). */
export const pendingImportKey = (chatId: number | undefined) => `register-import:${chatId}`;

/** A calendar day at the school, from the moment Telegram stamped the message (time comes with the update). */
async function schoolDay(ctx: BotContext, scope: Scope | null, message: Pick<Message, 'date'>): Promise<string> {
  const view = scope ? await ctx.services.territory.describeScope(scope) : null;
  return todayIn(view?.timezone ?? DEFAULT_TIMEZONE, new Date(message.date * 1000));
}

/** What a row problem says, with codes of forms and categories put in the reader's words. */
function problemText(ctx: BotContext, p: FileProblem): string {
  const params: Record<string, unknown> = { ...(p.params ?? {}) };
  if (typeof params.form === 'string') params.form = ctx.t(`register.form.${params.form}`);
  if (typeof params.category === 'string') {
    const list = p.reason.endsWith('form_mentor_category') ? 'mentor_category' : 'mentee_category';
    params.category = ctx.t(`register.${list}.${params.category}`);
  }
  return ctx.t(p.reason, params);
}

function problemLines(ctx: BotContext, title: string, problems: RowProblem[]): string[] {
  if (problems.length === 0) return [];
  const lines = ['', title];
  for (const p of problems.slice(0, MAX_LISTED)) {
    lines.push(ctx.t('register_files.report.line', { row: p.row, column: p.column, reason: problemText(ctx, p) }));
  }
  if (problems.length > MAX_LISTED) lines.push(ctx.t('register_files.report.more', { count: problems.length - MAX_LISTED }));
  return lines;
}

/** Where the exports read the register: pairs in batches, people school by school. */
function sourceOf(services: Services): RegisterSource {
  const { register } = services;
  return { pairBatches: register.pairBatches, peopleByIds: register.peopleByIds, peopleOfSchool: register.peopleOfSchool };
}

/** The codes a school already has, to tell a typo in a code from a person of the school. */
async function knownCodes(ctx: BotContext, schoolId: string): Promise<{ mentors: Set<string>; mentees: Set<string> }> {
  const mentors = new Set<string>();
  const mentees = new Set<string>();
  for (const p of (await ctx.services.register.peopleOfSchool(schoolId)).values()) (p.kind === 'mentor' ? mentors : mentees).add(p.code);
  return { mentors, mentees };
}

/** A head sent a document: check it, report, and keep the good rows until they press «Загрузить». */
async function receiveFile(ctx: BotContext): Promise<void> {
  const message = ctx.message!;
  const document = message.document!;
  const schoolId = ownSchoolId(ctx);
  if (!schoolId) {
    const user = ctx.user;
    if (!user) await ctx.reply(ctx.t('access.guest'));
    else if (user.role === 'coordinator' || user.isAdmin) await ctx.reply(ctx.t('register_files.upload.coordinator'));
    else await ctx.reply(ctx.t('register_files.upload.not_head'));
    return;
  }
  if (!(await ensureRegisterConsent(ctx, schoolId))) return;

  const fileName = document.file_name ?? 'file';
  const ext = extname(fileName).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.csv') {
    await ctx.reply(ctx.t('register_files.fatal.wrong_type', { ext: ext || '—' }));
    return;
  }
  if ((document.file_size ?? 0) > MAX_FILE_BYTES) {
    await ctx.reply(ctx.t('register_files.fatal.too_large', { max: MAX_FILE_BYTES / 1024 / 1024 }));
    return;
  }
  await ctx.replyWithChatAction('typing');
  const data = await downloadSent(ctx, document.file_id, 'register file');
  if (!data) return;

  const nameMode = ctx.services.register.nameMode;
  const today = await schoolDay(ctx, { level: 'organization', id: schoolId }, message);
  let parsed: ParsedRegisterFile = await parseRegisterFile(fileName, data, { nameMode, today });
  if (parsed.fatal) {
    await ctx.reply(ctx.t(parsed.fatal.reason, parsed.fatal.params));
    return;
  }
  if (parsed.rows.some((r) => r.draft.mentorCode || r.draft.menteeCode)) parsed = rejectUnknownCodes(parsed, await knownCodes(ctx, schoolId));

  const failedRows = new Set(parsed.errors.map((e) => e.row)).size;
  const lines = [ctx.t('register_files.report.header', { fileName, ready: parsed.rows.length, failed: failedRows })];
  for (const notice of parsed.notices) lines.push(ctx.t(notice.reason, notice.params));
  if (nameMode === 'codes') {
    const newPeople = parsed.rows.filter((r) => !r.draft.mentorCode || !r.draft.menteeCode).length;
    if (newPeople > 0) lines.push(ctx.t('register_files.report.new_people', { count: newPeople }));
  }
  lines.push(...problemLines(ctx, ctx.t('register_files.report.errors'), parsed.errors));
  lines.push(...problemLines(ctx, ctx.t('register_files.report.warnings'), parsed.warnings));
  lines.push('', ctx.t(parsed.rows.length > 0 ? 'register_files.report.confirm' : 'register_files.report.nothing'));

  const chatKey = pendingImportKey(ctx.chatId);
  let keyboard: InlineKeyboard | undefined;
  if (parsed.rows.length > 0) {
    const pending: PendingImport = {
      schoolId,
      fileName,
      drafts: parsed.rows.map((r) => r.draft),
      createdAt: ctx.services.clock().toISOString(),
      token: randomBytes(6).toString('hex'),
    };
    await ctx.deps.storage.imports.write(chatKey, pending);
    const { token } = pending;
    keyboard = new InlineKeyboard()
      .text(ctx.t('register_files.buttons.load', { count: parsed.rows.length }), `regimport:ok:${token}`)
      .text(ctx.t('register_files.buttons.cancel'), `regimport:no:${token}`);
  } else {
    await ctx.deps.storage.imports.delete(chatKey);
  }
  const chunks = chunkLines(lines);
  for (let i = 0; i < chunks.length; i++) {
    await ctx.reply(chunks[i]!, i === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {});
  }
}

async function removeButtons(ctx: BotContext): Promise<void> {
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
}

/** «Загрузить» or «Отмена» under a report. */
async function answerImport(ctx: BotContext): Promise<void> {
  const [, action, token] = ctx.match as RegExpMatchArray;
  const schoolId = ownSchoolId(ctx);
  if (!schoolId) {
    await ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    return;
  }
  const chatKey = pendingImportKey(ctx.chatId);
  const pending = await ctx.deps.storage.imports.read(chatKey);
  if (!pending) {
    await ctx.answerCallbackQuery();
    await removeButtons(ctx);
    await ctx.reply(ctx.t('register_files.import.expired'));
    return;
  }
  if (pending.token !== token) {
    await ctx.answerCallbackQuery();
    await removeButtons(ctx);
    await ctx.reply(ctx.t('register_files.import.outdated'));
    return;
  }
  if (pending.schoolId !== schoolId) {
    // The head was moved to another school since the file was checked: its rows belong to the old one.
    await ctx.deps.storage.imports.delete(chatKey);
    await ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await removeButtons(ctx);
    return;
  }
  if (action === 'no') {
    await ctx.deps.storage.imports.delete(chatKey);
    await ctx.answerCallbackQuery();
    await removeButtons(ctx);
    await ctx.reply(ctx.t('register_files.import.cancelled'));
    return;
  }
  await ctx.answerCallbackQuery({ text: ctx.t('register_files.import.loading') });
  await ctx.replyWithChatAction('typing');
  let counts;
  try {
    counts = await ctx.services.register.importDrafts(schoolId, pending.drafts, ctx.from!.id);
  } catch (err) {
    if (!(err instanceof LeaseBusyError)) throw err;
    // Another file of this school is being loaded (by the head or a curator): this one waits, buttons and all.
    await ctx.reply(ctx.t('register_files.import.busy'));
    return;
  }
  await ctx.deps.storage.imports.delete(chatKey);
  await removeButtons(ctx);
  await ctx.reply(ctx.t('register_files.import.done', { ...counts }));
}

/** /template: the XLSX to fill in, for the deployment's name mode. */
async function sendTemplate(ctx: BotContext): Promise<void> {
  const nameMode = ctx.services.register.nameMode;
  const data = await buildTemplate(nameMode);
  await ctx.replyWithDocument(new InputFile(data, 'шаблон-реестра.xlsx'), {
    caption: ctx.t(nameMode === 'codes' ? 'register_files.template.caption_codes' : 'register_files.template.caption'),
  });
}

/** /export: a head's school, a coordinator's municipality or region, or (the operator) everything, as one XLSX. */
async function sendExport(ctx: BotContext): Promise<void> {
  const user = ctx.user!;
  const register = ctx.services.register;
  const nameMode = register.nameMode;
  const schoolId = ownSchoolId(ctx);
  await ctx.replyWithChatAction('upload_document');

  if (schoolId) {
    const scope: Scope = { level: 'organization', id: schoolId };
    const view = await ctx.services.territory.describeScope(scope);
    const day = await schoolDay(ctx, scope, ctx.msg!);
    const result = await writeSchoolExport(sourceOf(ctx.services), schoolId, { nameMode });
    try {
      if (result.pairs === 0) {
        await ctx.reply(ctx.t('register_files.export.empty'));
        return;
      }
      const school = view?.organization?.shortName ?? '';
      await ctx.replyWithDocument(new InputFile(result.path, `реестр-${fileSlug(school)}-${day}.xlsx`), {
        caption: ctx.t('register_files.export.school_caption', { school, date: showDay(day), pairs: result.pairs }),
      });
    } finally {
      await rm(result.path, { force: true });
    }
    return;
  }

  const scope = user.role === 'coordinator' && user.scope && user.scope.level !== 'organization' ? user.scope : null;
  if (!scope && !user.isAdmin) {
    await ctx.reply(ctx.t('register_files.export.no_scope'));
    return;
  }
  const territory = ctx.services.territory;
  const view = scope ? await territory.describeScope(scope) : null;
  if (scope && !view) {
    await ctx.reply(ctx.t('register_files.export.no_scope'));
    return;
  }
  const organizations = scope ? await territory.organizationsIn(scope) : await territory.listOrganizations();
  const municipalities = scope?.level === 'municipality' ? [view!.municipality!] : await territory.listMunicipalities(scope ? { regionId: scope.id } : {});
  const filter = !scope ? {} : scope.level === 'municipality' ? { municipalityId: scope.id } : { regionId: scope.id };
  const result = await writeTerritoryExport(sourceOf(ctx.services), { nameMode, filter, organizations, municipalities });
  try {
    if (result.pairs === 0) {
      await ctx.reply(ctx.t('register_files.export.empty_territory'));
      return;
    }
    const name = !view ? ctx.t('register_files.export.everything') : (view.municipality?.name ?? view.region.name);
    const day = await schoolDay(ctx, scope, ctx.msg!);
    const caption = [
      ctx.t('register_files.export.territory_caption', { territory: name, date: showDay(day), pairs: result.pairs, schools: organizations.length }),
      ...(result.repeatedMentees > 0 ? [ctx.t('register_files.export.repeats', { count: result.repeatedMentees })] : []),
    ].join('\n');
    await ctx.replyWithDocument(new InputFile(result.path, `реестр-${fileSlug(view ? name : 'все')}-${day}.xlsx`), { caption });
  } finally {
    await rm(result.path, { force: true });
  }
}

/**
 * The register as files: /template, a head's filled-in XLSX or CSV (report, then load on confirmation), and
 * /export for a school or a territory.
 */
export function registerFilesFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('template', allow('template'), sendTemplate);
  feature.command('export', allow('export'), sendExport);
  feature.on('message:document', receiveFile);
  feature.callbackQuery(IMPORT_DATA, answerImport);
  return feature;
}
