import { createPacer } from '../../src/bot/nudges';

describe('the pace of outgoing nudges', () => {
  /** A clock that only moves when the pacer sleeps, so the test reads the schedule it keeps. */
  function fakeTime() {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
  }

  it('sends to one chat at most once a second and overall at most 25 a second', async () => {
    const time = fakeTime();
    const pace = createPacer({ perSecond: 25, perChatMs: 1000, ...time });
    const sentAt: [number, number][] = [];
    const send = (chat: number) => pace(chat, async () => void sentAt.push([chat, time.now()]));
    await Promise.all([send(1), send(1), send(1)]);
    expect(sentAt.map(([, at]) => at)).toEqual([0, 1000, 2000]);

    sentAt.length = 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => send(100 + i)));
    const times = sentAt.map(([, at]) => at);
    // 50 different chats: 40 ms apart, so 25 in any second and the fiftieth about two seconds after the first.
    expect(times.slice(1).map((t, i) => t - times[i]!).every((gap) => gap >= 40 - 1e-9)).toBe(true);
    expect(times.at(-1)! - times[0]!).toBeCloseTo(49 * 40, 5);
  });
});
