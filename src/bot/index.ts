import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, session, type BotConfig, type Context } from 'grammy';
import type { Services } from '../domain/services';
import type { Logger } from '../logger';
import { syncCommandMenu } from './commands';
import type { BotContext } from './context';
import { createInviteHeadConversation, INVITE_HEAD } from './conversations/invite-head';
import { COUNTS_DIALOGUE, createCountsConversation } from './conversations/counts';
import { createEndPairConversation, END_PAIR } from './conversations/end-pair';
import { createOnboardingConversation, ONBOARDING } from './conversations/onboarding';
import { createPairConversation, PAIR_DIALOGUE } from './conversations/pair';
import { createReviewReturnConversation, REVIEW_RETURN } from './conversations/review-return';
import { createRoadmapEditConversation, ROADMAP_EDIT } from './conversations/roadmap-edit';
import { createRoadmapImportConversation, ROADMAP_IMPORT } from './conversations/roadmap-import';
import { createSettingsConversation, SETTINGS_DIALOGUE } from './conversations/settings';
import { createFiguresConversation, FIGURES_DIALOGUE } from './conversations/figures';
import { createRequestConversation, REQUEST_DIALOGUE } from './conversations/request';
import { createTaskDoneConversation, TASK_DONE } from './conversations/task-done';
import { createMonitoringConversation, MONITORING_DIALOGUE } from './conversations/monitoring';
import { createMeetingConversation, MEETING_DIALOGUE } from './conversations/meeting';
import { createPracticeConversation, PRACTICE_DIALOGUE } from './conversations/practice';
import { cancelFeature } from './features/cancel';
import { helpFeature } from './features/help';
import { indicatorsFeature } from './features/indicators';
import { reportFeature } from './features/report';
import { inviteFeature } from './features/invite';
import { languageFeature } from './features/language';
import { countsFeature } from './features/counts';
import { curatorsFeature } from './features/curators';
import { meFeature } from './features/me';
import { mentorsFeature } from './features/mentors';
import { monitoringFeature } from './features/monitoring';
import { mshnFeature } from './features/mshn';
import { orgsFeature } from './features/orgs';
import { registerConsentFeature } from './features/register-consent';
import { registerFilesFeature } from './features/register-files';
import { reviewFeature } from './features/review';
import { remindersFeature } from './features/reminders';
import { roadmapFeature } from './features/roadmap';
import { roadmapFilesFeature } from './features/roadmap-files';
import { settingsFeature } from './features/settings';
import { requestFeature } from './features/request';
import { statusFeature } from './features/status';
import { tasksFeature } from './features/tasks';
import { startFeature } from './features/start';
import { unhandledFeature } from './features/unhandled';
import { attachContext, logUpdates } from './middlewares/context';
import { createErrorHandler } from './middlewares/error-boundary';
import type { BotStorage } from './storage';

/**
 * Bump whenever the steps of any conversation change: state saved by an older version is then dropped instead of
 * being replayed against different code.
 */
export const CONVERSATION_VERSION = 2;

export interface BotDeps {
  services: Services;
  logger: Logger;
  storage: BotStorage;
  /**
   * Downloads a file the person sent, by the file_path getFile returned: from Telegram (or BOT_API_ROOT) in
   * production, from memory in tests.
   */
  fetchFile: (filePath: string) => Promise<Buffer>;
}

const AUTO_RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowInternalServerErrors: false };

const chatKey = (ctx: Context) => (ctx.chatId ?? ctx.from?.id)?.toString();

/**
 * Builds the bot without starting it and without reading the environment, so tests can pass
 * `{ botInfo, client: { fetch } }` and drive it with handleUpdate.
 *
 * Middleware order:
 *  1. sequentialize: one chat's updates run one at a time (the runner is concurrent across chats)
 *  2. error boundary around everything below: apology with an error id, details to the log
 *  3. update logging (ids and timings only)
 *  4. private chats only; groups and channels are ignored
 *  5. session in Redis
 *  6. context: services, the person as known to the bot, language, t(); their command menu kept in step
 *  7. conversations plugin, its state in Redis with CONVERSATION_VERSION
 *  8. commands that cut through any open dialogue: /cancel, /help, /lang
 *  9. the conversations themselves (a /start or /invite inside one ends it and passes on to 10)
 * 10. /start and the features by role (they enter conversations, so they come after them)
 * 11. unhandled, last
 */
export function createBot(token: string, deps: BotDeps, botConfig?: BotConfig<BotContext>): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, botConfig);
  bot.api.config.use(autoRetry(AUTO_RETRY));
  const onError = createErrorHandler(deps.logger);
  bot.catch(onError);

  bot.use(sequentialize(chatKey)); // 1
  const safe = bot.errorBoundary(onError); // 2
  safe.use(logUpdates(deps.logger)); // 3
  const chat = safe.chatType('private'); // 4
  chat.use(
    session({
      initial: () => ({}),
      storage: deps.storage.session,
      getSessionKey: (ctx) => (chatKey(ctx) ? `session:${chatKey(ctx)}` : undefined),
    }),
  ); // 5
  chat.use(attachContext(deps), syncCommandMenu()); // 6
  chat.use(
    conversations<BotContext, Context>({
      storage: {
        type: 'key',
        version: CONVERSATION_VERSION,
        adapter: deps.storage.conversations,
        getStorageKey: (ctx) => (chatKey(ctx) ? `conversation:${chatKey(ctx)}` : undefined),
      },
      // Outer plugins do not reach inside a conversation, which builds its own Api: retry 429s there too.
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(autoRetry(AUTO_RETRY));
          await next();
        },
      ],
    }),
  ); // 7
  chat.use(cancelFeature(), helpFeature(), languageFeature()); // 8
  chat.use(createConversation(createOnboardingConversation(deps), { id: ONBOARDING })); // 9
  chat.use(createConversation(createInviteHeadConversation(deps), { id: INVITE_HEAD }));
  chat.use(createConversation(createPairConversation(deps), { id: PAIR_DIALOGUE }));
  chat.use(createConversation(createEndPairConversation(deps), { id: END_PAIR }));
  chat.use(createConversation(createCountsConversation(deps), { id: COUNTS_DIALOGUE }));
  chat.use(createConversation(createTaskDoneConversation(deps), { id: TASK_DONE }));
  chat.use(createConversation(createMonitoringConversation(deps), { id: MONITORING_DIALOGUE }));
  chat.use(createConversation(createReviewReturnConversation(deps), { id: REVIEW_RETURN }));
  chat.use(createConversation(createRoadmapImportConversation(deps), { id: ROADMAP_IMPORT }));
  chat.use(createConversation(createRoadmapEditConversation(deps), { id: ROADMAP_EDIT }));
  chat.use(createConversation(createSettingsConversation(deps), { id: SETTINGS_DIALOGUE }));
  chat.use(createConversation(createPracticeConversation(deps), { id: PRACTICE_DIALOGUE }));
  chat.use(createConversation(createMeetingConversation(deps), { id: MEETING_DIALOGUE }));
  chat.use(createConversation(createFiguresConversation(deps), { id: FIGURES_DIALOGUE }));
  chat.use(createConversation(createRequestConversation(deps), { id: REQUEST_DIALOGUE }));
  chat.use(startFeature(), meFeature(), orgsFeature(), inviteFeature()); // 10
  chat.use(roadmapFilesFeature(), mentorsFeature(), registerConsentFeature(), countsFeature(), registerFilesFeature(), curatorsFeature());
  chat.use(statusFeature(), tasksFeature(), reviewFeature(), roadmapFeature(), remindersFeature(), settingsFeature());
  chat.use(indicatorsFeature(), reportFeature());
  chat.use(requestFeature());
  chat.use(mshnFeature());
  chat.use(monitoringFeature());
  chat.use(unhandledFeature()); // 11
  return bot;
}
