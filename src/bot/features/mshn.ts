import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { buildBanksWorkbook } from '../../domain/mshn/mshn-file';
import { MEETINGS_PER_SCHOOL_YEAR } from '../../domain/mshn/mshn-input';
import { BANK_FORMS, BANK_KINDS, SEED_FORMS, type BankEntry, type BankKind, type MshnEvent, type MshnScope, type StoredFile, type YoungTeachersRow } from '../../domain/mshn/mshn.types';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import { showDay, todayIn } from '../../domain/register/register-input';
import type { MentoringForm } from '../../domain/register/register.types';
import type { BotContext } from '../context';
import { MEETING_DIALOGUE, yearCountText, type MeetingArgs } from '../conversations/meeting';
import { PRACTICE_DIALOGUE, type PracticeArgs } from '../conversations/practice';
import { fileSlug } from '../format';
import { allow } from '../middlewares/access';
import { entryCardText, eventKindName, eventLine, fileText, formName, kindIcon, kindName } from '../mshn-format';
import { clip, oneLine } from '../roadmap-format';
import { replyChunks, showInPlace } from '../show';
import { ownSchoolId } from './register-consent';
import { partyToday } from './tasks';

const PAGE_SIZE = 8;
/** How many of a school's own submissions /practice lists as buttons. */
const OWN_LISTED = 10;
/** How many schools of the young teachers bank /banks lists one by one (the XLSX has them all). */
const YOUNG_LISTED = 40;
/** How many of the school year's meetings /meeting offers to open. */
const EVENTS_LISTED = 10;

const KIND_CODE: Record<BankKind, string> = { practice: 'p', programme: 'g' };
const kindOfCode = (code: string): BankKind => (code === 'g' ? 'programme' : 'practice');
const FORM_RE = BANK_FORMS.join('|');

/** The territory of a coordinator (a regional one sees the whole region), or null for anyone else. */
const territoryOf = (ctx: BotContext): MshnScope | null => coordinatorTerritoryOf(ctx.user);

/** Sends a kept file back by its Telegram file_id; a file Telegram no longer has is said so instead. */
async function sendStoredFile(ctx: BotContext, file: StoredFile | undefined): Promise<void> {
  if (!file) return;
  try {
    if (file.mimeType?.startsWith('image/') && !file.fileName) await ctx.replyWithPhoto(file.fileId);
    else await ctx.replyWithDocument(file.fileId);
  } catch (err) {
    ctx.logger.warn({ err, userId: ctx.from?.id }, 'a kept file could not be sent back');
    await ctx.reply(ctx.t('mshn.file.unavailable'));
  }
}

/** Where an entry came from, as its card names it: the school, and its municipality for a regional reader. */
async function whereOf(ctx: BotContext, entry: BankEntry, withMunicipality: boolean): Promise<{ school: string; municipality?: string }> {
  const view = await ctx.services.territory.describeScope({ level: 'organization', id: entry.schoolId });
  return { school: view?.organization?.shortName ?? '—', ...(withMunicipality && view?.municipality ? { municipality: view.municipality.name } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// /practice

async function enterPractice(ctx: BotContext, schoolId: string): Promise<void> {
  const args: PracticeArgs = { language: ctx.language, schoolId, ...(ctx.user?.fullName ? { userName: ctx.user.fullName } : {}) };
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(PRACTICE_DIALOGUE, args);
}

async function showOwnEntries(ctx: BotContext, schoolId: string, entries: BankEntry[]): Promise<void> {
  const timeZone = await ctx.services.territory.timezoneOf({ level: 'organization', id: schoolId });
  const lines = [ctx.t('mshn.practice.own_header', { count: entries.length })];
  entries.forEach((e, i) =>
    lines.push(
      ctx.t('mshn.practice.own_line', {
        index: i + 1,
        icon: kindIcon(e.kind),
        kind: kindName(ctx.t, e.kind),
        form: formName(ctx.t, e.form),
        title: clip(oneLine(e.title), 80),
        date: showDay(todayIn(timeZone, e.submittedAt)),
      }),
    ),
  );
  const keyboard = new InlineKeyboard();
  entries.slice(0, OWN_LISTED).forEach((e, i) => keyboard.text(`${i + 1}. ${clip(oneLine(e.title), 40)}`, `pr:o:${e.id}`).row());
  keyboard.text(ctx.t('mshn.buttons.add'), 'pr:add');
  await replyChunks(ctx, lines.join('\n'), keyboard);
}

// ---------------------------------------------------------------------------------------------------------------
// /banks

function youngLine(ctx: BotContext, row: YoungTeachersRow, regional: boolean): string {
  return ctx.t('mshn.banks.young_line', {
    school: regional && row.municipality ? `${row.municipality}, ${row.school}` : row.school,
    with: row.withMentor,
    without: row.withoutMentor === null ? ctx.t('mshn.banks.not_reported') : row.withoutMentor,
    all: row.reported === null ? ctx.t('mshn.banks.not_reported') : row.reported,
    ended: row.mentoringEnded,
  });
}

async function sendOverview(ctx: BotContext, scope: MshnScope): Promise<void> {
  const mshn = ctx.services.mshn;
  const territory = await ctx.services.territory.nameOf(scope);
  const [summary, young] = await Promise.all([mshn.bankSummary(scope), mshn.youngTeachers(scope)]);
  const regional = scope.level === 'region';
  const lines = [ctx.t('mshn.banks.header', { territory }), ''];
  const keyboard = new InlineKeyboard();
  for (const kind of BANK_KINDS) {
    lines.push(ctx.t(`mshn.banks.${kind}_total`, { count: summary.total[kind] }));
    let buttons = 0;
    for (const form of BANK_FORMS) {
      const count = summary[kind][form];
      if (count === 0 && !SEED_FORMS.includes(form)) continue;
      lines.push(ctx.t('mshn.banks.form_line', { form: formName(ctx.t, form), count }));
      if (count > 0) {
        keyboard.text(`${kindIcon(kind)} ${formName(ctx.t, form)} (${count})`, `bk:l:${KIND_CODE[kind]}:${form}:0`);
        if (++buttons % 2 === 0) keyboard.row();
      }
    }
    if (buttons % 2 === 1) keyboard.row();
    lines.push('');
  }

  const reported = young.filter((r) => r.reported !== null);
  lines.push(
    ctx.t('mshn.banks.young_header'),
    ctx.t('mshn.banks.young_total', {
      with: young.reduce((s, r) => s + r.withMentor, 0),
      ended: young.reduce((s, r) => s + r.mentoringEnded, 0),
      all: reported.reduce((s, r) => s + r.reported!, 0),
      without: reported.reduce((s, r) => s + r.withoutMentor!, 0),
      reported: reported.length,
      schools: young.length,
    }),
  );
  const withData = young.filter((r) => r.withMentor > 0 || r.mentoringEnded > 0 || r.reported !== null);
  for (const row of withData.slice(0, YOUNG_LISTED)) lines.push(youngLine(ctx, row, regional));
  if (withData.length > YOUNG_LISTED) lines.push(ctx.t('mshn.banks.young_more', { count: withData.length - YOUNG_LISTED }));
  const silent = young.length - withData.length;
  if (silent > 0) lines.push(ctx.t('mshn.banks.young_silent', { count: silent }));
  lines.push('', ctx.t('mshn.banks.hint'));

  keyboard.text(ctx.t('mshn.buttons.export'), 'bk:x');
  await replyChunks(ctx, lines.join('\n'), keyboard);
}

async function showFormList(ctx: BotContext, scope: MshnScope, kind: BankKind, form: MentoringForm, page: number): Promise<void> {
  const { items, total, page: current, pages } = await ctx.services.mshn.entriesPage(scope, kind, form, page, PAGE_SIZE);
  const names = new Map((await ctx.services.territory.organizationsIn(scope)).map((o) => [o.id, o.shortName]));
  const keyboard = new InlineKeyboard();
  items.forEach((e, i) => keyboard.text(`${current * PAGE_SIZE + i + 1}. ${clip(oneLine(e.title), 34)} — ${clip(names.get(e.schoolId) ?? '—', 20)}`, `bk:o:${e.id}`).row());
  const code = KIND_CODE[kind];
  if (current > 0) keyboard.text(ctx.t('register.list.prev'), `bk:l:${code}:${form}:${current - 1}`);
  if (current + 1 < pages) keyboard.text(ctx.t('register.list.next'), `bk:l:${code}:${form}:${current + 1}`);
  if (current > 0 || current + 1 < pages) keyboard.row();
  keyboard.text(ctx.t('mshn.buttons.back_to_banks'), 'bk:h');
  const text =
    total === 0
      ? ctx.t('mshn.banks.list_empty', { kind: kindName(ctx.t, kind), form: formName(ctx.t, form) })
      : ctx.t('mshn.banks.list_header', { icon: kindIcon(kind), kind: kindName(ctx.t, kind), form: formName(ctx.t, form), count: total, page: current + 1, pages });
  await showInPlace(ctx, text, keyboard);
}

async function sendBanksExport(ctx: BotContext, scope: MshnScope): Promise<void> {
  await ctx.replyWithChatAction('upload_document');
  const timeZone = await ctx.services.territory.timezoneOf(scope);
  const rows = await ctx.services.mshn.bankRows(scope);
  const data = await buildBanksWorkbook(rows, { timeZone });
  const day = todayIn(timeZone, ctx.services.clock());
  await ctx.replyWithDocument(new InputFile(data, `банки-МШН-${fileSlug(rows.territory)}-${day}.xlsx`), {
    caption: ctx.t('mshn.banks.export_caption', {
      territory: rows.territory,
      date: showDay(day),
      practices: rows.practices.length,
      programmes: rows.programmes.length,
      schools: rows.young.length,
      events: rows.events.length,
    }),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// /meeting

async function sendMeetings(ctx: BotContext, scope: MshnScope): Promise<void> {
  const today = await partyToday(ctx);
  const territory = await ctx.services.territory.nameOf(scope);
  const { from, to, events, meetings } = await ctx.services.mshn.schoolYearEvents(scope, today);
  const lines = [
    ctx.t('mshn.meeting.list_header', { territory, year: `${from.slice(0, 4)}/${to.slice(0, 4)}`, from: showDay(from), to: showDay(to) }),
    yearCountText(ctx.t, meetings),
    ctx.t(meetings >= MEETINGS_PER_SCHOOL_YEAR ? 'mshn.meeting.year_done' : 'mshn.meeting.year_left', { left: MEETINGS_PER_SCHOOL_YEAR - meetings }),
    ctx.t('mshn.meeting.events_count', { count: events.length - meetings }),
  ];
  if (events.length > 0) {
    lines.push('');
    events.forEach((e, i) => lines.push(eventLine(ctx.t, i + 1, e)));
    lines.push('', ctx.t('mshn.meeting.marks'));
  } else {
    lines.push('', ctx.t('mshn.meeting.none_yet'));
  }
  const keyboard = new InlineKeyboard();
  events.slice(-EVENTS_LISTED).forEach((e) => keyboard.text(`${showDay(e.date)} ${clip(oneLine(e.topic), 36)}`, `mt:o:${e.id}`).row());
  keyboard.text(ctx.t('mshn.buttons.record'), 'mt:add');
  await replyChunks(ctx, lines.join('\n'), keyboard);
}

function eventCardText(ctx: BotContext, event: MshnEvent, territory: string): string {
  return [
    `${eventKindName(ctx.t, event.kind)} — ${showDay(event.date)}`,
    ctx.t('mshn.card.territory', { territory }),
    ctx.t('mshn.card.topic', { topic: event.topic }),
    ctx.t(event.kind === 'meeting' ? 'mshn.card.minutes' : 'mshn.card.file', { file: fileText(ctx.t, event.file) }),
    ctx.t(event.countedTaskId ? 'mshn.card.counted' : 'mshn.card.not_counted'),
  ].join('\n');
}

/**
 * The School of Mentoring (seed 004): /practice for schools (their submissions to the bank), /banks for the head of
 * МШН (practices and programmes by form, young teachers, XLSX) and /meeting (meetings and events of the school year).
 */
export function mshnFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('practice', allow('practice'), async (ctx) => {
    const schoolId = ownSchoolId(ctx);
    if (!schoolId) return ctx.reply(ctx.t('mshn.practice.no_school'));
    const entries = await ctx.services.mshn.entriesOfSchool(schoolId);
    if (entries.length === 0) return enterPractice(ctx, schoolId);
    return showOwnEntries(ctx, schoolId, entries);
  });

  feature.callbackQuery('pr:add', async (ctx) => {
    const schoolId = ownSchoolId(ctx);
    if (!schoolId) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    await enterPractice(ctx, schoolId);
  });

  feature.callbackQuery(/^pr:o:([0-9a-f]{24})$/, async (ctx) => {
    const schoolId = ownSchoolId(ctx);
    const entry = schoolId ? await ctx.services.mshn.entryOfSchool(schoolId, ctx.match[1]!) : null;
    if (!schoolId || !entry) return ctx.answerCallbackQuery({ text: ctx.t('mshn.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.reply(entryCardText(ctx.t, entry, await whereOf(ctx, entry, false), await ctx.services.territory.timezoneOf({ level: 'organization', id: schoolId })));
    await sendStoredFile(ctx, entry.file);
  });

  feature.command('banks', allow('banks'), async (ctx) => {
    const scope = territoryOf(ctx);
    if (!scope) return ctx.reply(ctx.t('mshn.no_territory'));
    await sendOverview(ctx, scope);
  });

  feature.callbackQuery('bk:h', async (ctx) => {
    const scope = territoryOf(ctx);
    if (!scope) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    await sendOverview(ctx, scope);
  });

  feature.callbackQuery(new RegExp(`^bk:l:([pg]):(${FORM_RE}):(\\d{1,4})$`), async (ctx) => {
    const scope = territoryOf(ctx);
    if (!scope) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await showFormList(ctx, scope, kindOfCode(ctx.match[1]!), ctx.match[2] as MentoringForm, Number(ctx.match[3]));
  });

  feature.callbackQuery(/^bk:o:([0-9a-f]{24})$/, async (ctx) => {
    const scope = territoryOf(ctx);
    const entry = scope ? await ctx.services.mshn.entryIn(scope, ctx.match[1]!) : null;
    if (!scope || !entry) return ctx.answerCallbackQuery({ text: ctx.t('mshn.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.reply(entryCardText(ctx.t, entry, await whereOf(ctx, entry, scope.level === 'region'), await ctx.services.territory.timezoneOf(scope)));
    await sendStoredFile(ctx, entry.file);
  });

  feature.callbackQuery('bk:x', async (ctx) => {
    const scope = territoryOf(ctx);
    if (!scope) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery({ text: ctx.t('mshn.banks.export_wait') });
    await sendBanksExport(ctx, scope);
  });

  feature.command('meeting', allow('meeting'), async (ctx) => {
    const scope = territoryOf(ctx);
    if (!scope) return ctx.reply(ctx.t('mshn.no_territory'));
    await sendMeetings(ctx, scope);
  });

  feature.callbackQuery('mt:add', async (ctx) => {
    const scope = territoryOf(ctx);
    if (!scope) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    const args: MeetingArgs = { language: ctx.language, owner: scope, today: await partyToday(ctx) };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(MEETING_DIALOGUE, args);
  });

  feature.callbackQuery(/^mt:o:([0-9a-f]{24})$/, async (ctx) => {
    const scope = territoryOf(ctx);
    const event = scope ? await ctx.services.mshn.eventIn(scope, ctx.match[1]!) : null;
    if (!scope || !event) return ctx.answerCallbackQuery({ text: ctx.t('mshn.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    // A territory's name is never empty: '' means it is gone.
    await ctx.reply(eventCardText(ctx, event, (await ctx.services.territory.nameOf(event.owner)) || '—'));
    await sendStoredFile(ctx, event.file);
  });

  return feature;
}
