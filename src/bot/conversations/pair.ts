import { InlineKeyboard } from 'grammy';
import type { z } from 'zod';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import {
  ageSchema,
  dateSchema,
  gradeSchema,
  personNameSchema,
  positionSchema,
  programmeSchema,
  storedName,
} from '../../domain/register/register-input';
import { isPupil } from '../../domain/register/register-rules';
import {
  FORMS,
  MENTEE_CATEGORIES,
  MENTOR_CATEGORIES,
  type MenteeCategory,
  type MentorCategory,
  type MentoringForm,
  type NameMode,
  type PairDraft,
  type RegisterWarning,
} from '../../domain/register/register.types';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator, type TFunction } from '../i18n';
import { draftSummaryText, personLabel, warningText } from '../register-format';
import { failedStepText, guardedStep, waitInDialogue } from './ask';

export const PAIR_DIALOGUE = 'register-pair';

/** Plain data only: it is stored with the dialogue in Redis. */
export interface PairDialogueArgs {
  language: Language;
  schoolId: string;
  nameMode: NameMode;
  /** The school's calendar day, for «сегодня». */
  today: string;
  /** Editing an existing pair: its id, its draft and the labels of its two people. */
  edit?: { pairId: string; draft: PairDraft; mentorLabel: string; menteeLabel: string };
}

type Step =
  | 'mentor'
  | 'mentorName'
  | 'mentorCategory'
  | 'mentorPosition'
  | 'menteeName'
  | 'menteeCategory'
  | 'menteeAge'
  | 'menteeGrade'
  | 'form'
  | 'programme'
  | 'startDate';

const ORDER: Step[] = ['mentor', 'mentorName', 'mentorCategory', 'mentorPosition', 'menteeName', 'menteeCategory', 'menteeAge', 'menteeGrade', 'form', 'programme', 'startDate'];
/**
 * What each Edit button of the summary asks again: the field itself, then what depends on it (a new category asks
 * again for the position or class, or for a pupil's age and class). «Другой наставник» starts the mentor over.
 */
const FIELDS = {
  mentor: ['mentor', 'mentorName', 'mentorCategory', 'mentorPosition'],
  mentorName: ['mentorName'],
  mentorCategory: ['mentorCategory', 'mentorPosition'],
  mentorPosition: ['mentorPosition'],
  menteeName: ['menteeName'],
  menteeCategory: ['menteeCategory', 'menteeAge', 'menteeGrade'],
  menteeAge: ['menteeAge'],
  menteeGrade: ['menteeGrade'],
  form: ['form'],
  programme: ['programme'],
  startDate: ['startDate'],
} satisfies Record<string, Step[]>;
type Field = keyof typeof FIELDS;
const FIELD_ORDER = Object.keys(FIELDS) as Field[];

const BACK = 'pf:back';
const CANCEL = 'pf:cancel';
const value = (v: string) => `pf:v:${v}`;

type Answer = { back: true } | { cancel: true } | { value: string };

/**
 * Adds a pair to the school's register, or edits one, step by step: choices are buttons, free text is checked
 * with the domain's schemas and asked again with the reason; Back returns to the previous step; a summary with an
 * Edit button per field comes before anything is saved, with the consistency warnings the head should see.
 */
export function createPairConversation(deps: { services: Services; logger: Logger }) {
  return async function pairDialogue(conversation: BotConversation, ctx: ConversationContext, args: PairDialogueArgs) {
    const t: TFunction = translator(args.language);
    const codes = args.nameMode === 'codes';
    const nameKeySuffix = args.nameMode === 'initials' ? '_initials' : '';
    const editing = args.edit;
    const mentors = editing
      ? []
      : await conversation.external(async () =>
          (await deps.services.register.listMentors(args.schoolId)).map((m) => ({ id: m.id, label: personLabel(m), category: m.category as MentorCategory, position: m.position })),
        );

    // The draft being built; in edit mode it starts as the pair is.
    const draft: PairDraft = editing
      ? structuredClone(editing.draft)
      : { mentor: { category: 'teacher' }, mentee: { category: 'young_specialist' }, form: 'teacher_teacher', programme: '', startDate: args.today };

    if (codes && !editing) await ctx.reply(t('register.pair.codes_note'));

    const applies = (step: Step): boolean => {
      switch (step) {
        case 'mentor':
          return !editing && mentors.length > 0;
        case 'mentorName':
          return !codes && !draft.mentor.existingId;
        case 'mentorCategory':
        case 'mentorPosition':
          return !draft.mentor.existingId;
        case 'menteeName':
          return !codes;
        case 'menteeAge':
        case 'menteeGrade':
          return isPupil(draft.mentee.category);
        default:
          return true;
      }
    };

    /** Sends a question with buttons and waits for a press or a valid answer. */
    async function ask(question: string, options: { choices?: { label: string; value: string }[]; schema?: z.ZodType<unknown>; first?: boolean; extra?: { label: string; value: string }[] }): Promise<Answer> {
      const keyboard = new InlineKeyboard();
      for (const c of options.choices ?? []) keyboard.text(c.label, value(c.value)).row();
      for (const c of options.extra ?? []) keyboard.text(c.label, value(c.value));
      if (options.first) keyboard.text(t('register.pair.cancel'), CANCEL);
      else keyboard.text(t('register.pair.back'), BACK);
      const message = await ctx.reply(question, { reply_markup: keyboard });
      for (;;) {
        const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
        const data = answer.callbackQuery?.data;
        if (answer.callbackQuery) {
          if (answer.callbackQuery.message?.message_id !== message.message_id || !data) {
            await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
            continue;
          }
          await answer.answerCallbackQuery();
          await answer.editMessageReplyMarkup({ reply_markup: undefined });
          if (data === BACK) return { back: true };
          if (data === CANCEL) return { cancel: true };
          if (data.startsWith('pf:v:')) return { value: data.slice('pf:v:'.length) };
          continue;
        }
        const text = answer.message?.text;
        if (!options.schema || text === undefined) {
          await answer.reply(options.schema ? t('onboarding.need_text') : t('register.pair.use_buttons'));
          continue;
        }
        const parsed = parseInput(options.schema, text);
        if (parsed.ok) {
          await ctx.api.editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: undefined }).catch(() => undefined);
          return { value: String(parsed.value) };
        }
        await answer.reply(t(parsed.errorKey));
      }
    }

    /** Runs one step; returns how the dialogue moves on. */
    async function run(step: Step, first: boolean): Promise<Answer> {
      switch (step) {
        case 'mentor': {
          const answer = await ask(t('register.pair.choose_mentor'), {
            choices: [...mentors.slice(-8).map((m) => ({ label: m.label, value: m.id })), { label: t('register.pair.new_mentor'), value: 'new' }],
            first,
          });
          if ('value' in answer) {
            const chosen = mentors.find((m) => m.id === answer.value);
            draft.mentor = chosen ? { existingId: chosen.id, category: chosen.category, position: chosen.position } : { category: draft.mentor.category };
          }
          return answer;
        }
        case 'mentorName': {
          const answer = await ask(t(`register.pair.ask_mentor_name${nameKeySuffix}`), { schema: personNameSchema, first });
          if (!('value' in answer)) return answer;
          draft.mentor.name = answer.value;
          // The same person already a mentor here: offer the existing record instead of a second one.
          const same = editing ? [] : await conversation.external(async () => (await deps.services.register.mentorsNamed(args.schoolId, answer.value)).map((m) => ({ id: m.id, code: m.code, name: m.name ?? '', category: m.category as MentorCategory, position: m.position })));
          if (same.length > 0) {
            const existing = same[0]!;
            const reuse = await ask(t('register.pair.same_mentor', { name: existing.name, code: existing.code }), {
              choices: [
                { label: t('register.pair.same_yes'), value: 'yes' },
                { label: t('register.pair.same_no'), value: 'no' },
              ],
            });
            if ('back' in reuse || 'cancel' in reuse) return reuse;
            if (reuse.value === 'yes') draft.mentor = { existingId: existing.id, category: existing.category, position: existing.position };
          }
          return answer;
        }
        case 'mentorCategory': {
          const answer = await ask(t('register.pair.ask_mentor_category'), {
            choices: MENTOR_CATEGORIES.map((c) => ({ label: t(`register.mentor_category.${c}`), value: c })),
            first,
          });
          if ('value' in answer) draft.mentor.category = answer.value as MentorCategory;
          return answer;
        }
        case 'mentorPosition': {
          const key = draft.mentor.category === 'pupil' ? 'register.pair.ask_mentor_class' : 'register.pair.ask_mentor_position';
          const answer = await ask(t(key), { schema: draft.mentor.category === 'pupil' ? gradeSchema : positionSchema, first });
          if ('value' in answer) draft.mentor.position = answer.value;
          return answer;
        }
        case 'menteeName': {
          const answer = await ask(t(`register.pair.ask_mentee_name${nameKeySuffix}`), { schema: personNameSchema, first });
          if ('value' in answer) draft.mentee.name = answer.value;
          return answer;
        }
        case 'menteeCategory': {
          const answer = await ask(t('register.pair.ask_mentee_category'), {
            choices: MENTEE_CATEGORIES.map((c) => ({ label: t(`register.mentee_category.${c}`), value: c })),
            first,
          });
          if ('value' in answer) {
            draft.mentee.category = answer.value as MenteeCategory;
            if (!isPupil(draft.mentee.category)) {
              draft.mentee.age = undefined;
              draft.mentee.grade = undefined;
            }
          }
          return answer;
        }
        case 'menteeAge': {
          const answer = await ask(t('register.pair.ask_mentee_age'), { schema: ageSchema, first });
          if ('value' in answer) draft.mentee.age = Number(answer.value);
          return answer;
        }
        case 'menteeGrade': {
          const answer = await ask(t('register.pair.ask_mentee_grade'), { schema: gradeSchema, first });
          if ('value' in answer) draft.mentee.grade = answer.value;
          return answer;
        }
        case 'form': {
          const answer = await ask(t('register.pair.ask_form'), {
            choices: FORMS.map((f) => ({ label: t(`register.form.${f}`), value: f })),
            first,
          });
          if ('value' in answer) draft.form = answer.value as MentoringForm;
          return answer;
        }
        case 'programme': {
          const answer = await ask(t('register.pair.ask_programme'), { schema: programmeSchema, first });
          if ('value' in answer) draft.programme = answer.value;
          return answer;
        }
        case 'startDate': {
          const answer = await ask(t('register.pair.ask_start'), {
            schema: dateSchema(args.today),
            extra: [{ label: t('register.card.today'), value: args.today }],
            first,
          });
          if ('value' in answer) draft.startDate = answer.value;
          return answer;
        }
      }
    }

    /** Walks through `steps` (the whole form, or one part of it from the summary), with Back. */
    async function walk(steps: Step[], fromSummary: boolean): Promise<'done' | 'cancel'> {
      let i = 0;
      const visited: number[] = [];
      while (i < steps.length) {
        const step = steps[i]!;
        if (!applies(step)) {
          i++;
          continue;
        }
        const first = !fromSummary && visited.length === 0;
        const answer = await run(step, first);
        if ('cancel' in answer) return 'cancel';
        if ('back' in answer) {
          const previous = visited.pop();
          if (previous === undefined) return fromSummary ? 'done' : 'cancel';
          i = previous;
          continue;
        }
        visited.push(i);
        i++;
      }
      return 'done';
    }

    const labels = () => ({
      mentor: draft.mentor.existingId
        ? (mentors.find((m) => m.id === draft.mentor.existingId)?.label ?? editing?.mentorLabel ?? '')
        : editing
          ? (storedName(draft.mentor.name, args.nameMode) ?? editing.mentorLabel)
          : (storedName(draft.mentor.name, args.nameMode) ?? t('register.pair.new_person')),
      mentee: editing ? (storedName(draft.mentee.name, args.nameMode) ?? editing.menteeLabel) : (storedName(draft.mentee.name, args.nameMode) ?? t('register.pair.new_person')),
    });

    if (!editing && (await walk(ORDER, false)) === 'cancel') {
      await ctx.reply(t('register.pair.cancelled'));
      return;
    }

    // The summary: save, edit a part, or cancel.
    for (;;) {
      const snapshot = structuredClone(draft);
      const warnings: RegisterWarning[] = await conversation.external(() => deps.services.register.review(args.schoolId, snapshot, editing?.pairId));
      const blocking = warnings.some((w) => w.blocking);
      let text = draftSummaryText(t, draft, labels());
      if (warnings.length > 0) text += `\n\n${t('register.pair.warnings')}\n${warnings.map((w) => `• ${warningText(t, w)}`).join('\n')}`;
      if (blocking) text += `\n${t('register.pair.blocking')}`;
      const keyboard = new InlineKeyboard();
      if (!blocking) keyboard.text(t(warnings.length > 0 ? 'register.pair.save_anyway' : 'register.pair.save'), value('save')).row();
      // An Edit button per field the pair has (a chosen existing mentor's own fields are not this pair's to edit).
      const editable = FIELD_ORDER.filter((f) => applies(FIELDS[f][0]!));
      editable.forEach((f, i) => {
        const label = f === 'mentorPosition' && draft.mentor.category === 'pupil' ? 'mentorClass' : f;
        keyboard.text(t(`register.pair.edit.${label}`), value(`edit:${f}`));
        if (i % 2 === 1) keyboard.row();
      });
      if (editable.length % 2 === 1) keyboard.row();
      keyboard.text(t('register.pair.cancel'), CANCEL);
      const summary = await ctx.reply(text, { reply_markup: keyboard });

      let choice: string | undefined;
      while (!choice) {
        const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
        const data = answer.callbackQuery?.data;
        if (!answer.callbackQuery || answer.callbackQuery.message?.message_id !== summary.message_id || !data) {
          if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
          else await answer.reply(t('register.pair.use_buttons'));
          continue;
        }
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup({ reply_markup: undefined });
        choice = data === CANCEL ? 'cancel' : data.slice('pf:v:'.length);
      }

      if (choice === 'cancel') {
        await ctx.reply(t(editing ? 'cancel.done' : 'register.pair.cancelled'));
        return;
      }
      if (choice !== 'save') {
        const field = choice.startsWith('edit:') ? (choice.slice('edit:'.length) as Field) : undefined;
        if (!field || !(field in FIELDS)) continue;
        if ((await walk(FIELDS[field], true)) === 'cancel') {
          await ctx.reply(t('register.pair.cancelled'));
          return;
        }
        continue;
      }

      const actor = ctx.from!.id;
      const toSave = structuredClone(draft);
      const step = await guardedStep(conversation, deps, { userId: actor, step: 'register.save', keeps: args.schoolId }, async () => {
        const result = editing
          ? await deps.services.register.updatePair(args.schoolId, editing.pairId, toSave, actor)
          : await deps.services.register.createPair(args.schoolId, toSave, actor);
        if (result.status === 'saved' || result.status === 'exists') {
          return { status: result.status, mentor: personLabel(result.pair.mentor), mentee: personLabel(result.pair.mentee) };
        }
        return { status: result.status };
      });
      if (!step.ok) {
        await ctx.reply(failedStepText(t, step));
        if ('denied' in step) return;
        continue; // the summary comes again; nothing typed is lost
      }
      const outcome = step.value;
      if (outcome.status === 'saved') {
        await ctx.reply(t(editing ? 'register.pair.updated' : 'register.pair.saved', { mentor: outcome.mentor, mentee: outcome.mentee }));
        return;
      }
      if (outcome.status === 'exists') {
        await ctx.reply(t('register.pair.exists'));
        return;
      }
      if (outcome.status === 'not_found') {
        await ctx.reply(t('register.card.not_found'));
        return;
      }
      // 'blocked': the summary shows the reason again.
    }
  };
}
