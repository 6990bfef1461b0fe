import { Composer, InlineKeyboard } from 'grammy';
import { todayIn } from '../../domain/register/register-input';
import type { PairDraft, PairView } from '../../domain/register/register.types';
import { nameKey } from '../../domain/shared/names';
import type { Organization } from '../../domain/territory/territory.types';
import type { BotContext } from '../context';
import { showInPlace } from '../show';
import { END_PAIR, type EndPairArgs } from '../conversations/end-pair';
import { PAIR_DIALOGUE, type PairDialogueArgs } from '../conversations/pair';
import { chunkLines } from '../format';
import { allow } from '../middlewares/access';
import { pairCardText, personLabel } from '../register-format';
import { organizationsVisibleTo } from './orgs';
import { ensureRegisterConsent, ownSchoolId } from './register-consent';

const PAGE_SIZE = 8;
const MAX_SCHOOL_BUTTONS = 8;

/**
 * Whose register a callback may open. A head: only their own school, whatever id a button carries. A coordinator
 * or the operator: a school of their territory, read-only.
 */
async function readableSchool(ctx: BotContext, schoolId: string): Promise<Organization | null> {
  if (!ctx.user) return null;
  if (ownSchoolId(ctx) === schoolId) return ctx.services.territory.describeScope({ level: 'organization', id: schoolId }).then((v) => v?.organization ?? null);
  if (ctx.user.role !== 'coordinator' && !ctx.user.isAdmin) return null;
  const visible = await organizationsVisibleTo(ctx.services, ctx.user);
  return visible.find((o) => o.id === schoolId) ?? null;
}

async function schoolToday(ctx: BotContext, schoolId: string): Promise<string> {
  const view = await ctx.services.territory.describeScope({ level: 'organization', id: schoolId });
  return todayIn(view?.timezone ?? 'Europe/Moscow', ctx.services.clock());
}

/** Callback data: a head's own register (h:…) or a school opened read-only by a coordinator (r:<school>:…). */
const listData = (editable: boolean, schoolId: string, page: number) => (editable ? `reg:hp:${page}` : `reg:rp:${schoolId}:${page}`);
const cardData = (editable: boolean, schoolId: string, pairId: string) => (editable ? `reg:hc:${pairId}` : `reg:rc:${schoolId}:${pairId}`);

async function renderList(ctx: BotContext, school: Organization, page: number, editable: boolean) {
  const { items, total, active, pages } = await ctx.services.register.listPairs(school.id, page, PAGE_SIZE);
  const keyboard = new InlineKeyboard();
  items.forEach((p, i) => keyboard.text(ctx.t('register.list.item', { index: page * PAGE_SIZE + i + 1, mentor: personLabel(p.mentor), mentee: personLabel(p.mentee) }), cardData(editable, school.id, p.id)).row());
  if (page > 0) keyboard.text(ctx.t('register.list.prev'), listData(editable, school.id, page - 1));
  if (page + 1 < pages) keyboard.text(ctx.t('register.list.next'), listData(editable, school.id, page + 1));
  if (page > 0 || page + 1 < pages) keyboard.row();
  if (editable) keyboard.text(ctx.t('register.list.add'), 'reg:add');
  let text =
    total === 0
      ? ctx.t('register.list.empty', { school: school.shortName })
      : ctx.t('register.list.header', { school: school.shortName, total, active, page: page + 1, pages });
  if (!editable) text += `\n${ctx.t('register.list.read_only')}`;
  return { text, keyboard };
}

function cardKeyboard(ctx: BotContext, pair: PairView, editable: boolean, schoolId: string) {
  const keyboard = new InlineKeyboard();
  if (editable) {
    keyboard.text(ctx.t('register.card.edit'), `reg:e:${pair.id}`);
    if (pair.status === 'active') keyboard.text(ctx.t('register.card.finish'), `reg:f:${pair.id}`);
    keyboard.text(ctx.t('register.card.delete'), `reg:d:${pair.id}`).row();
  }
  keyboard.text(ctx.t('register.card.back'), listData(editable, schoolId, 0));
  return keyboard;
}


function draftOf(pair: PairView): PairDraft {
  return {
    mentor: { name: pair.mentor.name, category: pair.mentor.category as PairDraft['mentor']['category'], position: pair.mentor.position },
    mentee: { name: pair.mentee.name, category: pair.mentee.category as PairDraft['mentee']['category'], age: pair.mentee.age, grade: pair.mentee.grade },
    form: pair.form,
    programme: pair.programme,
    startDate: pair.startDate,
    endDate: pair.endDate,
  };
}

/** Tells a coordinator about people registered as mentees in more than one school of their territory. */
async function warnAboutMenteesInSeveralSchools(ctx: BotContext, schools: Organization[]) {
  const duplicates = await ctx.services.register.menteesInSeveralSchools(schools.map((s) => s.id));
  if (duplicates.length === 0) return;
  const names = new Map(schools.map((s) => [s.id, s.shortName]));
  const lines = duplicates.map((d) => ctx.t('register.list.duplicate_line', { name: d.name, schools: d.schoolIds.map((id) => names.get(id) ?? id).sort().join(', ') }));
  for (const chunk of chunkLines([ctx.t('register.list.duplicates', { count: duplicates.length }), ...lines])) await ctx.reply(chunk);
}

/**
 * /mentors: a head's register of their school (list, cards, add, edit, end, delete); a coordinator's read-only
 * view of any school of their territory.
 */
export function mentorsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('mentors', allow('mentors'), async (ctx) => {
    const own = ownSchoolId(ctx);
    if (own) {
      const school = await readableSchool(ctx, own);
      if (!school) return ctx.reply(ctx.t('invite.scope_gone'));
      const { text, keyboard } = await renderList(ctx, school, 0, true);
      return ctx.reply(text, { reply_markup: keyboard });
    }
    if (ctx.user?.role !== 'coordinator' && !ctx.user?.isAdmin) return ctx.reply(ctx.t('register.list.no_school'));
    // A coordinator chooses a school: buttons when few match, else a part of the name after the command.
    const query = ctx.match.trim();
    const territory = await organizationsVisibleTo(ctx.services, ctx.user);
    await warnAboutMenteesInSeveralSchools(ctx, territory);
    const schools = territory.filter((o) => !query || `${nameKey(o.fullName)} ${nameKey(o.shortName)}`.includes(nameKey(query)));
    if (schools.length === 0) return ctx.reply(query ? ctx.t('register.list.school_not_found', { query }) : ctx.t('orgs.empty'));
    if (schools.length > MAX_SCHOOL_BUTTONS) return ctx.reply(ctx.t('register.list.ask_school_query', { count: schools.length }));
    const keyboard = new InlineKeyboard();
    for (const s of schools) keyboard.text(s.shortName, listData(false, s.id, 0)).row();
    return ctx.reply(ctx.t('register.list.choose_school'), { reply_markup: keyboard });
  });

  // A head's own list and cards: the school always comes from the head's record, never from the button.
  feature.callbackQuery(/^reg:hp:(\d+)$/, async (ctx) => {
    const own = ownSchoolId(ctx);
    const school = own ? await readableSchool(ctx, own) : null;
    if (!school) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    const { text, keyboard } = await renderList(ctx, school, Number(ctx.match[1]), true);
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery(/^reg:hc:([0-9a-f]{24})$/, async (ctx) => {
    const own = ownSchoolId(ctx);
    const pair = own ? await ctx.services.register.getPair(own, ctx.match[1]!) : null;
    if (!own || !pair) return ctx.answerCallbackQuery({ text: ctx.t('register.card.not_found'), show_alert: true });
    await showInPlace(ctx, pairCardText(ctx.t, pair), cardKeyboard(ctx, pair, true, own));
  });

  // A coordinator's read-only view.
  feature.callbackQuery(/^reg:rp:([0-9a-f]{24}):(\d+)$/, async (ctx) => {
    const school = await readableSchool(ctx, ctx.match[1]!);
    if (!school) return ctx.answerCallbackQuery({ text: ctx.t('access.denied'), show_alert: true });
    const { text, keyboard } = await renderList(ctx, school, Number(ctx.match[2]), false);
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery(/^reg:rc:([0-9a-f]{24}):([0-9a-f]{24})$/, async (ctx) => {
    const school = await readableSchool(ctx, ctx.match[1]!);
    const pair = school ? await ctx.services.register.getPair(school.id, ctx.match[2]!) : null;
    if (!school || !pair) return ctx.answerCallbackQuery({ text: ctx.t('register.card.not_found'), show_alert: true });
    await showInPlace(ctx, pairCardText(ctx.t, pair), cardKeyboard(ctx, pair, false, school.id));
  });

  feature.callbackQuery('reg:add', async (ctx) => {
    const own = ownSchoolId(ctx);
    if (!own) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    if (!(await ensureRegisterConsent(ctx, own))) return;
    const args: PairDialogueArgs = { language: ctx.language, schoolId: own, nameMode: ctx.services.register.nameMode, today: await schoolToday(ctx, own) };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(PAIR_DIALOGUE, args);
  });

  feature.callbackQuery(/^reg:e:([0-9a-f]{24})$/, async (ctx) => {
    const own = ownSchoolId(ctx);
    const pair = own ? await ctx.services.register.getPair(own, ctx.match[1]!) : null;
    if (!own || !pair) return ctx.answerCallbackQuery({ text: ctx.t('register.card.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    const args: PairDialogueArgs = {
      language: ctx.language,
      schoolId: own,
      nameMode: ctx.services.register.nameMode,
      today: await schoolToday(ctx, own),
      edit: { pairId: pair.id, draft: draftOf(pair), mentorLabel: personLabel(pair.mentor), menteeLabel: personLabel(pair.mentee) },
    };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(PAIR_DIALOGUE, args);
  });

  feature.callbackQuery(/^reg:f:([0-9a-f]{24})$/, async (ctx) => {
    const own = ownSchoolId(ctx);
    const pair = own ? await ctx.services.register.getPair(own, ctx.match[1]!) : null;
    if (!own || !pair) return ctx.answerCallbackQuery({ text: ctx.t('register.card.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    const args: EndPairArgs = { language: ctx.language, schoolId: own, pairId: pair.id, today: await schoolToday(ctx, own) };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(END_PAIR, args);
  });

  feature.callbackQuery(/^reg:d:([0-9a-f]{24})$/, async (ctx) => {
    const own = ownSchoolId(ctx);
    const pair = own ? await ctx.services.register.getPair(own, ctx.match[1]!) : null;
    if (!own || !pair) return ctx.answerCallbackQuery({ text: ctx.t('register.card.not_found'), show_alert: true });
    const keyboard = new InlineKeyboard()
      .text(ctx.t('register.card.delete_yes'), `reg:dy:${pair.id}`)
      .text(ctx.t('register.card.delete_no'), `reg:hc:${pair.id}`);
    await showInPlace(ctx, ctx.t('register.card.confirm_delete', { mentor: personLabel(pair.mentor), mentee: personLabel(pair.mentee) }), keyboard);
  });

  feature.callbackQuery(/^reg:dy:([0-9a-f]{24})$/, async (ctx) => {
    const own = ownSchoolId(ctx);
    const deleted = own ? await ctx.services.register.deletePair(own, ctx.match[1]!, ctx.from.id) : false;
    if (!own || !deleted) return ctx.answerCallbackQuery({ text: ctx.t('register.card.not_found'), show_alert: true });
    const school = await readableSchool(ctx, own);
    const { text, keyboard } = await renderList(ctx, school!, 0, true);
    await showInPlace(ctx, `${ctx.t('register.card.deleted')}\n\n${text}`, keyboard);
  });

  return feature;
}
