import cron from 'node-cron';
import { drain, sweep, type SweepDeps } from '../domain/reminders/sweep';
import type { Clock } from '../domain/shared/clock';
import type { Logger } from '../logger';

/** Every five minutes: nudges are due at 09:00 local in many time zones, and a few minutes late is fine. */
export const SWEEP_SCHEDULE = '*/5 * * * *';

/**
 * Starts the reminder sweep on a schedule. A round that is still running when the next is due is not started twice
 * in this process; another instance running at the same time is safe because every nudge is claimed in the sent-log.
 */
export function startReminderJob(deps: SweepDeps, clock: Clock, logger: Logger): { stop: () => Promise<void>; kick: () => void } {
  let running: Promise<void> | null = null;
  let draining: Promise<void> | null = null;
  let again = false;
  const halt = { stopped: false };
  // What a person queued in the bot (a coordinator's «Напомнить им сейчас») goes out at once, not at the next round;
  // a kick during a delivery run makes it look at the queue once more when it ends.
  const kick = () => {
    if (halt.stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          await drain(deps, clock(), halt);
        } while (again && !halt.stopped);
      } catch (err) {
        logger.error({ err }, 'reminder delivery failed');
      } finally {
        draining = null;
      }
    })();
  };
  const round = () => {
    if (running) return;
    running = (async () => {
      const started = Date.now();
      try {
        // The round plans and queues; delivery runs on its own (a big day takes Telegram's pace for many
        // minutes), so the next rounds keep planning for the other time zones meanwhile.
        const result = await sweep(deps, clock(), { deliver: false });
        kick();
        if (result.queued > 0 || result.examined > 0) {
          logger.info({ examined: result.examined, queued: result.queued, steps: result.ms, ms: Date.now() - started }, 'reminder sweep');
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
    kick,
    async stop() {
      // What is queued and not yet taken stays queued for the next start; the messages in hand are finished.
      halt.stopped = true;
      await task.stop();
      await running;
      await draining;
    },
  };
}
