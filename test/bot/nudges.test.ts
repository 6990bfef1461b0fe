import { createNudgeDelivery, createPacer } from '../../src/bot/nudges';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { drain, sweep, type SweepDeps } from '../../src/domain/reminders/sweep';
import { atLocal } from '../../src/domain/reminders/working-time';
import { silentLogger } from '../../src/logger';
import { person } from '../helpers/fake-telegram';
import { callbackUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

/** Nudges as people get them in Telegram: the text, the buttons, «Напомнить завтра», /reminders, a 429. */
describe('nudges in the chat', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  let deps: SweepDeps;
  const head = person(9971);
  const coordinator = person(9972);
  const otherCoordinator = person(9973);
  const ZONE = 'Asia/Yekaterinburg'; // Artemovsky, UTC+5


  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    h.time.set(new Date('2020-11-02T06:00:00Z'));
    await h.register(head, 'head', { level: 'organization', id: territory.school8.id }, 'Орлова Нина Петровна');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Другой Координатор');
    const context = { ownerLevel: 'municipality' as const, period: { start: '2020-11-02', end: '2024-12-31' }, referenceDate: '2020-11-02' };
    const item = withResponsible(
      newItem({ number: '1.4', section: null, name: 'Формирование Муниципальной базы наставников и наставляемых', deadline: 'До 09.11.2020', responsible: 'Руководители МОО', documentKind: '' }, context),
      'organizations',
      'Руководители МОО',
      context,
    );
    await h.services.roadmap.publish({ title: 'План внедрения ЦМН', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, { level: 'municipality', id: territory.artemovsky.id }, 'test');
    const pacer = createPacer({ perSecond: 1000, perChatMs: 0 });
    deps = { services: h.services, sent: h.services.reminders.sent, deliver: createNudgeDelivery(h.newBot().api, silentLogger, pacer) };
    await sweep(deps, new Date('2020-11-02T06:05:00Z')); // plans the first nudge: 7 days before is today
  });
  afterAll(async () => h.close());

  it('on the due day, at 09:00 local, the head gets what, by when, with Open, Mark done and Remind me tomorrow', async () => {
    h.telegram.clear();
    // «1 day before» falls on Sunday 8 November and would come on Monday, the due day itself: only the due-day one goes.
    await sweep(deps, atLocal('2020-11-09', 9 * 60 + 2, ZONE));
    expect(h.telegram.textsTo(head.id)).toHaveLength(1);
    const text = h.telegram.lastTextTo(head.id);
    expect(text).toContain('⏰ Сегодня срок по пункту 1.4 Формирование Муниципальной базы наставников и наставляемых (09.11.2020).');
    expect(text).toContain('Дорожная карта: План внедрения ЦМН');
    expect(h.telegram.lastButtons(head.id).map((b) => b.text)).toEqual(['📄 Открыть задачу', '✅ Отметить выполненным', '🔁 Напомнить завтра']);
  });

  it('«Напомнить завтра» holds the nudges until 09:00 of the next working day, then one reminder comes', async () => {
    h.time.set(atLocal('2020-11-09', 10 * 60, ZONE));
    await h.pressText(head, 'Напомнить завтра');
    expect(h.telegram.lastTextTo(head.id)).toBe('Хорошо, напомню 10.11.2020, 09:00.');
    h.telegram.clear();
    await sweep(deps, atLocal('2020-11-09', 17 * 60, ZONE));
    expect(h.telegram.textsTo(head.id)).toHaveLength(0);
    await sweep(deps, atLocal('2020-11-10', 9 * 60 + 1, ZONE));
    expect(h.telegram.lastTextTo(head.id)).toContain('⏰ Вы просили напомнить: пункт 1.4');
    await sweep(deps, atLocal('2020-11-10', 9 * 60 + 6, ZONE));
    expect(h.telegram.textsTo(head.id)).toHaveLength(1);
  });

  it('a 429 from Telegram is waited out and the nudge still arrives once; /reminders shows what was sent', async () => {
    h.telegram.clear();
    h.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retry_after: 1 });
    await sweep(deps, atLocal('2020-11-12', 9 * 60 + 1, ZONE)); // 3 days overdue
    // One attempt was refused with 429; its retry after a second went through. The head's overdue nudge and the
    // coordinator's escalation each arrived exactly once.
    const calls = h.telegram.callsOf('sendMessage');
    expect(calls.filter((c) => c.result === undefined)).toHaveLength(1);
    const arrived = calls.filter((c) => c.result !== undefined);
    expect(arrived.filter((c) => c.payload.chat_id === head.id && String(c.payload.text).includes('Просрочено на 3 дн.'))).toHaveLength(1);
    expect(arrived.filter((c) => c.payload.chat_id === coordinator.id && String(c.payload.text).includes('🚨 Просрочено на 3 дн.'))).toHaveLength(1);
    await h.send(coordinator, '/reminders');
    const log = h.telegram.lastTextTo(coordinator.id);
    expect(log).toContain('Последние напоминания');
    expect(log).toMatch(/просрочено на 3 дн\. — Орлова Нина Петровна · МАОУ СОШ № 8 · 1\.4 Формирование/);
    expect(log).toContain('доставлено');
  });

  it('the escalation lists the overdue schools in one message; «Напомнить им сейчас» nudges those still open, once a day', async () => {
    const escalation = h.telegram.textsTo(coordinator.id).find((t) => t.startsWith('🚨'))!;
    expect(escalation).toContain('🚨 Просрочено на 3 дн.: пункт 1.4 Формирование Муниципальной базы наставников и наставляемых (срок 09.11.2020).');
    expect(escalation).toContain('• МАОУ СОШ № 8');
    expect(escalation).toContain('Дорожная карта: План внедрения ЦМН');
    const button = h.telegram.lastButtons(coordinator.id).find((b) => b.text === '📣 Напомнить им сейчас')!;
    expect(button.data.length).toBeLessThanOrEqual(64);
    // A coordinator of another territory pressing the same button (a guessed id) gets nothing done.
    h.telegram.clear();
    await h.handle(callbackUpdate(otherCoordinator, button.data, button.messageId));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Эта эскалация не найдена.');
    h.time.set(atLocal('2020-11-12', 11 * 60, ZONE));
    await h.handle(callbackUpdate(coordinator, button.data, button.messageId));
    expect(h.telegram.lastTextTo(coordinator.id)).toMatch(/^Напоминание отправлено: \d+\. Уже выполнили: 0\./);
    await drain(deps, h.services.clock());
    expect(h.telegram.lastTextTo(head.id)).toContain('📣 Координатор напоминает: пункт 1.4');
    expect(h.telegram.lastTextTo(head.id)).toContain('Просрочено на 3 дн.');
    const count = h.telegram.textsTo(head.id).length;
    await h.handle(callbackUpdate(coordinator, button.data, button.messageId));
    await drain(deps, h.services.clock());
    expect(h.telegram.textsTo(head.id)).toHaveLength(count); // once a day
  });

  it('on Monday at 09:00 the coordinator gets the weekly digest: overdue by school, due this week, schools with nobody', async () => {
    h.telegram.clear();
    await sweep(deps, atLocal('2020-11-16', 9 * 60 + 1, ZONE)); // Monday
    const digest = h.telegram.textsTo(coordinator.id).find((t) => t.startsWith('📊'))!;
    expect(digest).toContain('📊 Сводка на неделю 16.11.2020–22.11.2020 · Артемовский городской округ');
    expect(digest).toMatch(/⚠️ Просрочено задач: \d+, организаций: \d+:/);
    expect(digest).toContain('• МАОУ СОШ № 8 — 1 (пп. 1.4)');
    expect(digest).toContain('📅 На этой неделе сроков нет.');
    expect(digest).toContain('👤 Во всех организациях кто-то подключён к боту.'); // the school's head is in the bot
    // One digest a week: a later sweep the same week sends none.
    await sweep(deps, atLocal('2020-11-17', 9 * 60 + 1, ZONE));
    expect(h.telegram.textsTo(coordinator.id).filter((t) => t.startsWith('📊'))).toHaveLength(1);
  });
});
