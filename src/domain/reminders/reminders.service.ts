import type { Connection } from 'mongoose';
import type { RoadmapService } from '../roadmap/roadmap.service';
import type { Clock } from '../shared/clock';
import type { TerritoryService } from '../territory/territory.service';
import { zoneScopeOf } from '../roadmap/roadmap-party';
import { sentLog } from './outbox';
import { atLocal, localParts, nextWorkingDay, WORKING_HOURS } from './working-time';

/** What people do with nudges in the bot: «Напомнить завтра», and the coordinator's view of what went out. */
export function createRemindersService(conn: Connection, roadmap: RoadmapService, territory: TerritoryService, options: { clock: Clock }) {
  const sent = sentLog(conn);
  let kick: (() => void) | null = null;
  return {
    sent,

    /** The running bot's deliverer, started when someone queues messages from the bot. */
    onQueued(fn: () => void): void {
      kick = fn;
    },
    queuedNow(): void {
      kick?.();
    },

    /**
     * One person's nudges of one task wait until 09:00 of the next working day in the task's time zone, when one
     * reminder comes. Returns when, or null if the task is not open.
     */
    async snooze(taskId: string, telegramId: number): Promise<{ until: Date; timezone: string } | null> {
      const task = await roadmap.getTask(taskId);
      if (!task || (task.status !== 'open' && task.status !== 'returned')) return null;
      const timezone = await territory.timezoneOf(zoneScopeOf(task));
      const until = atLocal(nextWorkingDay(localParts(options.clock(), timezone).day), WORKING_HOURS.start, timezone);
      await sent.snooze(taskId, telegramId, until);
      // The sweep must look at the task again on that day at the latest.
      await roadmap.setNudgeDay(taskId, until.toISOString().slice(0, 10));
      return { until, timezone };
    },

    /** The last nudges that went out for a territory's roadmaps, newest first. */
    logOf(ownerId: string, limit = 30) {
      return sent.ofOwner(ownerId, limit);
    },
  };
}

export type RemindersService = ReturnType<typeof createRemindersService>;
