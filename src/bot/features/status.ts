import { Composer, InlineKeyboard } from 'grammy';
import { coordinatorTerritoryOf, taskPartyOf, type Territory } from '../../domain/people/access';
import { MENTEE_CATEGORIES } from '../../domain/register/register.types';
import { pushTasks } from '../../domain/reminders/sweep';
import { schoolStatus, STATUS_HORIZON_DAYS } from '../../domain/status/school-status';
import { findSchools, overdueByParty, schoolMarks, territoryStatus, type SchoolMark } from '../../domain/status/territory-status';
import { replyChunks, showInPlace } from '../show';
import type { Scope } from '../../domain/territory/territory.types';
import type { BotContext } from '../context';
import type { IndicatorValue } from '../../domain/indicators/indicators';
import { belowTarget, colourCounts, indicatorLine } from '../indicators-format';
import { allow } from '../middlewares/access';
import { clip, dueText, oneLine } from '../roadmap-format';
import { partyToday } from './tasks';

const LIST = 8;

/**
 * /status for a head or curator: in one message, what the school still owes (overdue first, then due within two
 * weeks), what a coordinator returned and why, and the register's figures.
 */
export function statusFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('status', allow('status'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (territory) return coordinatorStatus(ctx, territory);
    const school = taskPartyOf(ctx.user);
    if (!school || ctx.user?.scope?.level !== 'organization') return ctx.reply(ctx.t('register.list.no_school'));
    const { text, keyboard } = await schoolStatusText(ctx, school, await partyToday(ctx));
    await replyChunks(ctx, text, keyboard);
  });

  // /overdue: every overdue task of the territory, by school (a region: by municipality), most first.
  feature.command('overdue', allow('overdue'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const today = await partyToday(ctx);
    const parties = await overdueByParty(ctx.services, territory, today);
    if (parties.length === 0) return ctx.reply(ctx.t('status.overdue_none'));
    const lines = [ctx.t('status.overdue_all', { tasks: parties.reduce((n, p) => n + p.tasks.length, 0), parties: parties.length })];
    for (const p of parties) {
      lines.push('', `${p.party} — ${p.tasks.length}`);
      for (const x of p.tasks) lines.push(`• ${`${x.number} ${clip(oneLine(x.name), 80)}`.trim()} — ${dueText(ctx.t, x.due, today)}`);
    }
    await replyChunks(ctx, lines.join('\n'));
  });

  // /schools: the territory's schools with marks, ten a page, each with a button to open it.
  feature.command('schools', allow('schools'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const { text, keyboard } = await schoolsPage(ctx, territory, 0);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  feature.callbackQuery(/^sc:p:(\d+)$/, allow('schools'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.answerCallbackQuery({ text: ctx.t('status.not_found'), show_alert: true });
    const { text, keyboard } = await schoolsPage(ctx, territory, Number(ctx.match[1]));
    await showInPlace(ctx, text, keyboard);
  });

  // /school <part of a name>: one school's status, or a choice when several match.
  feature.command('school', allow('schools'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const query = ctx.match.trim();
    if (!query) return ctx.reply(ctx.t('status.school_usage'));
    const today = await partyToday(ctx);
    // One match opens its status at once; the territory's tasks are read for marks only when there is a choice.
    const matches = await findSchools(ctx.services, territory, query);
    if (matches.length === 0) return ctx.reply(ctx.t('status.school_none', { query }));
    if (matches.length === 1) {
      const { text } = await schoolStatusText(ctx, matches[0]!.id, today);
      await replyChunks(ctx, text);
      return;
    }
    const found = await schoolMarks(ctx.services, territory, today, query);
    const keyboard = new InlineKeyboard();
    for (const m of found.slice(0, 10)) keyboard.text(`${markOf(m)} ${clip(m.name, 50)}`, `ss:o:${m.id}`).row();
    await ctx.reply(ctx.t('status.school_several', { count: found.length, query }) + (found.length > 10 ? `\n${ctx.t('status.school_narrow')}` : ''), { reply_markup: keyboard });
  });

  // A coordinator opens one school of their territory from their /status (the territory is the person's own).
  feature.callbackQuery(/^ss:o:([0-9a-f]{24})$/, allow('status'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    const org = territory ? await schoolIn(ctx, territory, ctx.match[1]!) : null;
    if (!territory || !org) return ctx.answerCallbackQuery({ text: ctx.t('status.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    const { text } = await schoolStatusText(ctx, org, await partyToday(ctx));
    await replyChunks(ctx, text);
  });

  // …or nudges a school (a region: a municipality) on its overdue tasks now, once a day each.
  feature.callbackQuery(/^ss:n:([0-9a-f]{24})$/, allow('status'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.answerCallbackQuery({ text: ctx.t('status.not_found'), show_alert: true });
    const today = await partyToday(ctx);
    const overdue = (await ctx.services.roadmap.tasksOf(ctx.match[1]!, ['open', 'returned'])).map((x) => x.task).filter((t) => t.due && t.due < today);
    const result = await pushTasks({ services: ctx.services, sent: ctx.services.reminders.sent }, ctx.services.clock(), territory.id, overdue);
    if (result.nudged + result.nobody === 0) return ctx.answerCallbackQuery({ text: ctx.t('status.not_found'), show_alert: true });
    ctx.services.reminders.queuedNow();
    const text = ctx.t('nudges.push_done', result);
    await ctx.answerCallbackQuery({ text: text.slice(0, 200) });
    await ctx.reply(text);
  });

  return feature;
}

/** The school's /status text (for its head or curator, and for a coordinator who opens it). */
async function schoolStatusText(ctx: BotContext, school: string, today: string): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const [status, indicators] = await Promise.all([schoolStatus(ctx.services, school, today), ctx.services.indicators.forSchool(school)]);
  const name = await ctx.services.territory.nameOf({ level: 'organization', id: school });
  const t = ctx.t;
  const line = (x: { task: { due: string | null }; item: { number: string; name: string } }) =>
    `• ${`${x.item.number.replace(/\.$/, '')} ${clip(oneLine(x.item.name), 90)}`.trim()} — ${dueText(t, x.task.due, today)}`;
  const lines = [t('status.title', { school: name })];
  lines.push('', status.overdue.length > 0 ? t('status.overdue', { count: status.overdue.length }) : t('status.overdue_none'));
  for (const x of status.overdue.slice(0, LIST)) lines.push(line(x));
  if (status.overdue.length > LIST) lines.push(t('status.more', { count: status.overdue.length - LIST }));
  lines.push('', status.soon.length > 0 ? t('status.soon', { count: status.soon.length, days: STATUS_HORIZON_DAYS }) : t('status.soon_none', { days: STATUS_HORIZON_DAYS }));
  for (const x of status.soon.slice(0, LIST)) lines.push(line(x));
  if (status.soon.length > LIST) lines.push(t('status.more', { count: status.soon.length - LIST }));
  if (status.returned.length > 0) {
    lines.push('', t('status.returned', { count: status.returned.length }));
    for (const x of status.returned.slice(0, LIST)) lines.push(`${line(x)}${x.reason ? ` — «${clip(oneLine(x.reason), 120)}»` : ''}`);
  }
  if (status.onReview > 0) lines.push('', t('status.on_review', { count: status.onReview }));
  const r = status.register;
  lines.push('', t('status.register', { pairs: r.pairs, mentors: r.mentors }));
  const mentees = MENTEE_CATEGORIES.filter((c) => (r.mentees[c] ?? 0) > 0).map((c) => `${t(`register.mentee_category.${c}`)} — ${r.mentees[c]}`);
  lines.push(mentees.length > 0 ? t('status.mentees', { list: mentees.join(', ') }) : t('status.mentees_none'));
  lines.push(r.youngSpecialists.of === null ? t('status.young_unknown', { with: r.youngSpecialists.withMentor }) : t('status.young', { with: r.youngSpecialists.withMentor, of: r.youngSpecialists.of }));
  // The school's indicators that are below target, and how many lack data.
  const below = indicators.filter((v) => v.colour === 'red' || v.colour === 'amber');
  lines.push('', below.length > 0 ? t('indicators.status_below') : t('indicators.status_all_met'));
  for (const v of below) lines.push(indicatorLine(t, v, ctx.language));
  const unknown = colourCounts(indicators).none;
  if (unknown > 0) lines.push(t('indicators.status_no_data', { count: unknown }));
  return { text: lines.join('\n'), keyboard: new InlineKeyboard().text(t('status.buttons.tasks'), 'task:l:0') };
}

/** An organization of the coordinator's territory, or null (a guessed id of another territory). */
async function schoolIn(ctx: BotContext, territory: Scope, orgId: string): Promise<string | null> {
  const view = await ctx.services.territory.describeScope({ level: 'organization', id: orgId });
  const org = view?.organization;
  return org && (org.municipalityId === territory.id || org.regionId === territory.id) ? org.id : null;
}

/** A coordinator's /status: who is in the bot, how the tasks stand, the ten most overdue with Open and Nudge. */
async function coordinatorStatus(ctx: BotContext, territory: Territory): Promise<void> {
  // A region's figures take seconds to read: the chat shows «печатает…» meanwhile.
  await ctx.replyWithChatAction('typing').catch(() => undefined);
  const today = await partyToday(ctx);
  // The tasks and the indicators are read side by side: a coordinator's /status comes within a second.
  const [status, { region: indicators, municipalities: byMunicipality }] = await Promise.all([
    territoryStatus(ctx.services, territory, today),
    territory.level === 'region'
      ? ctx.services.indicators.regionView(territory.id)
      : ctx.services.indicators.forTerritory(territory).then((region) => ({ region, municipalities: [] as { id: string; values: IndicatorValue[] }[] })),
  ]);
  const t = ctx.t;
  const region = territory.level === 'region';
  const lines = [t('status.territory_title', { territory: await ctx.services.territory.nameOf(territory) })];
  lines.push(t(region ? 'status.municipalities_joined' : 'status.schools_joined', status.parties));
  lines.push(t('status.tasks', status.tasks));
  lines.push(t('indicators.status_territory', colourCounts(indicators)));
  const below = belowTarget(t, indicators);
  if (below) lines.push(t('indicators.by_municipality_worst', { list: below }));
  const colours = new Map(byMunicipality.map((m) => [m.id, colourCounts(m.values)]));
  for (const m of status.municipalities ?? []) {
    lines.push(t('status.municipality_line', m));
    if (colours.has(m.id)) lines.push(t('indicators.status_municipality', colours.get(m.id)));
  }
  const keyboard = new InlineKeyboard();
  if (status.mostOverdue.length > 0) {
    lines.push('', t('status.most_overdue'));
    for (const [i, p] of status.mostOverdue.entries()) {
      lines.push(t(p.joined ? 'status.overdue_line' : 'status.overdue_line_nobody', { n: i + 1, name: p.name, count: p.overdue }));
      if (!region) keyboard.text(`📋 ${i + 1}`, `ss:o:${p.id}`);
      keyboard.text(`🔔 ${i + 1}`, `ss:n:${p.id}`).row();
    }
    lines.push(t(region ? 'status.buttons_hint_region' : 'status.buttons_hint'));
  } else lines.push('', t('status.overdue_none'));
  await ctx.reply(lines.join('\n'), status.mostOverdue.length > 0 ? { reply_markup: keyboard } : {});
}

const PAGE = 10;

/** 🔴 overdue, 🟡 due within a week, ✅ nothing pressing; 👤 nobody of the school is in the bot. */
function markOf(m: SchoolMark): string {
  return `${m.overdue > 0 ? '🔴' : m.soon > 0 ? '🟡' : '✅'}${m.joined ? '' : '👤'}`;
}

async function schoolsPage(ctx: BotContext, territory: Scope, page: number): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const today = await partyToday(ctx);
  const all = await schoolMarks(ctx.services, territory, today);
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const shown = all.slice(p * PAGE, (p + 1) * PAGE);
  const lines = [ctx.t('status.schools_title', { count: all.length, page: p + 1, pages })];
  const keyboard = new InlineKeyboard();
  for (const [i, m] of shown.entries()) {
    const n = p * PAGE + i + 1;
    lines.push(ctx.t('status.school_line', { n, mark: markOf(m), name: m.name, overdue: m.overdue, soon: m.soon }));
    keyboard.text(`📋 ${n}`, `ss:o:${m.id}`);
    if (i % 5 === 4) keyboard.row();
  }
  lines.push('', ctx.t('status.schools_legend'));
  keyboard.row();
  if (p > 0) keyboard.text('◀️', `sc:p:${p - 1}`);
  if (p < pages - 1) keyboard.text('▶️', `sc:p:${p + 1}`);
  return { text: lines.join('\n'), keyboard };
}
