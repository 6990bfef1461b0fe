import { InlineKeyboard } from 'grammy';
import { menuCommands } from '../../domain/people/access';
import { fullNameSchema, positionSchema } from '../../domain/people/onboarding-input';
import type { Role } from '../../domain/people/people.types';
import type { Services } from '../../domain/services';
import type { Scope, ScopeView } from '../../domain/territory/territory.types';
import type { Logger } from '../../logger';
import { setChatCommands } from '../commands';
import type { BotConversation, ConversationContext } from '../context';
import { roleLabel, scopeText } from '../format';
import { translator } from '../i18n';
import { askText, failedStepText, guardedStep, waitInDialogue } from './ask';

export const ONBOARDING = 'onboarding';

/**
 * What the dialogue needs, passed in when it starts (outer plugins such as the session do not run inside it).
 * Only plain data: it is stored in Redis with the dialogue and texts are rendered in the language of the moment.
 */
export interface OnboardingArgs {
  code: string;
  role: Role;
  level: Scope['level'];
  scope: ScopeView;
  /** The role the person holds now, when the invite would change it. */
  current?: { role: Role; level?: Scope['level']; scope: ScopeView | null };
}

export const CONSENT_DATA = { agree: 'onb:agree', decline: 'onb:decline', edit: 'onb:edit' } as const;

/**
 * Asks a person invited by a coordinator for their full name and position, shows what will be stored and the
 * 152-FZ consent, and binds their Telegram account only after they agree. Nothing is written before that press.
 */
export function createOnboardingConversation(deps: { services: Services; logger: Logger }) {
  return async function onboarding(conversation: BotConversation, ctx: ConversationContext, args: OnboardingArgs) {
    // The person may switch the language with /lang in the middle: read it from the outer context at each step.
    const currentLanguage = () => conversation.external((outer) => outer.language);
    let language = await currentLanguage();
    let t = translator(language);
    const role = () => roleLabel(t, args.role, args.level);

    let greeting = t('onboarding.greeting', { role: role(), scope: scopeText(t, args.scope) });
    if (args.current) {
      const current = `${roleLabel(t, args.current.role, args.current.level)} (${scopeText(t, args.current.scope).replace(/\n/g, ', ')})`;
      greeting += `\n\n${t('onboarding.role_change', { current })}`;
    }
    await ctx.reply(greeting);

    for (;;) {
      await ctx.reply(t('onboarding.ask_name'));
      const fullName = await askText(conversation, t, fullNameSchema, 'onboarding.ask_name');
      t = translator((language = await currentLanguage()));
      await ctx.reply(t('onboarding.ask_position'));
      const position = await askText(conversation, t, positionSchema, 'onboarding.ask_position');
      t = translator((language = await currentLanguage()));

      const keyboard = new InlineKeyboard()
        .text(t('onboarding.buttons.agree'), CONSENT_DATA.agree)
        .row()
        .text(t('onboarding.buttons.decline'), CONSENT_DATA.decline)
        .row()
        .text(t('onboarding.buttons.edit'), CONSENT_DATA.edit);
      const summary = t('onboarding.summary', { name: fullName, position, role: role(), scope: scopeText(t, args.scope) });
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

        t = translator((language = await currentLanguage()));
        const from = answer.from!;
        const chatId = answer.chat!.id;
        const step = await guardedStep(conversation, deps, { userId: from.id, step: 'onboarding.redeem' }, async () => {
          const result = await deps.services.people.redeemInvite({
            code: args.code,
            telegramId: from.id,
            chatId,
            fullName,
            position,
            language,
          });
          if (result.status === 'bound' || result.status === 'already_bound') {
            return { status: result.status, user: { ...result.user, registeredAt: undefined } };
          }
          return { status: result.status };
        });
        if (!step.ok) {
          await answer.reply(failedStepText(t, step));
          continue; // the consent buttons stay; everything typed is kept
        }
        const outcome = step.value;
        await answer.editMessageReplyMarkup({ reply_markup: undefined });
        if (outcome.status === 'bound' || outcome.status === 'already_bound') {
          const key = outcome.status === 'bound' ? 'onboarding.done' : 'invite.already_yours';
          await answer.reply(t(key, { role: role(), scope: scopeText(t, args.scope) }));
          if (outcome.status === 'bound') {
            await conversation.external(async (outer) => {
              try {
                await setChatCommands(answer.api, chatId, outcome.user, language);
                outer.session.menu = `${language}:${menuCommands(outcome.user).join(',')}`;
              } catch (err) {
                deps.logger.warn({ err, userId: from.id }, 'could not set the chat command menu');
              }
            });
          }
        } else {
          await answer.reply(t(`invite.${outcome.status}`));
        }
        return;
      }
    }
  };
}
