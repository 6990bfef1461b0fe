import type { User as TgUser } from 'grammy/types';
import { DEFAULT_POLICY, policyOf } from '../../src/domain/reminders/policy';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { callbackUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;

/** /settings: a coordinator sees and changes how the tasks of their roadmap are nudged, within the bounds. */
describe('/settings: the reminder policy of a roadmap', () => {
  let h: Harness;
  let territory: Territory;
  const coordinator = person(9981);
  const stranger = person(9982);
  const head = person(9983);
  const regional = person(9984);
  let roadmapId = '';
  let strangersRoadmapId = '';

  const last = (who: TgUser) => h.telegram.lastTextTo(who.id);
  const stored = async (id = roadmapId) => (await h.services.roadmap.getRoadmap(id))!.policy ?? null;
  const answered = () => h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text;

  const publish = async (ownerId: string, title: string) => {
    const context = { ownerLevel: 'municipality' as const, period: { start: '2024-09-01', end: '2025-08-31' }, referenceDate: '2024-09-01' };
    const item = withResponsible(
      newItem({ number: '1', section: null, name: 'Формирование базы наставников', deadline: 'до 01.12.2024', responsible: 'Руководители ОО', documentKind: '' }, context),
      'organizations',
      'Руководители ОО',
      context,
    );
    const result = await h.services.roadmap.publish({ title, period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, { level: 'municipality', id: ownerId }, 'test');
    return result.roadmap.id;
  };

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    h.time.set(new Date('2024-10-01T03:00:00Z'));
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Супрун Ольга Александровна');
    await h.register(stranger, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванов Пётр Сергеевич');
    await h.register(regional, 'coordinator', { level: 'region', id: territory.irkutsk.id }, 'Петрова Мария Ивановна');
    roadmapId = await publish(territory.bodaibo.id, 'План внедрения ЦМН в Бодайбо');
    strangersRoadmapId = await publish(territory.artemovsky.id, 'План внедрения ЦМН в Артемовском');
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('when a coordinator has no roadmap yet, /settings points to sending a roadmap file or /roadmap', async () => {
    await h.send(regional, '/settings');
    expect(last(regional)).toContain('Дорожных карт пока нет');
    expect(last(regional)).toContain('Пришлите файл дорожной карты');
    expect(last(regional)).toContain('/roadmap');
  });

  it('with one roadmap, /settings shows its default policy in plain Russian with the buttons; callback data fit in 64 bytes', async () => {
    await h.send(coordinator, '/settings');
    expect(last(coordinator)).toBe(
      [
        'Напоминания по дорожной карте «План внедрения ЦМН в Бодайбо»:',
        '• за 7 и 1 дн. до срока;',
        '• в день срока — да;',
        '• пока просрочено — каждые 3 дн.;',
        '• эскалация вам — на 3-й день просрочки;',
        '• еженедельная сводка (понедельник, 09:00) — включена.',
        '',
        'Это настройки по умолчанию.',
      ].join('\n'),
    );
    const buttons = h.telegram.lastButtons(coordinator.id);
    expect(buttons.map((b) => b.text)).toEqual([
      '📅 Дни до срока',
      '🔕 Не напоминать в день срока',
      '🔁 Интервал при просрочке',
      '⚠️ День эскалации',
      '📭 Выключить сводку',
      '↩️ Вернуть по умолчанию',
      '✖️ Закрыть',
    ]);
    for (const b of buttons) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
  });

  it('the days before: a wrong answer is refused naming the bounds and asked again, the policy stays; a good one is stored and the card shown', async () => {
    await h.send(coordinator, '/settings');
    await h.pressText(coordinator, 'Дни до срока');
    expect(last(coordinator)).toContain('Сейчас: за 7 и 1 дн. до срока.');
    expect(last(coordinator)).toContain('до 3 чисел от 1 до 30');

    await h.send(coordinator, 'за неделю');
    expect(last(coordinator)).toContain('целые числа от 1 до 30, не больше 3');
    expect(last(coordinator)).toContain('/cancel');
    await h.send(coordinator, '45, 1');
    expect(last(coordinator)).toContain('от 1 до 30');
    await h.send(coordinator, '14 7 3 1');
    expect(last(coordinator)).toContain('не больше 3 напоминаний');
    expect(await stored()).toBeNull();

    await h.send(coordinator, '14, 7, 1');
    expect(last(coordinator)).toContain('✅ Сохранено.');
    expect(last(coordinator)).toContain('• за 14, 7 и 1 дн. до срока;');
    expect(last(coordinator)).toContain('Настройки изменены (не по умолчанию).');
    expect(await stored()).toEqual({ ...DEFAULT_POLICY, before: [14, 7, 1] });

    // The dialogue is over: a number now is not taken as an answer.
    await h.send(coordinator, '5');
    expect((await stored())?.before).toEqual([14, 7, 1]);
  });

  it('the overdue interval: out of bounds is refused, /cancel leaves the policy as it was, then a good answer is stored', async () => {
    await h.send(coordinator, '/settings');
    await h.pressText(coordinator, 'Интервал при просрочке');
    expect(last(coordinator)).toContain('Сейчас — каждые 3 дн.');
    await h.send(coordinator, '0');
    expect(last(coordinator)).toContain('целое число дней от 1 до 14');
    await h.send(coordinator, '15');
    expect(last(coordinator)).toContain('от 1 до 14');
    await h.send(coordinator, '/cancel');
    expect(last(coordinator)).toBe('Диалог отменён. Введённые в нём данные не сохранены.');
    expect((await stored())?.overdueEvery).toBe(3);
    await h.send(coordinator, '5');
    expect((await stored())?.overdueEvery).toBe(3);

    await h.send(coordinator, '/settings');
    await h.pressText(coordinator, 'Интервал при просрочке');
    await h.send(coordinator, '5 дней');
    expect(last(coordinator)).toContain('• пока просрочено — каждые 5 дн.;');
    expect(await stored()).toEqual({ ...DEFAULT_POLICY, before: [14, 7, 1], overdueEvery: 5 });
  });

  it('the escalation day: not a number and out of bounds are refused, a good answer is stored', async () => {
    await h.send(coordinator, '/settings');
    await h.pressText(coordinator, 'День эскалации');
    expect(last(coordinator)).toContain('Сейчас — на 3-й.');
    await h.send(coordinator, 'третий');
    expect(last(coordinator)).toContain('целое число от 1 до 30');
    await h.send(coordinator, '31');
    expect(last(coordinator)).toContain('от 1 до 30');
    expect((await stored())?.escalateAfter).toBe(3);
    await h.send(coordinator, '2');
    expect(last(coordinator)).toContain('• эскалация вам — на 2-й день просрочки;');
    expect((await stored())?.escalateAfter).toBe(2);
  });

  it('the switches act at once and change the card in place; «Вернуть по умолчанию» brings the default back', async () => {
    await h.send(coordinator, '/settings');
    const cardId = h.telegram.lastButtons(coordinator.id)[0]!.messageId;
    await h.pressText(coordinator, 'Не напоминать в день срока');
    const edit = h.telegram.callsOf('editMessageText').pop()!;
    expect(edit.payload.message_id).toBe(cardId);
    expect(last(coordinator)).toContain('• в день срока — нет;');
    expect((await stored())?.onDue).toBe(false);
    expect(h.telegram.visibleButtons(coordinator.id).map((b) => b.text)).toContain('🔔 Напоминать в день срока');

    await h.pressText(coordinator, 'Выключить сводку');
    expect(last(coordinator)).toContain('• еженедельная сводка (понедельник, 09:00) — выключена.');
    expect((await stored())?.digest).toBe(false);
    expect(await stored()).toEqual({ before: [14, 7, 1], onDue: false, overdueEvery: 5, escalateAfter: 2, digest: false });

    await h.pressText(coordinator, 'Вернуть по умолчанию');
    expect(last(coordinator)).toContain('• за 7 и 1 дн. до срока;');
    expect(last(coordinator)).toContain('Это настройки по умолчанию.');
    expect(await stored()).toBeNull();
    expect(policyOf(await stored())).toEqual(DEFAULT_POLICY);
    expect(h.telegram.callsOf('sendMessage')).toHaveLength(1); // only /settings sent a message; the rest was edited in place
  });

  it('a switch pressed while a number is asked acts at once and drops the question', async () => {
    await h.send(coordinator, '/settings');
    await h.pressText(coordinator, 'Дни до срока');
    await h.pressText(coordinator, 'Выключить сводку');
    expect(last(coordinator)).toContain('— выключена.');
    await h.send(coordinator, '3');
    expect(last(coordinator)).not.toContain('Сохранено');
    expect(await stored()).toEqual({ ...DEFAULT_POLICY, digest: false });
    await h.pressText(coordinator, 'Вернуть по умолчанию');
    expect(await stored()).toBeNull();
  });

  it('a head is refused, by command and by a button', async () => {
    await h.send(head, '/settings');
    expect(last(head)).toBe('Эта команда недоступна для вашей роли. /help покажет, что вы можете сделать.');
    await h.handle(callbackUpdate(head, `st:d:${roadmapId}`, 1));
    expect(answered()).toBe('Эта команда недоступна для вашей роли. /help покажет, что вы можете сделать.');
    expect(await stored()).toBeNull();
  });

  it('another territory’s coordinator guessing a roadmap id gets «not found» and changes nothing', async () => {
    for (const code of ['o', 'b', 'd', 'x', 'e', 'g', 'r']) {
      h.telegram.clear();
      await h.handle(callbackUpdate(stranger, `st:${code}:${roadmapId}`, 1));
      expect(answered()).toBe('Дорожная карта не найдена.');
      expect(h.telegram.textsTo(stranger.id)).toHaveLength(0);
    }
    expect(await stored()).toBeNull();
    // Their own roadmap is theirs to set.
    await h.send(stranger, '/settings');
    expect(last(stranger)).toContain('«План внедрения ЦМН в Артемовском»');
    await h.pressText(stranger, 'Выключить сводку');
    expect((await stored(strangersRoadmapId))?.digest).toBe(false);
    expect(await stored()).toBeNull();
  });

  it('with two roadmaps, /settings first lists them; the one chosen is the one changed, and Back returns to the list', async () => {
    const second = await publish(territory.bodaibo.id, 'Дорожная карта Школы наставничества');
    await h.send(coordinator, '/settings');
    expect(last(coordinator)).toBe('Ваши дорожные карты: 2. Для какой настроить напоминания?');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['План внедрения ЦМН в Бодайбо', 'Дорожная карта Школы наставничества', '✖️ Закрыть']);
    await h.pressText(coordinator, 'Дорожная карта Школы наставничества');
    expect(last(coordinator)).toContain('Напоминания по дорожной карте «Дорожная карта Школы наставничества»');
    await h.pressText(coordinator, 'Дни до срока');
    await h.send(coordinator, 'нет');
    expect(last(coordinator)).toContain('• до срока — не напоминать;');
    expect((await stored(second))?.before).toEqual([]);
    expect(await stored()).toBeNull();

    await h.pressText(coordinator, 'К списку дорожных карт');
    expect(last(coordinator)).toBe('Ваши дорожные карты: 2. Для какой настроить напоминания?');
    await h.pressText(coordinator, 'Закрыть');
    expect(h.telegram.visibleButtons(coordinator.id)).toEqual([]);
  });
});
