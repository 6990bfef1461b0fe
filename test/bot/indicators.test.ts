import { callbackUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

/**
 * /indicators: a head sees their school's 15 indicators, a coordinator their territory's, enters the territory's
 * figures, and a regional coordinator sees each municipality. Nobody reads or changes another territory's.
 */
describe('/indicators', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const head = person(9961);
  const coordinator = person(9962);
  const otherCoordinator = person(9963);
  const regional = person(9964);

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Михайлова Елена Викторовна');
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
    await h.register(regional, 'coordinator', { level: 'region', id: territory.irkutsk.id }, 'Региональный Координатор');
    // School 1: three pupils aged 12-16 as mentees (one with a disability), a pupil mentor, a young specialist.
    const school = territory.school1.id;
    await h.services.register.confirmConsent(school, head.id);
    const teacher = { name: 'Соколова Анна Ивановна', category: 'teacher' as const, position: 'учитель' };
    const pupilMentor = { name: 'Петров Илья', category: 'pupil' as const, position: '10А' };
    const pairs = [
      { mentor: teacher, mentee: { name: 'Зуев Ян', category: 'pupil' as const, age: 12, grade: '6А' }, form: 'teacher_pupil' as const },
      { mentor: pupilMentor, mentee: { name: 'Лис Ада', category: 'pupil_ovz' as const, age: 13, grade: '7Б' }, form: 'pupil_pupil' as const },
      { mentor: teacher, mentee: { name: 'Ким Ася', category: 'pupil' as const, age: 16, grade: '10Б' }, form: 'teacher_pupil' as const },
      { mentor: teacher, mentee: { name: 'Орлов Пётр Ильич', category: 'young_specialist' as const }, form: 'teacher_teacher' as const },
    ];
    for (const p of pairs) {
      const saved = await h.services.register.createPair(school, { ...p, programme: 'Шаг', startDate: '2026-09-01' }, head.id);
      if (saved.status !== 'saved') throw new Error(`pair not saved: ${saved.status}`);
    }
    await h.services.register.saveCounts(school, { pupils_11_18: 300, pupils_15_18: 100, young_specialists: 2, pupils_ovz: 4, pupils_at_risk: 0 }, head.id);
  });
  afterAll(async () => h.close());

  it('a head sees the school’s indicators with value, target, colour and how each was computed', async () => {
    h.telegram.clear();
    await h.send(head, '/indicators');
    const text = h.telegram.textsTo(head.id).join('\n');
    expect(text).toContain('📊 Целевые показатели: МБОУ СОШ № 1');
    // 3 mentees aged 11-18 of 300 pupils = 1%; 1 pupil mentor of 100 aged 15-18 = 1%; 1 young specialist of 2 = 50%.
    expect(text).toContain('🔴 2. Дети 11–18 лет в роли наставляемых: 1% (цель 20%, с первого года)\n   наставляемые 11–18 лет (реестр): 3; обучающихся 11–18 лет (/counts): 300');
    expect(text).toContain('🔴 8. Подростки 15–18 лет в роли наставников: 1% (цель 35%, к 2024 г.)');
    expect(text).toContain('🔴 4. Учителя — молодые специалисты в роли наставляемых: 50% (цель 100%, с первого года)');
    // 1 of 4 children with disabilities = 25% of a 50% target: red (below three quarters of it).
    expect(text).toContain('🔴 12. Дети с ОВЗ, охваченные наставничеством: 25% (цель 50%, к 2024 г.)');
    expect(text).toContain('🟢 14. Организации, реализующие программы наставничества: 100%');
    // No pupils at risk: nothing to cover; no monitoring answer yet.
    expect(text).toContain('⚪ 11. Раздел «Ресурсный центр наставнических практик» на сайте: нет данных');
    expect(text).toContain('школа ещё не ответила на анкету мониторинга');
    expect(text).toContain('Не применяются здесь:\n— 5, 6, 10: считаются только для муниципалитета и региона\n— 13: считать не из чего: в знаменателе 0');
    expect(h.telegram.textsTo(head.id).every((t) => t.length <= 4096)).toBe(true);
  });

  it('a head’s /status lists the indicators below target', async () => {
    await h.send(head, '/status');
    const text = h.telegram.lastTextTo(head.id);
    expect(text).toContain('Показатели ниже цели:\n🔴 2. Дети 11–18 лет в роли наставляемых: 1% (цель 20%, с первого года)');
    expect(text).not.toContain('🟢 14.');
    expect(text).toContain('⚪ Нет данных по показателям: 2 — /indicators');
  });

  it('a coordinator sees «нет данных» until the territory figures are entered, enters them, and the value follows', async () => {
    h.telegram.clear();
    await h.send(coordinator, '/indicators');
    let text = h.telegram.textsTo(coordinator.id).join('\n');
    expect(text).toContain('📊 Целевые показатели: г. Бодайбо и район');
    expect(text).toContain('⚪ 2. Дети 11–18 лет в роли наставляемых: нет данных (цель 20%, с первого года)\n   наставляемые 11–18 лет (реестр): 3; не введено число детей 11–18 лет на территории');
    // 1 of 2 organizations runs programmes (the kindergarten does not).
    expect(text).toContain('🔴 14. Организации, реализующие программы наставничества: 50% (цель 100%, к 2024 г.)\n   организаций с действующими парами в реестре: 1 из 2');
    await h.pressText(coordinator, 'Данные территории');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('• Дети 11–18 лет, проживающие на территории: не введено');
    await h.pressText(coordinator, 'Дети 11–18 лет, проживающие на территории');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Введите значение «Дети 11–18 лет, проживающие на территории»');
    await h.send(coordinator, 'много');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Нужно целое число от 0 до 10 000 000');
    await h.send(coordinator, '1 500');
    const texts = h.telegram.textsTo(coordinator.id);
    expect(texts.at(-2)).toBe('Сохранено: Дети 11–18 лет, проживающие на территории — 1500.');
    expect(texts.at(-1)?.replace(/\u00a0/g, ' ')).toContain('• Дети 11–18 лет, проживающие на территории: 1 500');
    h.telegram.clear();
    await h.send(coordinator, '/indicators');
    text = h.telegram.textsTo(coordinator.id).join('\n');
    // 3 of 1500 = 0.2%.
    expect(text).toContain('🔴 2. Дети 11–18 лет в роли наставляемых: 0,2% (цель 20%, с первого года)\n   наставляемые 11–18 лет (реестр): 3; детей 11–18 лет на территории (данные координатора): 1500');
  });

  it('a coordinator clears a figure with the button, and /status shows the colours at a glance', async () => {
    await h.pressText(coordinator, 'Данные территории');
    await h.pressText(coordinator, 'Предприятия и организации, работающие на территории');
    await h.send(coordinator, '40');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('• Предприятия и организации, работающие на территории: 40');
    await h.pressText(coordinator, 'Предприятия и организации, работающие на территории');
    await h.pressText(coordinator, 'Очистить');
    expect(h.telegram.textsTo(coordinator.id).at(-2)).toBe('Значение «Предприятия и организации, работающие на территории» убрано.');
    await h.send(coordinator, '/status');
    expect(h.telegram.lastTextTo(coordinator.id)).toMatch(/Показатели: 🟢 \d+ · 🟡 \d+ · 🔴 \d+ · ⚪ \d+ — \/indicators/);
  });

  it('a regional coordinator sees the region with municipalities’ figures summed, and each municipality', async () => {
    h.telegram.clear();
    await h.send(regional, '/indicators');
    expect(h.telegram.textsTo(regional.id).join('\n')).toContain('📊 Целевые показатели: Иркутская область');
    await h.pressText(regional, 'Данные территории');
    // Irkutsk region has one municipality here, Bodaibo, whose coordinator entered 1500.
    expect(h.telegram.lastTextTo(regional.id).replace(/\u00a0/g, ' ')).toContain('• Дети 11–18 лет, проживающие на территории: 1 500 (сумма муниципалитетов)');
    await h.send(regional, '/indicators');
    await h.pressText(regional, 'По муниципалитетам');
    const text = h.telegram.lastTextTo(regional.id);
    expect(text).toContain('📊 Показатели по муниципалитетам');
    expect(text).toMatch(/г\. Бодайбо и район: 🟢 \d+ · 🟡 \d+ · 🔴 \d+ · ⚪ \d+/);
    // The region's /status reads the region once for its own indicators and each municipality's: the same values.
    const view = await h.services.indicators.regionView(territory.irkutsk.id);
    expect(view.region).toEqual(await h.services.indicators.forTerritory({ level: 'region', id: territory.irkutsk.id }));
    expect(view.municipalities.map((m) => m.values)).toEqual([await h.services.indicators.forTerritory({ level: 'municipality', id: territory.bodaibo.id })]);
    await h.send(regional, '/status');
    expect(h.telegram.lastTextTo(regional.id)).toMatch(/• г\. Бодайбо и район: .*\n {3}показатели: 🟢 \d+ 🟡 \d+ 🔴 \d+ ⚪ \d+/);
  });

  it('another territory’s coordinator sees their own figures only, and a head cannot press a coordinator’s button', async () => {
    h.telegram.clear();
    await h.send(otherCoordinator, '/indicators');
    const text = h.telegram.textsTo(otherCoordinator.id).join('\n');
    expect(text).toContain('📊 Целевые показатели: Артемовский городской округ');
    expect(text).toContain('⚪ 2. Дети 11–18 лет в роли наставляемых: нет данных');
    expect(text).not.toContain('1500');
    await h.handle(callbackUpdate(head, 'ind:f:children_11_18', 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toContain('недоступна');
    expect((await h.services.indicators.figuresOf({ level: 'municipality', id: territory.artemovsky.id })).own).toEqual({});
  });
});
