import cron from 'node-cron';
import type { Services } from '../domain/services';
import type { Clock } from '../domain/shared/clock';
import type { Logger } from '../logger';

/** Every hour at :17 (off the reminder sweep's minutes): a round is due on a day, and announced in working hours. */
const MONITORING_SCHEDULE = '17 * * * *';

/**
 * One run of the quarterly monitoring job at `now`: opens the quarter's round in every municipality that has a
 * coordinator in the bot, from ten days before the quarter ends up to the round's deadline, unless it is open
 * already, and announces rounds not yet announced (in each municipality's working hours). Safe to run every hour,
 * after a restart and from two instances at once: a round's key is its identity, and its opening is leased.
 */
export async function runMonitoringJob(services: Services, now: Date): Promise<{ opened: number; announced: number }> {
  const result = await services.monitoring.autoStart(now);
  // The announcements wait in the outbox: the running bot's deliverer takes them now.
  if (result.announced > 0) services.reminders.queuedNow();
  return result;
}

/** Starts the monitoring job on a schedule, and once right away (a restart catches up with what it missed). */
export function startMonitoringJob(services: Services, clock: Clock, logger: Logger): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  const round = () => {
    if (running) return;
    running = (async () => {
      try {
        const result = await runMonitoringJob(services, clock());
        if (result.opened > 0 || result.announced > 0) logger.info(result, 'monitoring rounds');
      } catch (err) {
        logger.error({ err }, 'monitoring job failed');
      } finally {
        running = null;
      }
    })();
  };
  const task = cron.schedule(MONITORING_SCHEDULE, round, { noOverlap: true });
  round();
  return {
    async stop() {
      await task.stop();
      await running;
    },
  };
}
