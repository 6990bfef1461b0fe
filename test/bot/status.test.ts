import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { drain } from '../../src/domain/reminders/sweep';
import { callbackUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

/** A head's /status: what the school owes (overdue, due within two weeks, returned and why) and its register. */
describe('/status for a school', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const head = person(9951);
  const coordinator = person(9952);
  const emptyHead = person(9953);
  const otherCoordinator = person(9954);

  beforeAll(async () => {
    h = await createHarness(); // the clock: 23.11.2026
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(emptyHead, 'head', { level: 'organization', id: territory.school8.id }, 'Орлова Нина Петровна');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Михайлова Елена Викторовна');
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
    const context = { ownerLevel: 'municipality' as const, period: { start: '2026-09-01', end: '2027-06-30' }, referenceDate: '2026-09-01' };
    const item = (number: string, name: string, deadline: string) =>
      withResponsible(newItem({ number, section: null, name, deadline, responsible: 'ОО', documentKind: '' }, context), 'organizations', 'ОО', context);
    await h.services.roadmap.publish(
      {
        title: 'Дорожная карта 2026/27',
        period: context.period,
        referenceDate: context.referenceDate,
        sections: 0,
        items: [item('1', 'Приказ о наставничестве', 'до 10.11.2026'), item('2', 'Положение о наставничестве', 'до 28.11.2026'), item('3', 'Отчёт за полугодие', 'до 01.02.2027'), item('4', 'План работы', 'до 05.12.2026')],
      },
      { level: 'municipality', id: territory.bodaibo.id },
      'test',
    );
    // Item 4 was sent and returned with a reason.
    const task4 = (await h.services.roadmap.tasksOf(territory.school1.id)).find((x) => x.item.number === '4')!.task;
    await h.services.roadmap.submit(territory.school1.id, task4.id, [{ kind: 'comment', text: 'План утверждён' }], head.id);
    await h.services.roadmap.review({ level: 'municipality', id: territory.bodaibo.id }, task4.id, 'returned', coordinator.id, 'Нет подписи директора');
    // The register: two active pairs with one mentor, one pair ended; 4 young specialists reported in /counts.
    const school = territory.school1.id;
    await h.services.register.confirmConsent(school, head.id);
    const mentor = { name: 'Соколова Анна Ивановна', category: 'teacher' as const, position: 'учитель' };
    await h.services.register.createPair(school, { mentor, mentee: { name: 'Ким Олег Юрьевич', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' }, head.id);
    await h.services.register.createPair(school, { mentor, mentee: { name: 'Зуев Ян', category: 'pupil', age: 14, grade: '8А' }, form: 'teacher_pupil', programme: 'Шаг', startDate: '2026-09-01' }, head.id);
    const ended = await h.services.register.createPair(school, { mentor: { name: 'Белов Пётр', category: 'teacher', position: 'учитель' }, mentee: { name: 'Лис Ада', category: 'pupil', age: 12, grade: '6Б' }, form: 'teacher_pupil', programme: 'Шаг', startDate: '2026-09-01' }, head.id);
    if (ended.status !== 'saved') throw new Error(`pair not saved: ${ended.status}`);
    await h.services.register.endPair(school, ended.pair.id, '2026-10-30', head.id);
    await h.services.register.saveCounts(school, { pupils_11_18: 300, pupils_15_18: 120, young_specialists: 4, pupils_ovz: 5, pupils_at_risk: 3 }, head.id);
  });
  afterAll(async () => h.close());

  it('says in one message what is overdue, what is due within 14 days, what was returned and why, and the register', async () => {
    h.telegram.clear();
    await h.send(head, '/status');
    expect(h.telegram.textsTo(head.id)).toHaveLength(1);
    const text = h.telegram.lastTextTo(head.id);
    expect(text).toContain('📋 Состояние: МБОУ СОШ № 1');
    expect(text).toContain('🔴 Просрочено: 1\n• 1 Приказ о наставничестве — до 10.11.2026 — просрочено на 13 дн.');
    // Due within 14 days: item 2 (28.11); item 3 (01.02.2027) is further away; the returned item 4 is listed once,
    // with the coordinator's reason.
    expect(text).toContain('🟡 Срок в ближайшие 14 дн.: 1\n• 2 Положение о наставничестве — до 28.11.2026 — осталось 5 дн.');
    expect(text).not.toContain('Отчёт за полугодие');
    expect(text).toContain('↩️ Возвращено на доработку: 1\n• 4 План работы — до 05.12.2026 — осталось 12 дн. — «Нет подписи директора»');
    expect(text).toContain('👥 Реестр: пар — 2, наставников — 1.');
    expect(text).toContain('Наставляемые: молодой специалист — 1, обучающийся — 1.');
    expect(text).toContain('Молодые специалисты с наставником: 1 из 4.');
    // The school's indicators below target: e.g. 1 young specialist with a mentor of 4 reported.
    expect(text).toContain('Показатели ниже цели:\n🔴 2. Дети 11–18 лет в роли наставляемых: 0,3% (цель 20%, с первого года)');
    expect(text).toContain('🔴 4. Учителя — молодые специалисты в роли наставляемых: 25% (цель 100%, с первого года)');
    expect(h.telegram.lastButtons(head.id).map((b) => b.text)).toEqual(['📄 Все задачи']);
  });

  it('the school’s mentoring curator gets the same /status and /indicators as its head', async () => {
    const curator = person(9956);
    await h.register(curator, 'curator', { level: 'organization', id: territory.school1.id }, 'Кураторова Ирина');
    await h.send(head, '/status');
    const ofHead = h.telegram.lastTextTo(head.id);
    await h.send(curator, '/status');
    expect(h.telegram.lastTextTo(curator.id)).toBe(ofHead);
    await h.send(curator, '/indicators');
    expect(h.telegram.lastTextTo(curator.id)).toContain('📊 Целевые показатели: МБОУ СОШ № 1');
  });

  it('a school with nothing in the register and no counts is told where to start', async () => {
    await h.send(emptyHead, '/status');
    const text = h.telegram.lastTextTo(emptyHead.id);
    expect(text).toContain('✅ Просроченных задач нет.');
    expect(text).toContain('Наставляемых в реестре пока нет: /mentors.');
    expect(text).toContain('Молодые специалисты с наставником: 0 (сколько их всего, не указано: /counts).');
  });

  it('a municipal coordinator sees who is in the bot, how the tasks stand and the most overdue, and can open or nudge a school', async () => {
    const schools = (await h.services.territory.organizationsIn({ level: 'municipality', id: territory.bodaibo.id })).length;
    h.telegram.clear();
    await h.send(coordinator, '/status');
    const text = h.telegram.lastTextTo(coordinator.id);
    expect(text).toContain('📊 Состояние: г. Бодайбо и район');
    expect(text).toContain(`Школ в боте: 1 из ${schools}.`);
    // Item 1 is overdue everywhere; item 4 of school 1 is back with it (returned), the rest are ahead.
    expect(text).toContain(`Задачи: выполнено в срок — 0, с опозданием — 0, просрочено — ${schools}, срок не наступил — ${schools * 3}.`);
    expect(text).toContain('1. МБОУ СОШ № 1 — 1');
    // Indicators: 1 of 1 school runs programmes (green); 1 of 2 organizations, young specialists 1 of 4, children
    // with disabilities 0 of 5, at risk 0 of 3 and no event this year (red); no territory figures entered (8 without data).
    expect(text).toContain('Показатели: 🟢 1 · 🟡 0 · 🔴 6 · ⚪ 8 — /indicators\n   ниже цели: 🔴4 🔴6 🔴9 🔴12 🔴13 🔴14');
    expect(text).toMatch(/МКДОУ д\/с № 5 — 1 \(никого нет в боте\)/);
    const buttons = h.telegram.lastButtons(coordinator.id);
    const open = buttons.find((b) => b.data.startsWith('ss:o:') && b.text === '📋 1')!;
    const nudge = buttons.find((b) => b.data.startsWith('ss:n:') && b.text === '🔔 1')!;
    // A coordinator of another territory guessing the button gets nothing.
    await h.handle(callbackUpdate(otherCoordinator, open.data, open.messageId));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toContain('не найдена');
    await h.handle(callbackUpdate(coordinator, open.data, open.messageId));
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('📋 Состояние: МБОУ СОШ № 1');
    await h.handle(callbackUpdate(coordinator, nudge.data, nudge.messageId));
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Напоминание отправлено: 1. Уже выполнили: 0. Нет никого в боте: 0.');
    await drain({ services: h.services, sent: h.services.reminders.sent, deliver: async () => ({ status: 'sent', messageId: 1 }) }, h.services.clock());
    expect((await h.services.reminders.logOf(territory.bodaibo.id, 5)).map((e) => `${e.kind} → ${e.recipient} ${e.status}`)).toContain(`pushed → ${head.id} sent`);
  });

  it('a regional coordinator sees the same per municipality', async () => {
    const regional = person(9955);
    await h.register(regional, 'coordinator', { level: 'region', id: territory.irkutsk.id }, 'Региональный Координатор');
    const municipalities = await h.services.territory.listMunicipalities({ regionId: territory.irkutsk.id });
    await h.send(regional, '/status');
    const text = h.telegram.lastTextTo(regional.id);
    expect(text).toContain('📊 Состояние: Иркутская область');
    // The municipalities' coordinators: Bodaibo's is in the bot.
    expect(text).toContain(`Муниципалитетов в боте: 1 из ${municipalities.length}.`);
    expect(text).toMatch(/• г\. Бодайбо и район: школ в боте 1 из \d+, просрочено 0/);
    expect(text).toContain('Задачи: выполнено в срок — 0, с опозданием — 0, просрочено — 0, срок не наступил — 0.'); // no regional roadmap
  });

  it('/overdue lists every overdue task by school; a head may not use it', async () => {
    const schools = (await h.services.territory.organizationsIn({ level: 'municipality', id: territory.bodaibo.id })).length;
    h.telegram.clear();
    await h.send(coordinator, '/overdue');
    const text = h.telegram.textsTo(coordinator.id).join('\n');
    expect(text).toContain(`🔴 Просрочено задач: ${schools}, организаций: ${schools}.`);
    expect(text).toContain('МБОУ СОШ № 1 — 1\n• 1 Приказ о наставничестве — до 10.11.2026 — просрочено на 13 дн.');
    expect(text).toContain('МКДОУ д/с № 5 — 1');
    await h.send(head, '/overdue');
    expect(h.telegram.lastTextTo(head.id)).toContain('недоступна');
  });

  it('/schools lists the territory’s schools with marks, ten a page; /school finds one by part of its name', async () => {
    const schools = await h.services.territory.organizationsIn({ level: 'municipality', id: territory.bodaibo.id });
    h.telegram.clear();
    await h.send(coordinator, '/schools');
    const text = h.telegram.lastTextTo(coordinator.id);
    expect(text).toContain(`🏫 Организации территории: ${schools.length}. Страница 1 из ${Math.ceil(schools.length / 10)}.`);
    // School 1 has item 1 overdue and its head in the bot; the kindergarten has nobody.
    expect(text).toMatch(/\d+\. 🔴 МБОУ СОШ № 1 — просрочено 1, на неделе 1/);
    expect(text).toMatch(/\d+\. 🔴👤 МКДОУ д\/с № 5 — просрочено 1, на неделе 1/);
    expect(h.telegram.lastButtons(coordinator.id).filter((b) => b.data.startsWith('ss:o:'))).toHaveLength(Math.min(10, schools.length));
    await h.send(coordinator, '/school сош 1');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('📋 Состояние: МБОУ СОШ № 1');
    await h.send(coordinator, '/school гимназия имени никого');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('На вашей территории нет организации, в названии которой есть «гимназия имени никого».');
    await h.send(coordinator, '/school');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Напишите часть названия: /school СОШ № 3');
    // Another territory's school is not found by the coordinator of Artemovsky.
    await h.send(otherCoordinator, '/school СОШ № 1');
    expect(h.telegram.lastTextTo(otherCoordinator.id)).toContain('нет организации');
  });

  it('/school matches a number whole: «сош 1» finds school No. 1, not No. 10; «сош» offers a choice', async () => {
    await h.services.territory.importTable({
      rows: [
        { row: 1, cells: ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'] },
        { row: 2, cells: ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 10»', 'МБОУ СОШ № 10', 'школа'] },
      ],
    });
    await h.send(coordinator, '/school сош 1');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('📋 Состояние: МБОУ СОШ № 1\n');
    await h.send(coordinator, '/school СОШ №10');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('📋 Состояние: МБОУ СОШ № 10');
    await h.send(coordinator, '/school сош');
    expect(h.telegram.lastTextTo(coordinator.id)).toMatch(/^По «сош» найдено организаций: \d+:/);
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(expect.arrayContaining([expect.stringContaining('МБОУ СОШ № 1'), expect.stringContaining('МБОУ СОШ № 10')]));
  });
});
