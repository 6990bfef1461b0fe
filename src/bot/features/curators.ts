import { Composer, InlineKeyboard } from 'grammy';
import type { User } from '../../domain/people/people.types';
import { setChatCommands } from '../commands';
import type { BotContext } from '../context';
import { showInPlace } from '../show';
import { formatDateTime } from '../format';
import { translator } from '../i18n';
import { allow } from '../middlewares/access';

/** The head's own school, or null: only a head decides who keeps the register with them. */
function headSchool(ctx: BotContext): string | null {
  const { user } = ctx;
  return user?.role === 'head' && user.scope?.level === 'organization' ? user.scope.id : null;
}

async function schoolView(ctx: BotContext, schoolId: string) {
  return ctx.services.territory.describeScope({ level: 'organization', id: schoolId });
}

/** The list of the school's curators with a button to invite one more and one to remove each. */
async function render(ctx: BotContext, schoolId: string) {
  const view = await schoolView(ctx, schoolId);
  const timezone = view?.timezone ?? 'Europe/Moscow';
  const { curators } = await ctx.services.people.schoolPeople(schoolId);
  const lines = [ctx.t('curators.header', { school: view?.organization?.shortName ?? '' })];
  if (curators.length === 0) lines.push(ctx.t('curators.none'));
  curators.forEach((c, i) =>
    lines.push(
      ctx.t('curators.line', {
        index: i + 1,
        name: c.fullName ?? '—',
        position: c.position ?? '—',
        since: c.registeredAt ? formatDateTime(c.registeredAt, timezone, ctx.language).slice(0, 10) : '—',
      }),
    ),
  );
  lines.push('', ctx.t('curators.explain'));
  const keyboard = new InlineKeyboard().text(ctx.t('curators.buttons.invite'), 'cur:inv').row();
  curators.forEach((c, i) => keyboard.text(ctx.t('curators.buttons.remove', { index: i + 1, name: c.fullName ?? '' }), `cur:rm:${c.telegramId}`).row());
  return { text: lines.join('\n'), keyboard };
}


/** Tells the person whose role was taken away, in their language, and gives them a guest's menu at once. */
async function tellRemoved(ctx: BotContext, removed: User, school: string) {
  const chatId = removed.chatId ?? removed.telegramId;
  const language = removed.language ?? 'ru';
  try {
    await ctx.api.sendMessage(chatId, translator(language)('curators.removed_notice', { school }));
    await setChatCommands(ctx.api, chatId, null, language);
  } catch (err) {
    // They may have blocked the bot; the removal itself stands.
    ctx.logger.warn({ err, userId: removed.telegramId }, 'could not tell a removed curator');
  }
}

/**
 * /curators: a head sees their school's mentoring curators, invites a new one (a single-use link for this school)
 * and removes one (after confirming). A curator keeps the register with the head's rights but cannot manage curators.
 */
export function curatorsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('curators', allow('curators'), async (ctx) => {
    const schoolId = headSchool(ctx);
    if (!schoolId) return ctx.reply(ctx.t('register.list.no_school'));
    const { text, keyboard } = await render(ctx, schoolId);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  feature.callbackQuery('cur:list', async (ctx) => {
    const schoolId = headSchool(ctx);
    if (!schoolId) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    const { text, keyboard } = await render(ctx, schoolId);
    await showInPlace(ctx, text, keyboard);
  });

  feature.callbackQuery('cur:inv', async (ctx) => {
    const schoolId = headSchool(ctx);
    if (!schoolId) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    await ctx.answerCallbackQuery();
    const invite = await ctx.services.people.inviteCurator(schoolId, ctx.from.id);
    const view = await schoolView(ctx, schoolId);
    await ctx.reply(
      ctx.t('curators.invite_created', {
        school: view?.organization?.fullName ?? '',
        link: `https://t.me/${ctx.me.username}?start=${invite.code}`,
        code: invite.code,
        expires: formatDateTime(invite.expiresAt, view?.timezone ?? 'Europe/Moscow', ctx.language),
      }),
    );
  });

  feature.callbackQuery(/^cur:rm:(\d{1,15})$/, async (ctx) => {
    const schoolId = headSchool(ctx);
    if (!schoolId) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    const id = Number(ctx.match[1]);
    const { curators } = await ctx.services.people.schoolPeople(schoolId);
    const curator = curators.find((c) => c.telegramId === id);
    if (!curator) return ctx.answerCallbackQuery({ text: ctx.t('curators.not_found'), show_alert: true });
    const keyboard = new InlineKeyboard().text(ctx.t('curators.buttons.remove_yes'), `cur:rmy:${id}`).text(ctx.t('curators.buttons.remove_no'), 'cur:list');
    await showInPlace(ctx, ctx.t('curators.confirm_remove', { name: curator.fullName ?? '' }), keyboard);
  });

  feature.callbackQuery(/^cur:rmy:(\d{1,15})$/, async (ctx) => {
    const schoolId = headSchool(ctx);
    if (!schoolId) return ctx.answerCallbackQuery({ text: ctx.t('access.denied') });
    // Scoped by the head's own school: a guessed id of another school's curator matches nothing.
    const removed = await ctx.services.people.removeCurator(schoolId, Number(ctx.match[1]));
    if (!removed) return ctx.answerCallbackQuery({ text: ctx.t('curators.not_found'), show_alert: true });
    const view = await schoolView(ctx, schoolId);
    await tellRemoved(ctx, removed, view?.organization?.shortName ?? '');
    const { text, keyboard } = await render(ctx, schoolId);
    await showInPlace(ctx, `${ctx.t('curators.removed', { name: removed.fullName ?? '' })}\n\n${text}`, keyboard);
  });

  return feature;
}
