import { InlineKeyboard } from 'grammy';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import type { Language } from '../../domain/people/people.types';
import { DEFAULT_POLICY, parseBeforeDays, POLICY_BOUNDS, policyOf, policyProblem, type PolicyProblem, type ReminderPolicy } from '../../domain/reminders/policy';
import type { Roadmap } from '../../domain/roadmap/roadmap.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator, type TFunction } from '../i18n';
import { clip, oneLine } from '../roadmap-format';
import { failedStepText, guardedStep, waitInDialogue } from './ask';

export const SETTINGS_DIALOGUE = 'reminder-settings';

/** The numbers of a policy a coordinator types; the switches are buttons and need no dialogue. */
export type PolicyNumber = 'before' | 'overdueEvery' | 'escalateAfter';

export interface SettingsArgs {
  language: Language;
  /** The coordinator's territory, taken from the person when the button was pressed (never from the button). */
  ownerId: string;
  roadmapId: string;
  field: PolicyNumber;
}

/** Callback data of the settings card; every id in it is checked against the presser's own territory. */
export const SETTINGS_DATA = {
  open: (id: string) => `st:o:${id}`,
  before: (id: string) => `st:b:${id}`,
  onDue: (id: string) => `st:d:${id}`,
  overdueEvery: (id: string) => `st:x:${id}`,
  escalateAfter: (id: string) => `st:e:${id}`,
  digest: (id: string) => `st:g:${id}`,
  reset: (id: string) => `st:r:${id}`,
  list: 'st:list',
  close: 'st:close',
} as const;

const samePolicy = (a: ReminderPolicy, b: ReminderPolicy) =>
  a.onDue === b.onDue && a.overdueEvery === b.overdueEvery && a.escalateAfter === b.escalateAfter && a.digest === b.digest && a.before.join() === b.before.join();

/** Is this the default policy, whether stored or not. */
export const isDefaultPolicy = (policy: ReminderPolicy) => samePolicy(policy, DEFAULT_POLICY);

/** What to store: nothing when the coordinator came back to the default, so the roadmap follows the default again. */
export const toStore = (policy: ReminderPolicy): ReminderPolicy | null => (isDefaultPolicy(policy) ? null : policy);

/** «14, 7 и 1» */
function listText(t: TFunction, days: number[]): string {
  if (days.length <= 1) return days.join('');
  return `${days.slice(0, -1).join(', ')}${t('settings.and')}${days.at(-1)}`;
}

/** «за 7 и 1 дн. до срока», or that nothing is sent before the due day. */
export function beforeText(t: TFunction, days: number[]): string {
  return days.length === 0 ? t('settings.before_none') : t('settings.before_days', { days: listText(t, [...days].sort((a, b) => b - a)) });
}

/** The settings card: the policy of one roadmap in plain words, and whether it is the default. */
export function settingsCard(t: TFunction, roadmap: Pick<Roadmap, 'id' | 'title' | 'policy'>, several: boolean): { text: string; keyboard: InlineKeyboard } {
  const policy = policyOf(roadmap.policy);
  const text = [
    t('settings.card.title', { title: clip(oneLine(roadmap.title), 200) }),
    `• ${beforeText(t, policy.before)};`,
    `• ${t('settings.card.on_due', { value: t(policy.onDue ? 'settings.yes' : 'settings.no') })};`,
    `• ${t('settings.card.overdue', { days: policy.overdueEvery })};`,
    `• ${t('settings.card.escalate', { day: policy.escalateAfter })};`,
    `• ${t('settings.card.digest', { value: t(policy.digest ? 'settings.on' : 'settings.off') })}.`,
    '',
    t(isDefaultPolicy(policy) ? 'settings.card.is_default' : 'settings.card.is_custom'),
  ].join('\n');
  const id = roadmap.id;
  const keyboard = new InlineKeyboard()
    .text(t('settings.buttons.before'), SETTINGS_DATA.before(id))
    .row()
    .text(t(policy.onDue ? 'settings.buttons.on_due_off' : 'settings.buttons.on_due_on'), SETTINGS_DATA.onDue(id))
    .row()
    .text(t('settings.buttons.overdue'), SETTINGS_DATA.overdueEvery(id))
    .text(t('settings.buttons.escalate'), SETTINGS_DATA.escalateAfter(id))
    .row()
    .text(t(policy.digest ? 'settings.buttons.digest_off' : 'settings.buttons.digest_on'), SETTINGS_DATA.digest(id))
    .row();
  keyboard.text(t('settings.buttons.reset'), SETTINGS_DATA.reset(id)).row();
  if (several) keyboard.text(t('settings.buttons.back_list'), SETTINGS_DATA.list);
  keyboard.text(t('settings.buttons.close'), SETTINGS_DATA.close);
  return { text, keyboard };
}

/** The localized reason a policy is refused, naming the bounds. */
export function problemText(t: TFunction, problem: PolicyProblem): string {
  const b = POLICY_BOUNDS;
  if (problem === 'before_count') return t('settings.errors.before_count', { count: b.before.count });
  if (problem === 'before_range') return t('settings.errors.before_range', { min: b.before.min, max: b.before.max, count: b.before.count });
  if (problem === 'overdue_range') return t('settings.errors.overdue', { min: b.overdueEvery.min, max: b.overdueEvery.max });
  return t('settings.errors.escalate', { min: b.escalateAfter.min, max: b.escalateAfter.max });
}

/** One whole number, optionally followed by «дн.», «дней», «days». */
function parseDays(text: string): number | null {
  const m = /^(\d{1,3})\s*(дн\.?|дня|дней|день|days?)?$/i.exec(text.trim());
  return m ? Number(m[1]) : null;
}

/** The policy with the typed answer in place of one number, or the reason it cannot be. */
export function withAnswer(policy: ReminderPolicy, field: PolicyNumber, text: string): { policy: ReminderPolicy } | { problem: PolicyProblem } {
  if (field === 'before') {
    const before = parseBeforeDays(text);
    if (!before) return { problem: 'before_range' };
    const changed = { ...policy, before };
    const problem = policyProblem(changed);
    return problem ? { problem } : { policy: changed };
  }
  const value = parseDays(text);
  const notNumber: PolicyProblem = field === 'overdueEvery' ? 'overdue_range' : 'escalate_range';
  if (value === null) return { problem: notNumber };
  const changed = { ...policy, [field]: value };
  const problem = policyProblem(changed);
  return problem ? { problem } : { policy: changed };
}

function question(t: TFunction, field: PolicyNumber, policy: ReminderPolicy): string {
  const b = POLICY_BOUNDS;
  if (field === 'before') return t('settings.ask.before', { current: beforeText(t, policy.before), min: b.before.min, max: b.before.max, count: b.before.count });
  if (field === 'overdueEvery') return t('settings.ask.overdue', { current: policy.overdueEvery, min: b.overdueEvery.min, max: b.overdueEvery.max });
  return t('settings.ask.escalate', { current: policy.escalateAfter, min: b.escalateAfter.min, max: b.escalateAfter.max });
}

/**
 * A coordinator changes one number of a roadmap's reminder policy: the days before the due day, how often while
 * overdue, or the day of the escalation. A wrong answer is refused with the bounds and asked again; /cancel (or any
 * other command, or another button of the card) leaves the policy as it was. Saved at once, then the card again.
 */
export function createSettingsConversation(deps: { services: Services; logger: Logger }) {
  return async function settings(conversation: BotConversation, ctx: ConversationContext, args: SettingsArgs) {
    const t = translator(args.language);
    const actor = ctx.from!.id;

    const current = await conversation.external(async () => {
      const roadmap = await deps.services.roadmap.ownRoadmap(args.ownerId, args.roadmapId);
      return roadmap ? policyOf(roadmap.policy) : null;
    });
    if (!current) {
      await ctx.reply(t('settings.not_found'));
      return;
    }
    await ctx.reply(question(t, args.field, current));

    for (;;) {
      const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
      if (answer.callbackQuery) {
        // Another button of the card: the person moved on, the question is dropped and the button acts.
        if (answer.callbackQuery.data?.startsWith('st:')) await conversation.halt({ next: true });
        await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
        continue;
      }
      const text = answer.message?.text;
      if (text === undefined) {
        await answer.reply(t('onboarding.need_text'));
        continue;
      }
      const checked = withAnswer(current, args.field, text);
      if ('problem' in checked) {
        await answer.reply(`${problemText(t, checked.problem)}\n${t('settings.ask.again')}`);
        continue;
      }

      // Only the changed number is applied to the policy as stored now: a switch pressed meanwhile is kept.
      const saved = await guardedStep(conversation, deps, { userId: actor, step: `settings.${args.field}` }, async () => {
        const user = await deps.services.people.getUser(actor);
        if (coordinatorTerritoryOf(user)?.id !== args.ownerId) return { status: 'denied' as const };
        const roadmap = await deps.services.roadmap.ownRoadmap(args.ownerId, args.roadmapId);
        if (!roadmap) return { status: 'not_found' as const };
        const policy = { ...policyOf(roadmap.policy), [args.field]: checked.policy[args.field] };
        const result = await deps.services.roadmap.setPolicy(args.ownerId, args.roadmapId, toStore(policy));
        if (result === 'not_found') return { status: 'not_found' as const };
        if (result) return { status: 'problem' as const, problem: result };
        const several = (await deps.services.roadmap.roadmapsOf([args.ownerId])).length > 1;
        return { status: 'saved' as const, roadmap: { id: roadmap.id, title: roadmap.title, policy }, several };
      });
      if (!saved.ok) {
        // Nothing typed is lost: the same answer can be sent again.
        await answer.reply(failedStepText(t, saved));
        if ('denied' in saved) return;
        continue;
      }
      const value = saved.value;
      if (value.status === 'denied') await answer.reply(t('access.denied'));
      else if (value.status === 'not_found') await answer.reply(t('settings.not_found'));
      else if (value.status === 'problem') {
        await answer.reply(`${problemText(t, value.problem)}\n${t('settings.ask.again')}`);
        continue;
      } else {
        const card = settingsCard(t, value.roadmap, value.several);
        await answer.reply(`${t('settings.saved')}\n\n${card.text}`, { reply_markup: card.keyboard });
      }
      return;
    }
  };
}
