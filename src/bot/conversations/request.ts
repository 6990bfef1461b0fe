import { randomBytes } from 'node:crypto';
import { GrammyError, InlineKeyboard, type Api } from 'grammy';
import { coordinatorTerritoryOf, type Territory } from '../../domain/people/access';
import { parseInput } from '../../domain/people/onboarding-input';
import type { Language } from '../../domain/people/people.types';
import { todayIn } from '../../domain/register/register-input';
import {
  documentKindSchema,
  readRequestDeadline,
  REQUEST_KEY_PREFIX,
  REQUEST_MAX_DAYS_AHEAD,
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
import { showDate } from '../roadmap-format';
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

/** What a head reads as the expected document: the kind, or that none is needed. */
export const documentText = (t: TFunction, documentKind: string) => (documentKind.trim() ? documentKind : t('request.no_document'));

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

export interface Announcement {
  /** People (heads and curators) who got the message. */
  told: number;
  /** People it did not reach: blocked the bot before or now, or Telegram refused. */
  failed: number;
  /** Organizations with no head or curator in the bot at all. */
  nobody: number;
}

/**
 * Tells every head and curator of the organizations that got the request's task: the text, the deadline, the
 * document and a button that opens the task. One chat that fails does not stop the others; a 403 (the bot was
 * blocked) marks the person unreachable, as the nudges do.
 */
export async function announceRequest(
  api: Api,
  deps: { services: Services; logger: Logger },
  request: { number: string; text: string; due: string; documentKind: string; ownerName: string; tasks: { id: string; orgId: string }[] },
): Promise<Announcement> {
  const taskOf = new Map(request.tasks.map((x) => [x.orgId, x.id]));
  const people = (await deps.services.people.usersInScopes([...taskOf.keys()])).filter(
    (u) => (u.role === 'head' || u.role === 'curator') && u.scope?.level === 'organization' && taskOf.has(u.scope.id),
  );
  const joined = new Set(people.map((u) => u.scope!.id));
  let told = 0;
  let failed = 0;
  for (const person of people) {
    if (person.unreachableAt) {
      failed++;
      continue;
    }
    const t = translator(person.language ?? 'ru');
    const taskId = taskOf.get(person.scope!.id)!;
    const text = t('request.told', {
      number: request.number,
      owner: request.ownerName,
      text: request.text,
      due: showDate(request.due),
      document: documentText(t, request.documentKind),
    });
    const keyboard = new InlineKeyboard().text(t('request.buttons.open'), `task:c:${taskId}`).row().text(t('request.buttons.done'), `task:d:${taskId}`);
    try {
      await api.sendMessage(person.chatId ?? person.telegramId, text, { reply_markup: keyboard });
      told++;
    } catch (err) {
      failed++;
      deps.logger.warn({ err, userId: person.telegramId }, 'could not tell a school of a request');
      if (err instanceof GrammyError && err.error_code === 403) await deps.services.people.markUnreachable(person.telegramId).catch(() => undefined);
    }
  }
  return { told, failed, nobody: request.tasks.filter((x) => !joined.has(x.orgId)).length };
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
      return { problem: t(parsed.errorKey, { min: 5, max: 1000, length: typed.trim().length }) };
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
        const view = await deps.services.territory.describeScope(args.owner);
        const ownerName = (args.owner.level === 'region' ? view?.region.name : view?.municipality?.name) ?? '';
        return { status: 'sent' as const, number: result.item.number, ownerName, tasks: tasks.map((x) => ({ id: x.id, orgId: x.target.id })) };
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
      // Told once: the external step is not repeated when the dialogue replays.
      const told = await conversation.external(async (outer): Promise<Announcement | null> => {
        try {
          return await announceRequest(outer.api, deps, { number: outcome.number, text, due, documentKind, ownerName: outcome.ownerName, tasks: outcome.tasks });
        } catch (err) {
          deps.logger.error({ err, userId: actor }, 'could not tell the schools of a request');
          return null;
        }
      });
      const lines = [t('request.sent', { number: outcome.number, count: outcome.tasks.length, due: showDate(due) })];
      if (told) {
        lines.push(t('request.report.told', { count: told.told }));
        if (told.failed > 0) lines.push(t('request.report.failed', { count: told.failed }));
        if (told.nobody > 0) lines.push(t('request.report.nobody', { count: told.nobody }));
      } else lines.push(t('request.report.not_told'));
      lines.push('', t('request.report.follow'));
      await ctx.reply(lines.join('\n'));
      return;
    }
  };
}
