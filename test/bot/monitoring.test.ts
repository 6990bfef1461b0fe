import type { User as TgUser } from 'grammy/types';
import mongoose from 'mongoose';
import { createNudgeDelivery, createPacer } from '../../src/bot/nudges';
import { MONITORING_ROADMAP_TITLE } from '../../src/domain/monitoring/monitoring.service';
import { drain, sweep, type SweepDeps } from '../../src/domain/reminders/sweep';
import { atLocal } from '../../src/domain/reminders/working-time';
import { createServices, type Services } from '../../src/domain/services';
import { connectOptions } from '../../src/domain/shared/connection';
import { runMonitoringJob } from '../../src/jobs/monitoring';
import { silentLogger } from '../../src/logger';
import { callbackUpdate, person, textUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { MONGODB_TEST_URI, seedTerritory } from '../helpers/services';

const Q4 = { year: 2026, q: 4 as const };
const IRKUTSK = 'Asia/Irkutsk';

/**
 * The quarterly monitoring (seed 002: «Мониторинг реализации ЦМН — ежеквартально»): a coordinator starts the round
 * (or it starts itself ten days before the quarter ends), every head of the municipality is asked, heads answer the
 * questionnaire, the coordinator follows it in /monitoring. The bot is rebuilt for every update (a restart).
 */
describe('the quarterly monitoring', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  let schools: { school2: string; school3: string; kirensk: string; kirenskSchool: string };
  const head1 = person(9601);
  const curator1 = person(9602);
  const headK = person(9603); // the kindergarten
  const head2 = person(9604);
  const head3 = person(9605);
  const head8 = person(9606); // Artemovsky
  const headKirensk = person(9607);
  const coordinator = person(9611);
  const otherCoordinator = person(9612); // Artemovsky
  const regional = person(9613); // Irkutsk region
  const others: { close: () => Promise<void> }[] = [];

  /** Another instance of the services over the same database, as a second process or a restart has. */
  async function anotherInstance(): Promise<Services> {
    const conn = mongoose.createConnection(`${MONGODB_TEST_URI.replace(/\/$/, '')}/${h.conn.name}`, connectOptions({ serverSelectionTimeoutMS: 5000 }));
    await conn.asPromise();
    const built = createServices(conn, { clock: h.time.clock, inviteTtlDays: 14 });
    await built.ensureIndexes();
    others.push({ close: () => conn.close() });
    return built.services;
  }

  const deliveryOf = (services: Services): SweepDeps => ({
    services,
    sent: services.reminders.sent,
    deliver: createNudgeDelivery(h.newBot(services).api, silentLogger, createPacer({ perSecond: 1000, perChatMs: 0 })),
  });

  /** Presses the button whose text is (or contains) `text`, with the bot built over `services`. */
  async function press(who: TgUser, text: string, services?: Services) {
    const find = (buttons: { text: string; data: string; messageId: number }[]) => buttons.find((b) => b.text === text) ?? buttons.find((b) => b.text.includes(text));
    const button = find(h.telegram.visibleButtons(who.id)) ?? find(h.telegram.lastButtons(who.id));
    if (!button) throw new Error(`no button "${text}" for ${who.id}: ${JSON.stringify(h.telegram.visibleButtons(who.id).map((b) => b.text))}`);
    await h.handle(callbackUpdate(who, button.data, button.messageId), services);
  }
  const say = (who: TgUser, text: string, services?: Services) => h.handle(textUpdate(who, text), services);

  /** Opens a school's questionnaire as the invitation's button does (task:d:<its monitoring task>). */
  async function openFor(who: TgUser, schoolId: string, services?: Services) {
    await h.handle(callbackUpdate(who, `task:d:${(await taskOfSchool(schoolId)).id}`, 1), services);
  }

  /** The whole questionnaire once it is open: 2 programmes, the register's figures, 7 of 10. */
  async function answerAll(who: TgUser, services?: Services) {
    await say(who, '2', services);
    await press(who, 'Да, как в реестре', services);
    await press(who, 'Пропустить', services);
    await press(who, 'Пропустить', services);
    await press(who, '7', services);
    await press(who, 'Нет', services);
    await press(who, 'Нет', services);
    expect(h.telegram.lastTextTo(who.id)).toContain('📋 Проверьте ответы:');
    await press(who, 'Отправить', services);
    expect(h.telegram.lastTextTo(who.id)).toBe('✅ Спасибо! Ответы сохранены, задача мониторинга выполнена.');
  }

  const bodaibo = () => ({ level: 'municipality' as const, id: territory.bodaibo.id });
  async function roundOf(owner: { level: 'municipality'; id: string }) {
    const map = await h.services.roadmap.findRoadmap(owner, MONITORING_ROADMAP_TITLE);
    if (!map) return { items: [], tasks: [] };
    return { items: await h.services.roadmap.itemsOf(map.id), tasks: await h.services.roadmap.tasksOfRoadmap(map.id) };
  }
  const taskOfSchool = async (schoolId: string) => (await h.services.roadmap.tasksOf(schoolId)).find((x) => x.item.key === 'monitoring|2026-Q4')!.task;

  beforeAll(async () => {
    h = await createHarness(); // 23.11.2026 09:00 UTC: 17:00 in Bodaibo, a Monday
    territory = await seedTerritory(h.services);
    await h.services.territory.importTable({
      rows: [
        { row: 1, cells: ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'] },
        { row: 2, cells: ['Иркутская область', 'г. Бодайбо и район', IRKUTSK, 'Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 2 г. Бодайбо»', 'МБОУ СОШ № 2', 'школа'] },
        { row: 3, cells: ['Иркутская область', 'г. Бодайбо и район', IRKUTSK, 'Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 3 г. Бодайбо»', 'МБОУ СОШ № 3', 'школа'] },
        { row: 4, cells: ['Иркутская область', 'Киренский район', IRKUTSK, 'Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Киренска»', 'МКОУ СОШ № 1 г. Киренска', 'школа'] },
      ],
    });
    const orgs = await h.services.territory.listOrganizations();
    const id = (short: string) => orgs.find((o) => o.shortName === short)!.id;
    const kirensk = (await h.services.territory.listMunicipalities()).find((m) => m.name === 'Киренский район')!.id;
    schools = { school2: id('МБОУ СОШ № 2'), school3: id('МБОУ СОШ № 3'), kirensk, kirenskSchool: id('МКОУ СОШ № 1 г. Киренска') };
    const org = (schoolId: string) => ({ level: 'organization' as const, id: schoolId });
    await h.register(head1, 'head', org(territory.school1.id), 'Иванова Ольга Петровна');
    await h.register(curator1, 'curator', org(territory.school1.id), 'Петрова Анна Ивановна');
    await h.register(headK, 'head', org(territory.kindergarten5.id), 'Кузнецова Вера Павловна');
    await h.register(head2, 'head', org(schools.school2), 'Смирнов Олег Игоревич');
    await h.register(head3, 'head', org(schools.school3), 'Попова Нина Андреевна');
    await h.register(head8, 'head', org(territory.school8.id), 'Орлова Нина Петровна');
    await h.register(headKirensk, 'head', org(schools.kirenskSchool), 'Зуева Лидия Сергеевна');
    await h.register(coordinator, 'coordinator', bodaibo(), 'Михайлова Елена Викторовна');
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
    await h.register(regional, 'coordinator', { level: 'region', id: territory.irkutsk.id }, 'Региональный Координатор');
    // School 1's register: two young specialists with one mentor (teacher–teacher: 3 people), one pupil with another
    // mentor (teacher–pupil: 2 people); two programmes.
    const school = territory.school1.id;
    await h.services.register.confirmConsent(school, head1.id);
    const mentor = { name: 'Соколова Анна Ивановна', category: 'teacher' as const, position: 'учитель' };
    await h.services.register.createPair(school, { mentor, mentee: { name: 'Ким Олег Юрьевич', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' }, head1.id);
    await h.services.register.createPair(school, { mentor, mentee: { name: 'Лаптева Ия Олеговна', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' }, head1.id);
    await h.services.register.createPair(school, { mentor: { name: 'Белов Пётр', category: 'teacher', position: 'учитель' }, mentee: { name: 'Зуев Ян', category: 'pupil', age: 14, grade: '8А' }, form: 'teacher_pupil', programme: 'Шаг', startDate: '2026-09-01' }, head1.id);
  });
  afterAll(async () => {
    for (const o of others) await o.close();
    await h.close();
  });

  it('a coordinator starts the round: one item in the municipality’s roadmap, a task per organization, every head and curator told, nobody of another municipality', async () => {
    await h.send(coordinator, '/monitoring');
    const view = h.telegram.lastTextTo(coordinator.id);
    expect(view).toContain('📊 Мониторинг реализации ЦМН за IV квартал 2026 г. — г. Бодайбо и район');
    expect(view).toContain('Мониторинг ещё не начат. Он начнётся сам 21.12.2026');
    expect(view).toContain('со сроком до 10.01.2027');
    const shown = h.telegram.textsTo(coordinator.id).length;
    await press(coordinator, '▶️ Начать мониторинг за IV квартал');
    expect(h.telegram.textsTo(coordinator.id)[shown]).toBe('▶️ Мониторинг за IV квартал 2026 г. начат: г. Бодайбо и район. Сообщений руководителям и кураторам — 5. Срок — до 10.01.2027.');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Ответили: 0 из 4.');

    const round = await roundOf(bodaibo());
    expect(round.items.map((i) => [i.key, i.name, i.deadline, i.responsible, i.documentKind])).toEqual([
      ['monitoring|2026-Q4', 'Мониторинг реализации ЦМН за IV квартал 2026 г.', 'до 10.01.2027', 'Руководители МОО', 'Анкета мониторинга'],
    ]);
    expect(round.tasks).toHaveLength(4);
    expect(new Set(round.tasks.map((t) => t.due))).toEqual(new Set(['2027-01-10']));
    expect(new Set(round.tasks.map((t) => t.target.id))).toEqual(new Set([territory.school1.id, territory.kindergarten5.id, schools.school2, schools.school3]));

    await drain(deliveryOf(h.services), h.services.clock());
    for (const who of [head1, curator1, headK, head2, head3]) {
      expect(h.telegram.textsTo(who.id)).toHaveLength(1);
      expect(h.telegram.lastTextTo(who.id)).toContain('📝 Мониторинг реализации ЦМН за IV квартал 2026 г.');
      expect(h.telegram.lastTextTo(who.id)).toContain('Срок — до 10.01.2027.');
      expect(h.telegram.lastButtons(who.id).map((b) => b.text)).toEqual(['📝 Заполнить анкету', '🔁 Напомнить завтра']);
    }
    expect(h.telegram.lastButtons(head1.id)[0]!.data).toBe(`task:d:${(await taskOfSchool(territory.school1.id)).id}`);
    expect(h.telegram.textsTo(head8.id)).toHaveLength(0);
    expect(h.telegram.textsTo(headKirensk.id)).toHaveLength(0);

    // Starting again (a second press, the service called twice) makes no second round and tells nobody twice.
    const said = h.telegram.textsTo(coordinator.id).length;
    await h.handle(callbackUpdate(coordinator, 'mon:start:2026-Q4', 1));
    expect(h.telegram.textsTo(coordinator.id)[said]).toBe('Мониторинг за IV квартал 2026 г. уже идёт: г. Бодайбо и район.');
    const again = await h.services.monitoring.start(bodaibo(), Q4, coordinator.id);
    expect(again.map((r) => r.status)).toEqual(['exists']);
    expect((await roundOf(bodaibo())).items).toHaveLength(1);
    expect((await roundOf(bodaibo())).tasks).toHaveLength(4);
    await drain(deliveryOf(h.services), h.services.clock());
    expect(h.telegram.textsTo(head1.id)).toHaveLength(1);
  });

  it('a head answers the questionnaire (a bad number and an 11 re-asked, nothing lost); the task is done; /monitoring shows 1 of 4 and the totals', async () => {
    const before = h.telegram.textsTo(head1.id).length;
    await press(head1, 'Заполнить анкету'); // on the invitation of the test before
    const opened = h.telegram.textsTo(head1.id).slice(before);
    expect(opened[0]).toContain('Срок — до 10.01.2027.');
    expect(opened[1]).toBe('1/7. Сколько программ наставничества реализуется в организации сейчас? Напишите число.');
    expect(h.telegram.lastButtons(head1.id).map((b) => b.text)).toEqual(['Как в реестре: 2']);

    await h.send(head1, 'три');
    expect(h.telegram.lastTextTo(head1.id)).toBe('Нужно целое число, например 3 (0 — если нет). Напишите число или нажмите кнопку под вопросом.');
    await h.send(head1, '3');
    const forms = h.telegram.lastTextTo(head1.id);
    expect(forms).toContain('2/7. Участники наставничества');
    expect(forms).toContain('• учитель – учитель: 3');
    expect(forms).toContain('• педагог – учащийся: 2');
    expect(forms).toContain('• ученик – ученик: 0');
    await press(head1, 'Да, как в реестре');
    expect(h.telegram.lastTextTo(head1.id)).toContain('3/7. Что получилось');
    await h.send(head1, 'Провели две встречи наставников');
    await press(head1, 'Пропустить');
    expect(h.telegram.lastTextTo(head1.id)).toContain('5/7.');
    await h.send(head1, '11');
    expect(h.telegram.lastTextTo(head1.id)).toBe('Оценка — целое число от 1 до 10. Нажмите кнопку или напишите число.');
    await press(head1, '8');
    expect(h.telegram.lastTextTo(head1.id)).toBe('6/7. Есть ли на сайте организации раздел «Ресурсный центр наставнических практик»?');
    await press(head1, 'Да');
    expect(h.telegram.lastTextTo(head1.id)).toContain('7/7. Прошла ли организация независимую оценку качества');
    await h.send(head1, 'может быть');
    expect(h.telegram.lastTextTo(head1.id)).toBe('Ответьте кнопкой «Да» или «Нет» (или напишите «да» / «нет»).');
    await h.send(head1, 'нет');

    const summary = h.telegram.lastTextTo(head1.id);
    expect(summary).toContain('📋 Проверьте ответы:');
    expect(summary).toContain('Программ наставничества: 3');
    expect(summary).toContain('Участники по формам (всего 5):');
    expect(summary).toContain('Что получилось: Провели две встречи наставников');
    expect(summary).toContain('Что мешало: —');
    expect(summary).toContain('Удовлетворённость: 8 из 10');
    expect(summary).toContain('Раздел «Ресурсный центр наставнических практик» на сайте: да');
    expect(summary).toContain('Независимая оценка качества за последние три года: нет');
    expect(h.telegram.lastButtons(head1.id).map((b) => b.text)).toEqual(['📤 Отправить', '🔁 Заново']);
    await press(head1, 'Отправить');
    expect(h.telegram.lastTextTo(head1.id)).toBe('✅ Спасибо! Ответы сохранены, задача мониторинга выполнена.');

    // Accepted at once, with the answers as its evidence: nothing waits in the coordinator's /review.
    const task = await taskOfSchool(territory.school1.id);
    expect(task.status).toBe('accepted');
    expect(task.submissions[0]!.evidence[0]!.text).toContain('Анкета мониторинга заполнена в боте.');
    expect(await h.services.roadmap.reviewQueue(bodaibo())).toHaveLength(0);

    const latest = await h.services.monitoring.latestAnswers([territory.school1.id, schools.school2]);
    expect([...latest.keys()]).toEqual([territory.school1.id]);
    expect(latest.get(territory.school1.id)).toMatchObject({
      roundKey: 'monitoring|2026-Q4',
      quarter: '2026-Q4',
      programmes: 3,
      participants: { teacher_teacher: 3, teacher_pupil: 2, pupil_pupil: 0, student_pupil: 0, employer_pupil: 0, employer_student: 0 },
      wentWell: 'Провели две встречи наставников',
      obstacles: null,
      satisfaction: 8,
      siteSection: true,
      independentAssessment: false,
      answeredBy: head1.id,
    });
    const rows = await h.services.monitoring.answersIn(bodaibo());
    expect(rows.map((r) => r.schoolId)).toEqual([territory.school1.id]);
    expect(await h.services.monitoring.answersIn({ level: 'region', id: territory.irkutsk.id }, { quarter: '2026-Q4' })).toHaveLength(1);

    await h.send(coordinator, '/monitoring');
    const view = h.telegram.lastTextTo(coordinator.id);
    expect(view).toContain('Срок: до 10.01.2027.');
    expect(view).toContain('Ответили: 1 из 4.');
    expect(view).toContain('Не ответили (3):\n• МБОУ СОШ № 2\n• МБОУ СОШ № 3\n• МКДОУ д/с № 5');
    expect(view).toContain('Итоги по ответившим (1):');
    expect(view).toContain('Программ наставничества: 3');
    expect(view).toContain('Участники по формам: учитель – учитель — 3, педагог – учащийся — 2 (всего 5)');
    expect(view).toContain('Средняя удовлетворённость: 8 из 10');
    expect(view).toContain('Раздел «Ресурсный центр наставнических практик» на сайте: 1 из 1');
    expect(view).toContain('Независимая оценка качества за последние три года: 0 из 1');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['🔄 Обновить']);
  });

  it('access by scope: a head cannot /monitoring, another municipality’s coordinator neither sees nor starts this round, guessed buttons are refused', async () => {
    h.telegram.clear();
    await h.send(head1, '/monitoring');
    expect(h.telegram.lastTextTo(head1.id)).toContain('недоступна');
    await h.handle(callbackUpdate(head1, 'mon:start:2026-Q4', 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toContain('недоступна');

    await h.send(otherCoordinator, '/monitoring');
    const view = h.telegram.lastTextTo(otherCoordinator.id);
    expect(view).toContain('— Артемовский городской округ');
    expect(view).toContain('Мониторинг ещё не начат');
    expect(view).not.toMatch(/Бодайбо|СОШ № 2|Ответили/);
    // A made-up quarter in the button starts nothing.
    await h.handle(callbackUpdate(otherCoordinator, 'mon:start:2026-Q3', 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Эта кнопка устарела: откройте /monitoring заново.');
    expect(await h.services.monitoring.roundOf(territory.artemovsky.id, Q4)).toBeNull();

    // School 1's task, guessed by the head of another school or pressed by a coordinator, opens nothing.
    const task = await taskOfSchool(territory.school1.id);
    await h.handle(callbackUpdate(head8, `task:d:${task.id}`, 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Такой задачи у вас нет.');
    await h.handle(callbackUpdate(coordinator, `task:d:${task.id}`, 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Такой задачи у вас нет.');
    expect(h.telegram.textsTo(head8.id).join('\n')).not.toContain('1/7');
    // Nor does the service take answers for another school's task.
    const answers = { programmes: 1, participants: (await h.services.monitoring.fromRegister(territory.school8.id)).participants, wentWell: null, obstacles: null, satisfaction: 5, siteSection: false, independentAssessment: false };
    expect(await h.services.monitoring.submit(territory.school8.id, task.id, answers, head8.id, '')).toBe('not_found');
    expect((await h.services.monitoring.answersIn({ level: 'municipality', id: territory.artemovsky.id })).length).toBe(0);
  });

  it('a regional coordinator sees the round per municipality and starts it where there is none; no school is asked twice', async () => {
    h.telegram.clear();
    await h.send(regional, '/monitoring');
    const view = h.telegram.lastTextTo(regional.id);
    expect(view).toContain('📊 Мониторинг реализации ЦМН за IV квартал 2026 г. — Иркутская область');
    expect(view).toContain('Мониторинг идёт в муниципалитетах: 1 из 2.');
    expect(view).toContain('• г. Бодайбо и район: ответили 1 из 4');
    expect(view).toContain('• Киренский район: не начат');
    expect(view).toContain('Всего ответили: 1 из 4.');
    await press(regional, '▶️ Начать мониторинг за IV квартал');
    expect(h.telegram.textsTo(regional.id)[1]).toBe('▶️ Мониторинг за IV квартал 2026 г.: начат в муниципалитетах — 1, уже шёл — 1.');
    expect(h.telegram.lastTextTo(regional.id)).toContain('Мониторинг идёт в муниципалитетах: 2 из 2.');

    // Kirensk's round belongs to Kirensk; Bodaibo's is as it was.
    const kirensk = await roundOf({ level: 'municipality', id: schools.kirensk });
    expect(kirensk.items.map((i) => i.key)).toEqual(['monitoring|2026-Q4']);
    expect(kirensk.tasks.map((t) => t.target.id)).toEqual([schools.kirenskSchool]);
    expect((await roundOf(bodaibo())).tasks).toHaveLength(4);
    expect(await h.services.roadmap.findRoadmap({ level: 'region', id: territory.irkutsk.id }, MONITORING_ROADMAP_TITLE)).toBeNull();
    await drain(deliveryOf(h.services), h.services.clock());
    expect(h.telegram.lastTextTo(headKirensk.id)).toContain('📝 Мониторинг реализации ЦМН за IV квартал 2026 г.');
    expect(h.telegram.textsTo(head2.id)).toHaveLength(0);
  });

  it('the job opens the round by itself from 21.12, once, even run twice at the same moment by two instances', async () => {
    // Before the window it opens nothing.
    expect(await runMonitoringJob(h.services, h.services.clock())).toEqual({ opened: 0, announced: 0 });
    h.telegram.clear();
    h.time.set(new Date('2026-12-21T05:00:00Z')); // 13:00 in Bodaibo, 10:00 in Artemovsky: a Monday
    const second = await anotherInstance();
    const runs = await Promise.all([runMonitoringJob(h.services, h.services.clock()), runMonitoringJob(second, second.clock())]);
    // Artemovsky has a coordinator and no round: it gets one. Bodaibo has its round already.
    expect(runs[0]!.opened + runs[1]!.opened).toBe(1);
    const artemovsky = await roundOf({ level: 'municipality', id: territory.artemovsky.id });
    expect(artemovsky.items.map((i) => [i.key, i.deadline])).toEqual([['monitoring|2026-Q4', 'до 10.01.2027']]);
    expect(artemovsky.tasks.map((t) => t.target.id)).toEqual([territory.school8.id]);
    expect((await roundOf(bodaibo())).items).toHaveLength(1);
    expect((await roundOf(bodaibo())).tasks).toHaveLength(4);
    // An hour later, again: nothing new.
    h.time.set(new Date('2026-12-21T06:17:00Z'));
    expect(await runMonitoringJob(second, second.clock())).toEqual({ opened: 0, announced: 0 });
    await drain(deliveryOf(h.services), h.services.clock());
    expect(h.telegram.textsTo(head8.id)).toHaveLength(1);
    expect(h.telegram.lastTextTo(head8.id)).toContain('📝 Мониторинг реализации ЦМН за IV квартал 2026 г.');
    expect(h.telegram.textsTo(head1.id)).toHaveLength(0);
  });

  it('a restart in the middle of the round: answers kept, no second round, a half-done questionnaire goes on, the rest are nudged and finish', async () => {
    h.telegram.clear();
    // Half of Bodaibo has answered (school 1 before, school 2 now); the kindergarten's head is at question 2.
    await openFor(head2, schools.school2);
    await answerAll(head2);
    await openFor(headK, territory.kindergarten5.id);
    await say(headK, '1');
    expect(h.telegram.lastTextTo(headK.id)).toContain('2/7. Участники наставничества');

    // The process restarts: new services over the same database, the bot over the same Redis; the job runs again.
    const rebuilt = await anotherInstance();
    expect(await runMonitoringJob(rebuilt, rebuilt.clock())).toEqual({ opened: 0, announced: 0 });
    const round = await roundOf(bodaibo());
    expect(round.items).toHaveLength(1);
    expect(round.tasks).toHaveLength(4);
    expect(round.tasks.filter((t) => t.status === 'accepted').map((t) => t.target.id).sort()).toEqual([territory.school1.id, schools.school2].sort());
    expect((await rebuilt.monitoring.answersIn(bodaibo())).map((r) => r.schoolId).sort()).toEqual([territory.school1.id, schools.school2].sort());

    // The kindergarten's head goes on at the question they were at.
    await press(headK, 'Да, как в реестре', rebuilt);
    expect(h.telegram.lastTextTo(headK.id)).toContain('3/7. Что получилось');
    await press(headK, 'Пропустить', rebuilt);
    await say(headK, 'Не хватает наставников среди педагогов', rebuilt);
    await press(headK, '6', rebuilt);
    await press(headK, 'Нет', rebuilt);
    await press(headK, 'Да', rebuilt);
    const summary = h.telegram.lastTextTo(headK.id);
    expect(summary).toContain('Программ наставничества: 1');
    expect(summary).toContain('Что мешало: Не хватает наставников среди педагогов');
    await press(headK, 'Отправить', rebuilt);
    expect(h.telegram.lastTextTo(headK.id)).toBe('✅ Спасибо! Ответы сохранены, задача мониторинга выполнена.');

    // 30.12, 09:05 in Bodaibo: the reminders before the deadline (10.01) fall on the New Year holidays, so they come
    // on the last working day before them; the one school left is nudged.
    h.telegram.clear();
    await sweep(deliveryOf(rebuilt), atLocal('2026-12-30', 9 * 60 + 5, IRKUTSK));
    expect(h.telegram.textsTo(head3.id)).toHaveLength(1);
    expect(h.telegram.lastTextTo(head3.id)).toMatch(/^⏰ Напоминание: через \d+ дн\. срок по пункту Мониторинг реализации ЦМН за IV квартал 2026 г\. — до 10\.01\.2027\./);
    for (const done of [head1, curator1, head2, headK]) expect(h.telegram.textsTo(done.id)).toHaveLength(0);
    h.time.set(atLocal('2026-12-30', 9 * 60 + 30, IRKUTSK));
    await press(head3, '✅ Отметить выполненным', rebuilt);
    await answerAll(head3, rebuilt);

    await say(coordinator, '/monitoring', rebuilt);
    const view = h.telegram.lastTextTo(coordinator.id);
    expect(view).toContain('Ответили: 4 из 4.');
    expect(view).not.toContain('Не ответили');
    expect(view).toContain('Итоги по ответившим (4):');
    expect(view).toContain('Программ наставничества: 8'); // 3 + 2 + 1 + 2
    expect(view).toContain('Средняя удовлетворённость: 7 из 10'); // (8 + 7 + 6 + 7) / 4
  });

  it('answering again before the deadline (form by form, «Заново» once) replaces the school’s answers; after it the questionnaire is closed', async () => {
    const task = await taskOfSchool(territory.school1.id);
    h.telegram.clear();
    await h.handle(callbackUpdate(head1, `task:d:${task.id}`, 1));
    expect(h.telegram.textsTo(head1.id)[0]).toContain('Вы уже отвечали: новые ответы заменят прежние.');
    // Form by form this time, the register's figure one press away; then «Заново» from the summary.
    await say(head1, '4');
    await press(head1, 'Ввести по каждой форме');
    expect(h.telegram.lastTextTo(head1.id)).toBe('2/7. Форма «ученик – ученик»: сколько в ней участников (наставников и наставляемых)? Напишите число.');
    await press(head1, 'Как в реестре: 0');
    expect(h.telegram.lastButtons(head1.id).map((b) => b.text)).toEqual(['Как в реестре: 3']);
    await say(head1, '5');
    for (let i = 0; i < 4; i++) await press(head1, 'Как в реестре');
    expect(h.telegram.lastTextTo(head1.id)).toContain('3/7.');
    await press(head1, 'Пропустить');
    await press(head1, 'Пропустить');
    await press(head1, '10');
    await press(head1, 'Нет');
    await press(head1, 'Нет');
    const summary = h.telegram.lastTextTo(head1.id);
    expect(summary).toContain('Участники по формам (всего 7):');
    expect(summary).toContain('• учитель – учитель: 5');
    expect(summary).toContain('• педагог – учащийся: 2');
    await press(head1, 'Заново');
    expect(h.telegram.lastTextTo(head1.id)).toBe('1/7. Сколько программ наставничества реализуется в организации сейчас? Напишите число.');
    await say(head1, '4');
    await press(head1, 'Да, как в реестре');
    await press(head1, 'Пропустить');
    await press(head1, 'Пропустить');
    await press(head1, '9');
    await press(head1, 'Да');
    await press(head1, 'Да');
    await press(head1, 'Отправить');
    expect(h.telegram.lastTextTo(head1.id)).toBe('✅ Спасибо! Ответы сохранены, задача мониторинга выполнена.');
    const rows = await h.services.monitoring.answersIn(bodaibo(), { quarter: '2026-Q4' });
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.schoolId === territory.school1.id)!.answer).toMatchObject({ programmes: 4, satisfaction: 9, siteSection: true, independentAssessment: true, wentWell: null });
    expect((await taskOfSchool(territory.school1.id)).status).toBe('accepted');

    h.time.set(atLocal('2027-01-11', 10 * 60, IRKUTSK));
    await h.handle(callbackUpdate(head1, `task:d:${task.id}`, 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Приём ответов по этому мониторингу закрыт: срок прошёл.');
  });
});
