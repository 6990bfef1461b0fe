import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { person, TEST_TOKEN } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

describe('talking to Telegram', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    h = await createHarness({ logger: createLogger('info', sink) });
    territory = await seedTerritory(h.services);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('when Telegram answers 429, then the reply is retried after the wait it asks for and arrives once', async () => {
    const who = person(9201);
    h.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 0', { retry_after: 0 });
    await h.send(who, '/help');
    const sends = h.telegram.callsOf('sendMessage');
    expect(sends).toHaveLength(2);
    expect(h.telegram.lastTextTo(who.id)).toContain('Вы ещё не зарегистрированы');
  });

  it('when Telegram answers 429 inside a dialogue, then the dialogue retries too', async () => {
    const who = person(9202);
    const invite = await h.services.people.createInvite({ role: 'head', scope: { level: 'organization', id: territory.school8.id } });
    await h.send(who, `/start ${invite.code}`);
    h.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 0', { retry_after: 0 });
    await h.send(who, 'Соколова Инна Павловна');
    expect(h.telegram.lastTextTo(who.id)).toContain('Укажите вашу должность');
  });

  it('when Telegram refuses a reply, then the log has the error but neither the token nor the message text', async () => {
    const who = person(9203);
    h.telegram.failNext('sendMessage', 400, 'Bad Request: chat not found');
    h.telegram.failNext('sendMessage', 400, 'Bad Request: chat not found'); // the apology fails too
    await h.send(who, '/help');
    const logged = logLines.filter((l) => l.includes('chat not found'));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).not.toContain(TEST_TOKEN);
      expect(line).not.toContain(TEST_TOKEN.split(':')[1]);
      expect(line).not.toContain('Вы ещё не зарегистрированы');
    }
  });
});
