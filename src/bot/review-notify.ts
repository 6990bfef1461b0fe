import { InlineKeyboard, type Api } from 'grammy';
import type { User } from '../domain/people/people.types';
import type { Roadmap, RoadmapItem, Task } from '../domain/roadmap/roadmap.types';
import type { Services } from '../domain/services';
import type { Logger } from '../logger';
import { translator, type TFunction } from './i18n';
import { evidenceLines, taskCardText } from './roadmap-format';
import { todayIn } from '../domain/register/register-input';
import { answersFor, partyName, partyScopeId } from '../domain/roadmap/roadmap-party';

export const reviewKeyboard = (t: TFunction, taskId: string) => new InlineKeyboard().text(t('review.buttons.accept'), `rv:ok:${taskId}`).text(t('review.buttons.return'), `rv:back:${taskId}`);

/** The review card: whose task, what it is, and what they sent. */
export async function reviewText(services: Services, t: TFunction, found: { task: Task; item: RoadmapItem; roadmap: Roadmap }): Promise<string> {
  const view = await services.territory.describeScope(found.roadmap.owner);
  const today = todayIn(view?.timezone ?? 'Europe/Moscow', services.clock());
  const last = found.task.submissions.at(-1);
  const sent = last ? evidenceLines(t, last.evidence) : [];
  return [t('review.header'), taskCardText(t, found, today, await partyName(services.territory, found.task)), '', t('review.sent'), ...sent].join('\n');
}

/** Sends a reviewer the card with Accept / Return and the files as they were sent (by Telegram file_id). */
export async function sendForReview(api: Api, services: Services, reviewer: User, found: { task: Task; item: RoadmapItem; roadmap: Roadmap }): Promise<void> {
  const t = translator(reviewer.language ?? 'ru');
  const chatId = reviewer.chatId ?? reviewer.telegramId;
  const files = found.task.submissions.at(-1)?.evidence.filter((e) => e.kind === 'file' && e.fileId) ?? [];
  for (const file of files) {
    if (file.mimeType?.startsWith('image/') && !file.fileName) await api.sendPhoto(chatId, file.fileId!);
    else await api.sendDocument(chatId, file.fileId!);
  }
  await api.sendMessage(chatId, await reviewText(services, t, found), { reply_markup: reviewKeyboard(t, found.task.id) });
}

/** Tells the coordinators of the task's roadmap that something came in; one who cannot be reached is skipped. */
export async function notifyReviewers(api: Api, services: Services, logger: Logger, found: { task: Task; item: RoadmapItem; roadmap: Roadmap }): Promise<number> {
  const reviewers = (await services.people.usersIn(found.roadmap.owner.id)).filter((u) => u.role === 'coordinator');
  let sent = 0;
  for (const reviewer of reviewers) {
    try {
      await sendForReview(api, services, reviewer, found);
      sent++;
    } catch (err) {
      logger.warn({ err, userId: reviewer.telegramId }, 'could not send a submission for review');
    }
  }
  return sent;
}

/** Tells the people of the task's party (a school's head and curators; a municipality's coordinators) the decision. */
export async function notifyParty(
  api: Api,
  services: Services,
  logger: Logger,
  { task, item, roadmap }: { task: Task; item: RoadmapItem; roadmap: Roadmap },
  decision: 'accepted' | 'returned',
  reason?: string,
): Promise<void> {
  const people = (await services.people.usersIn(partyScopeId(task, roadmap))).filter((u) => answersFor(u, task));
  for (const person of people) {
    const t = translator(person.language ?? 'ru');
    const title = `${item.number.replace(/\.$/, '')} ${item.name}`;
    const text = decision === 'accepted' ? t('review.told_accepted', { title }) : t('review.told_returned', { title, reason: reason ?? '' });
    try {
      await api.sendMessage(person.chatId ?? person.telegramId, text);
    } catch (err) {
      logger.warn({ err, userId: person.telegramId }, 'could not tell the review decision');
    }
  }
}
