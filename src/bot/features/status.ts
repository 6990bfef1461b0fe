import { Composer, InlineKeyboard } from 'grammy';
import { taskPartyOf } from '../../domain/people/access';
import { MENTEE_CATEGORIES } from '../../domain/register/register.types';
import { schoolStatus, STATUS_HORIZON_DAYS } from '../../domain/status/school-status';
import type { BotContext } from '../context';
import { chunkLines } from '../format';
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
    const school = taskPartyOf(ctx.user);
    if (!school || ctx.user?.scope?.level !== 'organization') return ctx.reply(ctx.t('register.list.no_school'));
    const today = await partyToday(ctx);
    const status = await schoolStatus(ctx.services, school, today);
    const name = (await ctx.services.territory.describeScope({ level: 'organization', id: school }))?.organization?.shortName ?? '';
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
    const keyboard = new InlineKeyboard().text(t('status.buttons.tasks'), 'task:l:0');
    const chunks = chunkLines(lines);
    for (const [i, chunk] of chunks.entries()) await ctx.reply(chunk, i === chunks.length - 1 ? { reply_markup: keyboard } : {});
  });

  return feature;
}
