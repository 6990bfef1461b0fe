import { Composer, InlineKeyboard } from 'grammy';
import { coordinatorTerritoryOf, type Territory } from '../../domain/people/access';
import { openingDay, quarterKey, roundDeadline, romanOf, type Quarter } from '../../domain/monitoring/monitoring-calendar';
import { totalsOf } from '../../domain/monitoring/monitoring-input';
import type { OpenResult, RoundProgress } from '../../domain/monitoring/monitoring.service';
import type { MonitoringAnswer } from '../../domain/monitoring/monitoring.types';
import { todayIn } from '../../domain/register/register-input';
import { FORMS } from '../../domain/register/register.types';
import type { BotContext } from '../context';
import type { TFunction } from '../i18n';
import { allow } from '../middlewares/access';
import { showDate } from '../roadmap-format';
import { replyChunks, showInPlace } from '../show';

/** Schools named in the list of those that have not answered; the rest are counted. */
const MISSING_SHOWN = 15;

const quarterText = (t: TFunction, quarter: Quarter) => t('monitoring.quarter', { roman: romanOf(quarter), q: quarter.q, year: quarter.year });

/** The totals of a set of answers, as lines. */
function totalsLines(t: TFunction, language: string, answers: MonitoringAnswer[]): string[] {
  if (answers.length === 0) return [t('monitoring.view.no_answers')];
  const totals = totalsOf(answers);
  const number = new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'ru-RU', { maximumFractionDigits: 1 });
  const forms = FORMS.filter((f) => totals.participants[f] > 0).map((f) => t('monitoring.view.participant_item', { form: t(`register.form.${f}`), count: totals.participants[f] }));
  const total = FORMS.reduce((n, f) => n + totals.participants[f], 0);
  return [
    t('monitoring.view.totals', { count: totals.answers }),
    t('monitoring.view.programmes', { count: totals.programmes }),
    forms.length > 0 ? t('monitoring.view.participants', { list: forms.join(', '), total }) : t('monitoring.view.participants_none'),
    t('monitoring.view.satisfaction', { value: number.format(totals.satisfaction ?? 0) }),
    t('monitoring.view.site_section', { count: totals.siteSection, of: totals.answers }),
    t('monitoring.view.assessment', { count: totals.independentAssessment, of: totals.answers }),
  ];
}

/** The coordinator's view of the current quarter's round in their territory, with the start button when there is none. */
async function overview(ctx: BotContext, territory: Territory): Promise<{ text: string; keyboard?: InlineKeyboard }> {
  const { services } = ctx;
  const quarter = await services.monitoring.currentQuarter(territory);
  const name = (await services.territory.nameOf(territory)) || '—';
  const lines = [ctx.t('monitoring.view.title', { quarter: quarterText(ctx.t, quarter), territory: name })];
  const start = new InlineKeyboard().text(ctx.t('monitoring.buttons.start', { roman: romanOf(quarter), q: quarter.q }), `mon:start:${quarterKey(quarter)}`);
  const refresh = new InlineKeyboard().text(ctx.t('monitoring.buttons.refresh'), 'mon:v');
  const due = showDate(roundDeadline(quarter));

  if (territory.level === 'municipality') {
    const progress = await services.monitoring.progress(territory.id, quarter);
    if (!progress) {
      const today = todayIn(await services.territory.timezoneOf(territory), services.clock());
      const opens = openingDay(quarter);
      lines.push('', today < opens ? ctx.t('monitoring.view.not_started', { day: showDate(opens), due }) : ctx.t('monitoring.view.not_started_late', { due }));
      return { text: lines.join('\n'), keyboard: start };
    }
    lines.push(...roundLines(ctx.t, progress));
    lines.push('', ...totalsLines(ctx.t, ctx.language, progress.answers));
    return { text: lines.join('\n'), keyboard: refresh };
  }

  const rounds = (await services.monitoring.progressIn(territory.id, quarter)).map((r) => ({ name: r.municipality.name, progress: r.progress }));
  if (rounds.length === 0) return { text: [...lines, '', ctx.t('monitoring.view.no_municipalities')].join('\n') };
  const running = rounds.filter((r) => r.progress);
  lines.push(ctx.t('monitoring.view.due', { due }), ctx.t('monitoring.view.region_running', { running: running.length, of: rounds.length }));
  for (const r of rounds.sort((a, b) => a.name.localeCompare(b.name, 'ru'))) {
    lines.push(
      r.progress
        ? ctx.t('monitoring.view.region_line', { name: r.name, answered: r.progress.schools.filter((s) => s.answered).length, of: r.progress.schools.length })
        : ctx.t('monitoring.view.region_line_none', { name: r.name }),
    );
  }
  const schools = running.flatMap((r) => r.progress!.schools);
  const answers = running.flatMap((r) => r.progress!.answers);
  lines.push(ctx.t('monitoring.view.region_answered', { answered: schools.filter((s) => s.answered).length, of: schools.length }));
  lines.push('', ...totalsLines(ctx.t, ctx.language, answers));
  return { text: lines.join('\n'), keyboard: running.length < rounds.length ? start : refresh };
}

/** A municipality's round: deadline, answered X of Y, and who has not answered yet. */
function roundLines(t: TFunction, progress: RoundProgress): string[] {
  const missing = progress.schools.filter((s) => !s.answered);
  const lines = [
    t('monitoring.view.due', { due: showDate(progress.round.due) }),
    t('monitoring.view.answered', { answered: progress.schools.length - missing.length, of: progress.schools.length }),
  ];
  if (missing.length > 0) {
    lines.push('', t('monitoring.view.missing', { count: missing.length }));
    for (const s of missing.slice(0, MISSING_SHOWN)) lines.push(t('monitoring.view.missing_line', { name: s.name }));
    if (missing.length > MISSING_SHOWN) lines.push(t('monitoring.view.more', { count: missing.length - MISSING_SHOWN }));
  }
  return lines;
}

/** What starting the round did, one line per municipality (a region's: in short). */
function startedText(t: TFunction, territory: Territory, quarter: Quarter, results: OpenResult[]): string {
  const q = quarterText(t, quarter);
  if (territory.level === 'region') {
    return t('monitoring.started.region', { quarter: q, opened: results.filter((r) => r.status === 'opened').length, existing: results.filter((r) => r.status !== 'opened').length });
  }
  return results
    .map((r) => {
      const args = { quarter: q, territory: r.municipality.name, told: r.announced, due: showDate(r.round?.due ?? roundDeadline(quarter)) };
      if (r.status === 'busy') return t('monitoring.started.busy', args);
      if (r.status === 'exists') return t('monitoring.started.exists', args);
      return t(r.pending ? 'monitoring.started.opened_later' : 'monitoring.started.opened', args);
    })
    .join('\n');
}

/**
 * /monitoring for a coordinator: the current quarter's round of their territory (a region's per municipality) —
 * answered X of Y, who has not answered, the totals — and «Начать мониторинг» while there is none. Every button
 * takes the territory from the person, never from the button, so nobody reaches another territory's round.
 */
export function monitoringFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('monitoring', allow('monitoring'), async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.reply(ctx.t('invite_cmd.no_scope'));
    const { text, keyboard } = await overview(ctx, territory);
    await replyChunks(ctx, text, keyboard);
  });

  feature.callbackQuery('mon:v', async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.answerCallbackQuery({ text: ctx.t('access.denied'), show_alert: true });
    const { text, keyboard } = await overview(ctx, territory);
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery(/^mon:start:(\d{4}-Q[1-4])$/, async (ctx) => {
    const territory = coordinatorTerritoryOf(ctx.user);
    if (!territory) return ctx.answerCallbackQuery({ text: ctx.t('access.denied'), show_alert: true });
    const quarter = await ctx.services.monitoring.currentQuarter(territory);
    // A button of a past quarter, or one made up, starts nothing.
    if (quarterKey(quarter) !== ctx.match[1]) return ctx.answerCallbackQuery({ text: ctx.t('monitoring.stale'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    const results = await ctx.services.monitoring.start(territory, quarter, ctx.from.id);
    if (results.some((r) => r.announced > 0)) ctx.services.reminders.queuedNow();
    await ctx.reply(startedText(ctx.t, territory, quarter, results));
    const { text, keyboard } = await overview(ctx, territory);
    await replyChunks(ctx, text, keyboard);
  });

  return feature;
}
