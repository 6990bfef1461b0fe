import { randomBytes } from 'node:crypto';
import { InlineKeyboard } from 'grammy';
import { eventDateSchema, MEETINGS_PER_SCHOOL_YEAR, topicSchema } from '../../domain/mshn/mshn-input';
import type { CountOutcome, CountedTask } from '../../domain/mshn/mshn.service';
import type { EventDraft, EventKind, MshnScope } from '../../domain/mshn/mshn.types';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import type { Language } from '../../domain/people/people.types';
import { showDay } from '../../domain/register/register-input';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator, type TFunction } from '../i18n';
import { eventDraftText, eventKindName } from '../mshn-format';
import { notifyReviewers } from '../review-notify';
import { showDate } from '../roadmap-format';
import { askChoice, failedStepText, guardedStep } from './ask';
import { askAttachment, askValue, awaitSummary } from './mshn-ask';

export const MEETING_DIALOGUE = 'mshn-meeting';

/** Plain data only: it is stored with the dialogue in Redis. */
export interface MeetingArgs {
  language: Language;
  owner: MshnScope;
  /** The coordinator's calendar day: a meeting cannot be dated after it. */
  today: string;
}

const CANCEL = 'mt:cancel';
const NO_FILE = 'mt:nofile';
const SAVE = 'mt:save';

/** «Заседаний в этом учебном году: 1 из 2», or, past the minimum, «3 (нужно не менее 2)». */
export function yearCountText(t: TFunction, meetings: number): string {
  return t(meetings > MEETINGS_PER_SCHOOL_YEAR ? 'mshn.meeting.year_count_over' : 'mshn.meeting.year_count', { count: meetings, of: MEETINGS_PER_SCHOOL_YEAR });
}

/** What the coordinator is told about the roadmap after a meeting (with the minutes attached, or not) is recorded. */
function countedText(t: TFunction, outcome: CountOutcome, withFile: boolean): string | null {
  const item = (task: CountedTask) => ({
    number: task.itemNumber,
    name: task.itemName,
    due: showDate(task.due),
    roadmap: task.roadmapTitle,
  });
  switch (outcome.status) {
    case 'counted':
      return t(outcome.task.needsReview ? 'mshn.meeting.counted_review' : withFile ? 'mshn.meeting.counted' : 'mshn.meeting.counted_no_file', item(outcome.task));
    case 'needs_document':
      return t('mshn.meeting.counted_needs_document', item(outcome.task));
    case 'none':
      return t('mshn.meeting.counted_none');
    default:
      return null;
  }
}

/**
 * The head of МШН records a meeting of the School of Mentoring or a popularisation event: kind, date (not in the
 * future), topic, the minutes; a summary before it is saved. A meeting then counts towards the roadmap item
 * «проведение заседаний МШН не реже 2-х раз за учебный год»: the occurrence it belongs to is submitted with the
 * minutes as evidence, and the coordinator is told which one (or that none was found).
 */
export function createMeetingConversation(deps: { services: Services; logger: Logger }) {
  return async function meeting(conversation: BotConversation, ctx: ConversationContext, args: MeetingArgs) {
    const t = translator(args.language);
    const cancelled = async (c: ConversationContext) => void (await c.reply(t('mshn.meeting.cancelled')));
    const cancelKeyboard = () => new InlineKeyboard().text(t('mshn.buttons.cancel'), CANCEL);

    const kindAnswer = await askChoice(
      conversation,
      ctx,
      t,
      t('mshn.meeting.ask_kind'),
      new InlineKeyboard().text(t('mshn.event_kind.meeting'), 'mt:k:meeting').row().text(t('mshn.event_kind.event'), 'mt:k:event').row().text(t('mshn.buttons.cancel'), CANCEL),
    );
    if (!('data' in kindAnswer) || kindAnswer.data === CANCEL) return cancelled(ctx);
    const kind: EventKind = kindAnswer.data === 'mt:k:event' ? 'event' : 'meeting';

    const date = await askValue(conversation, ctx, t, t('mshn.meeting.ask_date', { kind: eventKindName(t, kind), today: showDay(args.today) }), eventDateSchema(args.today), {
      keyboard: cancelKeyboard(),
      errorParams: () => ({ today: showDay(args.today) }),
    });
    if (!('value' in date)) return cancelled(ctx);

    const topic = await askValue(conversation, ctx, t, t(kind === 'meeting' ? 'mshn.meeting.ask_topic' : 'mshn.meeting.ask_event_topic'), topicSchema, { keyboard: cancelKeyboard() });
    if (!('value' in topic)) return cancelled(ctx);

    const draft: EventDraft = { kind, date: date.value, topic: topic.value };

    const question = t(kind === 'meeting' ? 'mshn.meeting.ask_minutes' : 'mshn.meeting.ask_event_file');
    const attachment = await askAttachment(conversation, ctx, t, question, { noFile: NO_FILE, cancel: CANCEL }, { retryKey: 'mshn.meeting.file_expected' });
    if ('cancelled' in attachment) return cancelled(attachment.cancelled);
    if (attachment.file) draft.file = attachment.file;

    const summaryKeyboard = () => new InlineKeyboard().text(t('mshn.buttons.save'), SAVE).text(t('mshn.buttons.cancel'), CANCEL);
    let summary = await ctx.reply(eventDraftText(t, draft), { reply_markup: summaryKeyboard() });
    // One key for this dialogue's event: a save retried after a failure finds it instead of recording it twice.
    const key = await conversation.external(() => randomBytes(9).toString('hex'));
    const comment = t(kind === 'meeting' ? 'mshn.meeting.evidence_comment' : 'mshn.meeting.evidence_comment_event', { date: showDay(draft.date), topic: draft.topic });
    for (;;) {
      const { answer, save } = await awaitSummary(conversation, t, summary.message_id, SAVE, CANCEL);
      if (!save) return cancelled(answer);
      const actor = answer.from!.id;
      const step = await guardedStep(conversation, deps, { userId: actor, step: 'mshn.meeting' }, async () => {
        // Still the coordinator of this territory (moved or removed meanwhile: nothing is recorded).
        if (coordinatorTerritoryOf(await deps.services.people.getUser(actor))?.id !== args.owner.id) return { status: 'denied' as const };
        const recorded = await deps.services.mshn.recordEvent(args.owner, structuredClone(draft), actor, key);
        if (!recorded) return { status: 'gone' as const };
        const counted = await deps.services.mshn.countMeeting(args.owner, recorded.event.id, comment, actor);
        const year = await deps.services.mshn.schoolYearEvents(args.owner, args.today);
        return { status: 'saved' as const, counted, meetings: year.meetings };
      });
      if (!step.ok) {
        await answer.reply(failedStepText(t, step));
        if ('denied' in step) return;
        summary = await answer.reply(eventDraftText(t, draft), { reply_markup: summaryKeyboard() });
        continue;
      }
      const outcome = step.value;
      if (outcome.status === 'denied') {
        await answer.reply(t('access.denied'));
        return;
      }
      if (outcome.status === 'gone') {
        await answer.reply(t('mshn.territory_gone'));
        return;
      }
      const { counted } = outcome;
      // A municipality's task of a regional roadmap waits for the region's review: tell its coordinators once.
      if (counted.status === 'counted' && counted.task.needsReview) {
        await conversation.external(async (outer) => {
          const found = await deps.services.roadmap.taskOf(args.owner.id, counted.task.taskId).catch(() => null);
          return found ? notifyReviewers(outer.api, deps.services, deps.logger, found) : 0;
        });
      }
      const lines = [t(kind === 'meeting' ? 'mshn.meeting.saved' : 'mshn.meeting.saved_event', { date: showDay(draft.date), topic: draft.topic })];
      const roadmapLine = countedText(t, counted, draft.file !== undefined);
      if (roadmapLine) lines.push(roadmapLine);
      lines.push(yearCountText(t, outcome.meetings));
      await answer.reply(lines.join('\n\n'));
      return;
    }
  };
}
