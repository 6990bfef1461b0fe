import cron from 'node-cron';
import type { SweepDeps } from '../domain/reminders/sweep';
import { sweep } from '../domain/reminders/sweep';
import type { Clock } from '../domain/shared/clock';
import type { Logger } from '../logger';

/** Every five minutes: nudges are due at 09:00 local in many time zones, and a few minutes late is fine. */
export const SWEEP_SCHEDULE = '*/5 * * * *';

/**
 * Starts the reminder sweep on a schedule. A round that is still running when the next is due is not started twice
 * in this process; another instance running at the same time is safe because every nudge is claimed in the sent-log.
 */
export function startReminderJob(deps: SweepDeps, clock: Clock, logger: Logger): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  const round = () => {
    if (running) return;
    running = (async () => {
      const started = Date.now();
      try {
        const result = await sweep(deps, clock());
        if (result.nudges.length > 0 || result.examined > 0) {
          logger.info({ examined: result.examined, nudges: result.nudges.length, ms: Date.now() - started }, 'reminder sweep');
        }
      } catch (err) {
        logger.error({ err }, 'reminder sweep failed');
      } finally {
        running = null;
      }
    })();
  };
  const task = cron.schedule(SWEEP_SCHEDULE, round, { noOverlap: true });
  return {
    async stop() {
      await task.stop();
      await running;
    },
  };
}
