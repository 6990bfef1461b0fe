import { InlineKeyboard } from 'grammy';
import type { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import { countSchema, freeTextSchema, parseYesNo, satisfactionSchema, zeroByForm } from '../../domain/monitoring/monitoring-input';
import type { MonitoringInput, RegisterFigures } from '../../domain/monitoring/monitoring.types';
import { FORMS } from '../../domain/register/register.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator, type TFunction } from '../i18n';
import { showDate } from '../roadmap-format';
import { askChoice, failedStepText, guardedStep, type Parsed } from './ask';

export const MONITORING_DIALOGUE = 'monitoring';

export interface MonitoringArgs {
  language: Language;
  taskId: string;
  /** The school whose task it is, as the person's record said when they pressed the button. */
  schoolId: string;
  /** The round's item name («Мониторинг реализации ЦМН за IV квартал 2026 г.»). */
  title: string;
  due: string | null;
  /** The school's register when the questionnaire opened, for the «Как в реестре» buttons. */
  register: RegisterFigures;
  /** The school answered this round before: the new answers replace the old. */
  again: boolean;
}

const SEND = 'mon:q:send';
const AGAIN = 'mon:q:again';
const RETRY = 'mon:q:retry';
const SKIP = 'mon:q:skip';
const YES = 'mon:q:yes';
const NO = 'mon:q:no';
const REGISTER_ALL = 'mon:q:reg';
const BY_FORM = 'mon:q:forms';
const AS_REGISTER = 'mon:q:as';

const bySchema =
  <T>(schema: z.ZodType<T>) =>
  (text: string): Parsed<T> =>
    parseInput(schema, text);

/** The answers as the person checks them before sending (and as the task's evidence keeps them). */
function answersText(t: TFunction, a: MonitoringInput): string {
  const total = FORMS.reduce((n, f) => n + a.participants[f], 0);
  const yesNo = (v: boolean) => t(v ? 'monitoring.summary.yes' : 'monitoring.summary.no');
  return [
    t('monitoring.summary.programmes', { count: a.programmes }),
    t('monitoring.summary.participants', { total }),
    ...FORMS.map((f) => t('monitoring.form_line', { form: t(`register.form.${f}`), count: a.participants[f] })),
    t('monitoring.summary.went_well', { text: a.wentWell ?? t('monitoring.summary.skipped') }),
    t('monitoring.summary.obstacles', { text: a.obstacles ?? t('monitoring.summary.skipped') }),
    t('monitoring.summary.satisfaction', { value: a.satisfaction }),
    t('monitoring.summary.site_section', { value: yesNo(a.siteSection) }),
    t('monitoring.summary.assessment', { value: yesNo(a.independentAssessment) }),
  ].join('\n');
}

/**
 * The quarterly monitoring questionnaire of one school: programmes, participants by form (the register's figures
 * one press away), what went well, what got in the way, satisfaction 1–10, the website section and the independent
 * assessment; then a summary with «Отправить» / «Заново». Nothing is stored before «Отправить»; the state lives with
 * the conversation in Redis, so a restart in the middle continues at the same question.
 */
export function createMonitoringConversation(deps: { services: Services; logger: Logger }) {
  return async function monitoring(conversation: BotConversation, ctx: ConversationContext, args: MonitoringArgs) {
    const t = translator(args.language);
    const due = showDate(args.due);
    await ctx.reply(t(args.again ? 'monitoring.q.intro_again' : 'monitoring.q.intro', { title: args.title, due }));

    const askCount = async (question: string, registerValue: number): Promise<number> => {
      const keyboard = new InlineKeyboard().text(t('monitoring.buttons.as_register', { count: registerValue }), AS_REGISTER);
      const got = await askChoice(conversation, ctx, t, question, keyboard, bySchema(countSchema), 'monitoring.errors.not_number');
      return 'value' in got ? got.value : registerValue;
    };
    const askText = async (question: string): Promise<string | null> => {
      const got = await askChoice(conversation, ctx, t, question, new InlineKeyboard().text(t('monitoring.buttons.skip'), SKIP), bySchema(freeTextSchema), 'monitoring.errors.text_only');
      return 'value' in got ? got.value : null;
    };
    const askYesNo = async (question: string): Promise<boolean> => {
      const keyboard = new InlineKeyboard().text(t('monitoring.buttons.yes'), YES).text(t('monitoring.buttons.no'), NO);
      const read = (text: string): Parsed<boolean> => {
        const v = parseYesNo(text);
        return v === null ? { ok: false, errorKey: 'monitoring.errors.yes_no' } : { ok: true, value: v };
      };
      const got = await askChoice(conversation, ctx, t, question, keyboard, read, 'monitoring.errors.yes_no');
      return 'value' in got ? got.value : got.data === YES;
    };

    for (;;) {
      const programmes = await askCount(t('monitoring.q.programmes'), args.register.programmes);

      const participants = zeroByForm();
      const lines = FORMS.map((f) => t('monitoring.form_line', { form: t(`register.form.${f}`), count: args.register.participants[f] })).join('\n');
      const whole = await askChoice(
        conversation,
        ctx,
        t,
        t('monitoring.q.participants_register', { lines }),
        new InlineKeyboard().text(t('monitoring.buttons.register_all'), REGISTER_ALL).row().text(t('monitoring.buttons.by_form'), BY_FORM),
        undefined,
        'monitoring.errors.use_buttons',
      );
      if ('data' in whole && whole.data === REGISTER_ALL) {
        Object.assign(participants, args.register.participants);
      } else {
        for (const form of FORMS) {
          participants[form] = await askCount(t('monitoring.q.participants_form', { form: t(`register.form.${form}`) }), args.register.participants[form]);
        }
      }

      const wentWell = await askText(t('monitoring.q.went_well'));
      const obstacles = await askText(t('monitoring.q.obstacles'));

      const scale = new InlineKeyboard();
      for (let n = 1; n <= 10; n++) {
        scale.text(String(n), `mon:q:s:${n}`);
        if (n === 5) scale.row();
      }
      const score = await askChoice(conversation, ctx, t, t('monitoring.q.satisfaction'), scale, bySchema(satisfactionSchema), 'monitoring.errors.satisfaction');
      const satisfaction = 'value' in score ? score.value : Number(score.data.split(':').pop());

      const siteSection = await askYesNo(t('monitoring.q.site_section'));
      const independentAssessment = await askYesNo(t('monitoring.q.assessment'));

      const answers: MonitoringInput = { programmes, participants, wentWell, obstacles, satisfaction, siteSection, independentAssessment };
      const text = answersText(t, answers);
      const confirm = await askChoice(
        conversation,
        ctx,
        t,
        `${t('monitoring.summary.title')}\n${text}\n\n${t('monitoring.summary.confirm')}`,
        new InlineKeyboard().text(t('monitoring.buttons.send'), SEND).text(t('monitoring.buttons.again'), AGAIN),
        undefined,
        'monitoring.errors.use_buttons',
      );
      if ('data' in confirm && confirm.data === AGAIN) continue;

      const actor = ctx.from!.id;
      const summary = `${t('monitoring.summary.evidence')}\n${text}`;
      // A failure keeps every answer: one press sends them again.
      for (;;) {
        // The person must still answer for this school (a curator removed meanwhile does not): `keeps`.
        const step = await guardedStep(conversation, deps, { userId: actor, step: 'monitoring.submit', keeps: args.schoolId }, () =>
          deps.services.monitoring.submit(args.schoolId, args.taskId, answers, actor, summary),
        );
        if (step.ok) {
          const outcome = step.value;
          if (outcome === 'saved') await ctx.reply(t('monitoring.saved'));
          else if (outcome === 'closed') await ctx.reply(t('monitoring.closed'));
          else await ctx.reply(t('tasks.not_found'));
          return;
        }
        if ('denied' in step) {
          await ctx.reply(failedStepText(t, step));
          return;
        }
        // Not offerRetry: its button («Сохранить ещё раз») and its answers to anything else are the register's.
        await askChoice(conversation, ctx, t, failedStepText(t, step), new InlineKeyboard().text(t('monitoring.buttons.retry'), RETRY), undefined, 'monitoring.errors.use_buttons');
      }
    }
  };
}
