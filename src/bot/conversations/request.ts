import { randomBytes } from 'node:crypto';
import { InlineKeyboard } from 'grammy';
import { coordinatorTerritoryOf, type Territory } from '../../domain/people/access';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import { todayIn } from '../../domain/register/register-input';
import {
  announceRequest,
  documentKindSchema,
  readRequestDeadline,
  REQUEST_KEY_PREFIX,
  REQUEST_MAX_DAYS_AHEAD,
  REQUEST_TEXT,
  requestItem,
  requestNumberFor,
  REQUESTS_TITLE,
  requestTextSchema,
} from '../../domain/roadmap/request';
import { addDays } from '../../domain/reminders/working-time';
import type { Services } from '../../domain/services';
import type { Logger } from '../../logger';
import type { BotConversation, ConversationContext } from '../context';
import { translator, type TFunction } from '../i18n';
import { documentText, showDate } from '../roadmap-format';
import { askChoice, failedStepText, guardedStep, waitInDialogue } from './ask';

export const REQUEST_DIALOGUE = 'coordinator-request';

export interface RequestArgs {
  language: Language;
  /** The coordinator's territory, taken from the person when they typed /request (never from a button). */
  owner: Territory;
  /** The territory's time zone: «today» for the deadline is the coordinator's own day. */
  timezone: string;
}

/** Callback data of /request: the list's «new» button, the document kinds and the preview's buttons. */
export const REQUEST_DATA = {
  new: 'rq:new',
  document: (kind: DocumentChoice) => `rq:doc:${kind}`,
  send: 'rq:send',
  due: 'rq:due',
  cancel: 'rq:cancel',
} as const;

/** The documents a request usually expects; «none» means a comment is a sufficient answer. */
const DOCUMENTS = ['scan', 'xlsx', 'link', 'none'] as const;
type DocumentChoice = (typeof DOCUMENTS)[number];

/**
 * Waits for a text the `read` function accepts; its refusal is answered and the question stays open, so nothing
 * typed before is lost. Any command ends the dialogue (/cancel leaves it, another command goes to its handler).
 */
async function readText<T>(conversation: BotConversation, t: TFunction, read: (text: string) => Promise<{ value: T } | { problem: string }>): Promise<T> {
  for (;;) {
    const answer = await waitInDialogue(conversation, { anyCommandEnds: true });
    if (answer.callbackQuery) {
      await answer.answerCallbackQuery({ text: t('unhandled.stale_button') });
      continue;
    }
    const text = answer.message?.text;
    if (text === undefined) {
      await answer.reply(t('request.need_text'));
      continue;
    }
    const result = await read(text);
    if ('value' in result) return result.value;
    await answer.reply(result.problem);
  }
}

/**
 * /request: a coordinator asks every school of the territory for something by a day (seed 002: «в срок до
 * 09.11.2020 обеспечить предоставление информации о наставниках и наставляемых … и скан-копий приказов»). The text,
 * the deadline (one day, today or later in the coordinator's zone) and the expected document are asked one by one;
 * a wrong answer is re-asked and keeps what was typed before. Nothing is saved before «Отправить» on the preview;
 * then the request becomes an item of the coordinator's roadmap «Запросы координатора», a task for each school,
 * and every head and curator is told at once.
 */
export function createRequestConversation(deps: { services: Services; logger: Logger }) {
  return async function request(conversation: BotConversation, ctx: ConversationContext, args: RequestArgs) {
    const t = translator(args.language);
    const actor = ctx.from!.id;
    const today = () => conversation.external(() => todayIn(args.timezone, deps.services.clock()));

    await ctx.reply(t('request.ask_text'));
    const text = await readText<string>(conversation, t, async (typed) => {
      const parsed = parseInput(requestTextSchema, typed);
      if (parsed.ok) return { value: parsed.value };
      return { problem: t(parsed.errorKey, { ...REQUEST_TEXT, length: typed.trim().length }) };
    });

    const askDue = async (): Promise<string> => {
      await ctx.reply(t('request.ask_due', { example: showDate(addDays(await today(), 14)) }));
      return readText<string>(conversation, t, async (typed) => {
        const day = await today();
        const reading = readRequestDeadline(typed, day);
        if (reading.ok) return { value: reading.due };
        const problem = t(`request.errors.due_${reading.problem}`, {
          text: typed.trim().slice(0, 100),
          due: showDate(reading.due),
          today: showDate(day),
          max: showDate(addDays(day, REQUEST_MAX_DAYS_AHEAD)),
          example: showDate(addDays(day, 14)),
        });
        return { problem: `${problem}\n${t('request.text_kept')}` };
      });
    };
    let due = await askDue();

    const documents = new InlineKeyboard();
    DOCUMENTS.forEach((kind, i) => {
      documents.text(t(`request.documents.${kind}`), REQUEST_DATA.document(kind));
      if (i % 2 === 1) documents.row();
    });
    const documentChoice = await askChoice(conversation, ctx, t, t('request.ask_document'), documents, {
      parse: (typed) => {
        const parsed = parseInput(documentKindSchema, typed);
        return parsed.ok ? parsed.value : null;
      },
      retryKey: 'request.errors.document',
    });
    let documentKind: string;
    if ('value' in documentChoice) documentKind = documentChoice.value;
    else {
      const kind = DOCUMENTS.find((k) => REQUEST_DATA.document(k) === documentChoice.data) ?? 'none';
      documentKind = kind === 'none' ? '' : t(`request.documents.${kind}`);
    }

    // One key for this request, kept when a send is repeated after a failure: the same item is replaced, never doubled.
    const key = await conversation.external(() => `${REQUEST_KEY_PREFIX}${randomBytes(6).toString('hex')}`);
    for (;;) {
      const organizations = await conversation.external(async () => (await deps.services.territory.organizationsIn(args.owner)).length);
      if (organizations === 0) {
        await ctx.reply(t('request.no_organizations'));
        return;
      }
      const preview = t('request.preview', { count: organizations, text, due: showDate(due), document: documentText(t, documentKind) });
      const keyboard = new InlineKeyboard().text(t('request.buttons.send'), REQUEST_DATA.send).row().text(t('request.buttons.due'), REQUEST_DATA.due).text(t('request.buttons.cancel'), REQUEST_DATA.cancel);
      const choice = await askChoice(conversation, ctx, t, preview, keyboard);
      const data = 'data' in choice ? choice.data : '';
      if (data === REQUEST_DATA.cancel) {
        await ctx.reply(t('request.cancelled'));
        return;
      }
      if (data === REQUEST_DATA.due) {
        due = await askDue();
        continue;
      }
      if (data !== REQUEST_DATA.send) continue;

      const step = await guardedStep(conversation, deps, { userId: actor, step: 'request.send' }, async () => {
        // The person must still coordinate this territory, and the day may have passed while the preview was open.
        if (coordinatorTerritoryOf(await deps.services.people.getUser(actor))?.id !== args.owner.id) return { status: 'denied' as const };
        const day = todayIn(args.timezone, deps.services.clock());
        if (due < day) return { status: 'past' as const, today: day };
        const roadmap = await deps.services.roadmap.findRoadmap(args.owner, REQUESTS_TITLE);
        const items = roadmap ? await deps.services.roadmap.itemsOf(roadmap.id) : [];
        const item = requestItem({ key, n: requestNumberFor(items, key), text, due, documentKind, ownerLevel: args.owner.level, today: day });
        const result = await deps.services.roadmap.appendItem(args.owner, REQUESTS_TITLE, item, actor);
        const tasks = (await deps.services.roadmap.tasksOfRoadmap(result.roadmap.id)).filter((x) => x.itemId === result.item.id && x.target.level === 'organization');
        const ownerName = await deps.services.territory.nameOf(args.owner);
        // The heads and curators are told through the outbox, at Telegram's pace; a repeated send tells nobody twice.
        const { id, number, name, documentKind: kind } = result.item;
        const map = { id: result.roadmap.id, title: result.roadmap.title, owner: result.roadmap.owner };
        const told = await announceRequest(deps.services, { roadmap: map, item: { id, number, name, documentKind: kind }, ownerName, tasks, today: day }, deps.services.clock());
        return { status: 'sent' as const, number, organizations: tasks.length, told };
      });
      if (!step.ok) {
        // Nothing typed is lost: the preview comes again and «Отправить» repeats the send with the same key.
        await ctx.reply(failedStepText(t, step));
        if ('denied' in step) return;
        continue;
      }
      const outcome = step.value;
      if (outcome.status === 'denied') {
        await ctx.reply(t('access.denied'));
        return;
      }
      if (outcome.status === 'past') {
        await ctx.reply(`${t('request.errors.due_past', { due: showDate(due), today: showDate(outcome.today) })}\n${t('request.text_kept')}`);
        due = await askDue();
        continue;
      }
      const { told } = outcome;
      const lines = [t('request.sent', { number: outcome.number, count: outcome.organizations, due: showDate(due) })];
      lines.push(t('request.report.told', { count: told.queued }));
      if (told.unreachable > 0) lines.push(t('request.report.failed', { count: told.unreachable }));
      if (told.nobody > 0) lines.push(t('request.report.nobody', { count: told.nobody }));
      lines.push('', t('request.report.follow'));
      await ctx.reply(lines.join('\n'));
      return;
    }
  };
}
