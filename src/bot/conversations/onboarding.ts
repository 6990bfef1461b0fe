import { InlineKeyboard } from 'grammy';
import { fullNameSchema, positionSchema } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import { setChatCommands } from '../commands';
import type { BotConversation, ConversationContext } from '../context';
import { newErrorId } from '../middlewares/error-boundary';
import { roleLabel, scopeText } from '../format';
import { translator } from '../i18n';
import { askText, waitInDialogue } from './ask';

export const ONBOARDING = 'onboarding';

/** Everything the dialogue needs is passed in when it starts: outer plugins (session, i18n) do not run inside it. */
export interface OnboardingArgs {
  code: string;
  language: Language;
  /** Invite role and scope, already rendered in the person's language. */
  roleText: string;
  scopeText: string;
  /** The role the person holds now, when the invite would change it. */
  currentRoleText?: string;
}

export const CONSENT_DATA = { agree: 'onb:agree', decline: 'onb:decline', edit: 'onb:edit' } as const;

/**
 * Asks a person invited by a coordinator for their full name and position, shows what will be stored and the
 * 152-FZ consent, and binds their Telegram account only after they agree. Nothing is written before that press.
 */
export function createOnboardingConversation(deps: { services: Services; logger: Logger }) {
  return async function onboarding(conversation: BotConversation, ctx: ConversationContext, args: OnboardingArgs) {
    const t = translator(args.language);
    let greeting = t('onboarding.greeting', { role: args.roleText, scope: args.scopeText });
    if (args.currentRoleText) greeting += `\n\n${t('onboarding.role_change', { current: args.currentRoleText })}`;
    await ctx.reply(greeting);

    for (;;) {
      await ctx.reply(t('onboarding.ask_name'));
      const fullName = await askText(conversation, t, fullNameSchema, 'onboarding.ask_name');
      await ctx.reply(t('onboarding.ask_position'));
      const position = await askText(conversation, t, positionSchema, 'onboarding.ask_position');

      const keyboard = new InlineKeyboard()
        .text(t('onboarding.buttons.agree'), CONSENT_DATA.agree)
        .row()
        .text(t('onboarding.buttons.decline'), CONSENT_DATA.decline)
        .row()
        .text(t('onboarding.buttons.edit'), CONSENT_DATA.edit);
      const summary = t('onboarding.summary', { name: fullName, position, role: args.roleText, scope: args.scopeText });
      const consentMessage = await ctx.reply(`${summary}\n\n${t('onboarding.consent')}`, { reply_markup: keyboard });

      for (;;) {
        const answer = await waitInDialogue(conversation);
        const data = answer.callbackQuery?.data;
        if (data === undefined || answer.callbackQuery?.message?.message_id !== consentMessage.message_id) {
          if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
          else await answer.reply(t('onboarding.use_buttons'));
          continue;
        }
        await answer.answerCallbackQuery();
        if (data === CONSENT_DATA.edit) {
          await answer.editMessageReplyMarkup({ reply_markup: undefined });
          break;
        }
        if (data === CONSENT_DATA.decline) {
          await answer.editMessageReplyMarkup({ reply_markup: undefined });
          await answer.reply(t('onboarding.declined'));
          return;
        }
        if (data !== CONSENT_DATA.agree) {
          await answer.reply(t('onboarding.use_buttons'));
          continue;
        }

        const from = answer.from!;
        const chatId = answer.chat!.id;
        // Errors are caught inside the external step and logged once there, so that a replay does not log again
        // and the person can press the button again without retyping anything.
        const outcome = await conversation.external(async () => {
          try {
            const result = await deps.services.people.redeemInvite({
              code: args.code,
              telegramId: from.id,
              chatId,
              fullName,
              position,
              language: args.language,
            });
            if (result.status === 'bound' || result.status === 'already_bound') {
              // Only JSON-safe values leave an external step: they are stored and replayed from Redis.
              return {
                ok: true as const,
                status: result.status,
                role: roleLabel(t, result.user.role, result.user.scope?.level),
                scope: scopeText(t, result.scope),
                user: { ...result.user, registeredAt: undefined },
              };
            }
            return { ok: true as const, status: result.status };
          } catch (err) {
            const errorId = newErrorId();
            deps.logger.error({ err, errorId, userId: from.id, step: 'onboarding.redeem' }, 'onboarding failed');
            return { ok: false as const, errorId };
          }
        });

        if (!outcome.ok) {
          await answer.reply(t('errors.generic', { id: outcome.errorId }));
          continue; // the consent buttons stay; everything typed is kept
        }
        await answer.editMessageReplyMarkup({ reply_markup: undefined });
        if (outcome.status === 'bound' || outcome.status === 'already_bound') {
          const key = outcome.status === 'bound' ? 'onboarding.done' : 'invite.already_yours';
          await answer.reply(t(key, { role: outcome.role, scope: outcome.scope }));
          if (outcome.status === 'bound') {
            await conversation.external(() =>
              setChatCommands(answer.api, chatId, outcome.user, args.language).catch((err: unknown) =>
                deps.logger.warn({ err, userId: from.id }, 'could not set the chat command menu'),
              ),
            );
          }
        } else {
          await answer.reply(t(`invite.${outcome.status}`));
        }
        return;
      }
    }
  };
}
