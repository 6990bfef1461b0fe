import { InlineKeyboard } from 'grammy';
import type { Language, User } from '../../domain/people/people.types';
import type { Services } from '../../domain/services';
import { nameKey } from '../../domain/shared/names';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { organizationsVisibleTo } from '../features/orgs';
import { formatDateTime } from '../format';
import { translator } from '../i18n';
import { failedStepText, guardedStep, waitInDialogue } from './ask';

export const INVITE_HEAD = 'invite-head';
const MAX_BUTTONS = 8;

export interface InviteHeadArgs {
  language: Language;
  query?: string;
}

interface OrgChoice {
  id: string;
  name: string;
  key: string;
}

/**
 * A coordinator picks one of their organizations (buttons or their numbers, or a part of its name first when there
 * are many) and gets a single-use invite link for its head, to forward as it is. Any command ends the dialogue.
 */
export function createInviteHeadConversation(deps: { services: Services; logger: Logger }) {
  return async function inviteHead(conversation: BotConversation, ctx: ConversationContext, args: InviteHeadArgs) {
    const t = translator(args.language);
    const telegramId = ctx.from!.id;
    const orgs = await conversation.external(async (): Promise<OrgChoice[]> => {
      const user = (await deps.services.people.getUser(telegramId)) as User;
      const list = await organizationsVisibleTo(deps.services, user);
      return list.map((o) => ({ id: o.id, name: o.shortName, key: `${nameKey(o.fullName)} ${nameKey(o.shortName)}` }));
    });
    if (orgs.length === 0) {
      await ctx.reply(t('orgs.empty'));
      return;
    }

    /** Shows the organizations matching the query: buttons when few, else a request to narrow it down. */
    let shown: OrgChoice[] = [];
    const offer = async (reply: ConversationContext, query: string) => {
      const found = query ? orgs.filter((o) => o.key.includes(nameKey(query))) : orgs;
      if (found.length === 0) {
        await reply.reply(t('invite_cmd.not_found', { query }));
      } else if (found.length > MAX_BUTTONS) {
        await reply.reply(query ? t('invite_cmd.too_many', { query, count: found.length }) : t('invite_cmd.ask_query', { count: found.length }));
      } else {
        const keyboard = new InlineKeyboard();
        found.forEach((o, i) => keyboard.text(`${i + 1}. ${o.name}`, `invorg:${o.id}`).row());
        await reply.reply(t('invite_cmd.choose_org'), { reply_markup: keyboard });
        shown = found;
      }
    };

    await offer(ctx, args.query?.trim() ?? '');
    for (;;) {
      const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
      let chosen: OrgChoice | undefined;
      const data = answer.callbackQuery?.data;
      if (answer.callbackQuery) {
        chosen = data?.startsWith('invorg:') ? orgs.find((o) => o.id === data.slice('invorg:'.length)) : undefined;
        if (!chosen) {
          await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
          continue;
        }
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup({ reply_markup: undefined });
      } else {
        const text = answer.message?.text?.trim();
        if (!text) {
          await answer.reply(t('onboarding.need_text'));
          continue;
        }
        const number = /^\d{1,2}$/.test(text) ? Number(text) : 0;
        chosen = number >= 1 ? shown[number - 1] : undefined;
        if (!chosen) {
          await offer(answer, text);
          continue;
        }
      }

      const step = await guardedStep(conversation, deps, { userId: telegramId, step: 'invite-head.create' }, async () => {
        const invite = await deps.services.people.createInvite({
          role: 'head',
          scope: { level: 'organization', id: chosen.id },
          createdBy: `telegram:${telegramId}`,
        });
        const scope = await deps.services.territory.describeScope(invite.scope);
        return {
          code: invite.code,
          organization: scope?.organization?.fullName ?? chosen.name,
          expires: formatDateTime(invite.expiresAt, scope?.timezone ?? 'Europe/Moscow', args.language),
        };
      });
      if (!step.ok) {
        await answer.reply(failedStepText(t, step));
        continue;
      }
      const created = step.value;
      const link = `https://t.me/${answer.me.username}?start=${created.code}`;
      await answer.reply(t('invite_cmd.created', { organization: created.organization, link, code: created.code, expires: created.expires }));
      return;
    }
  };
}
