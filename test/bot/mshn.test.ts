import ExcelJS from 'exceljs';
import { buildBanksWorkbook } from '../../src/domain/mshn/mshn-file';
import { newItem, withResponsible } from '../../src/domain/roadmap/roadmap-build';
import { callbackUpdate, documentUpdate, person } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

async function openXlsx(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook;
}

/** The values of a sheet's row as plain cells (dates as YYYY-MM-DD). */
function rowOf(sheet: ExcelJS.Worksheet, n: number): unknown[] {
  const values = (sheet.getRow(n).values as unknown[]).slice(1);
  return values.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v));
}

/**
 * The municipal School of Mentoring (seed 004): schools submit practices and programmes to the bank, the head of МШН
 * (the municipal coordinator) sees the banks by form, the young teachers bank from the register and /counts, exports
 * them, and records МШН meetings that count towards «не реже 2-х раз за учебный год».
 */
describe('School of Mentoring: banks and meetings', () => {
  let h: Harness;
  let territory: Awaited<ReturnType<typeof seedTerritory>>;
  const head = person(9801);
  const coordinator = person(9802);
  const otherCoordinator = person(9803);
  const regional = person(9804);
  const head8 = person(9805);

  const TITLE = 'Наставничество в первый год работы';
  const DESCRIPTION = 'Опытный учитель ведёт молодого педагога весь первый год: посещение уроков, разбор, совместное планирование.';

  beforeAll(async () => {
    h = await createHarness(); // the clock: 23.11.2026
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id }, 'Иванова Ольга Петровна');
    await h.register(head8, 'head', { level: 'organization', id: territory.school8.id }, 'Орлова Нина Петровна');
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id }, 'Суирун Ольга Александровна');
    await h.register(otherCoordinator, 'coordinator', { level: 'municipality', id: territory.artemovsky.id }, 'Бабкина Ирина Геннадьевна');
    await h.register(regional, 'coordinator', { level: 'region', id: territory.irkutsk.id }, 'Региональный Координатор');

    // The register of school 1: young specialists Ким (an active pair), Орлов (an ended pair and an active one),
    // Петрова (her only pair ended); a pupil, who is not a young teacher.
    const school = territory.school1.id;
    const register = h.services.register;
    await register.confirmConsent(school, head.id);
    const mentor = { name: 'Соколова Анна Ивановна', category: 'teacher' as const, position: 'учитель' };
    const other = { name: 'Белов Пётр Ильич', category: 'teacher' as const, position: 'учитель' };
    const pair = async (draft: Parameters<typeof register.createPair>[1]) => {
      const saved = await register.createPair(school, draft, head.id);
      if (saved.status !== 'saved') throw new Error(`pair not saved: ${saved.status}`);
      return saved.pair;
    };
    await pair({ mentor, mentee: { name: 'Ким Олег Юрьевич', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' });
    const orlovEnded = await pair({ mentor: other, mentee: { name: 'Орлов Ян Ильич', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2025-09-01' });
    await register.endPair(school, orlovEnded.id, '2026-05-31', head.id);
    await pair({ mentor, mentee: { existingId: orlovEnded.mentee.id, name: 'Орлов Ян Ильич', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт-2', startDate: '2026-09-01' });
    const petrova = await pair({ mentor: other, mentee: { name: 'Петрова Ада Львовна', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2025-09-01' });
    await register.endPair(school, petrova.id, '2026-06-30', head.id);
    await pair({ mentor, mentee: { name: 'Зуев Ян', category: 'pupil', age: 14, grade: '8А' }, form: 'teacher_pupil', programme: 'Шаг', startDate: '2026-09-01' });

    // School 8 (another municipality): one young specialist with a mentor, nothing reported in /counts.
    await register.confirmConsent(territory.school8.id, head8.id);
    await register.createPair(territory.school8.id, { mentor, mentee: { name: 'Лис Ада', category: 'young_specialist' }, form: 'teacher_teacher', programme: 'Старт', startDate: '2026-09-01' }, head8.id);

    // The municipal roadmap of МШН: meetings «не реже 2-х раз за учебный год», the head of МШН responsible (a
    // coordinator task), the minutes expected.
    const context = { ownerLevel: 'municipality' as const, period: { start: '2026-09-01', end: '2027-08-31' }, referenceDate: '2026-09-01' };
    const item = withResponsible(
      newItem({ number: '1', section: null, name: 'Проведение заседаний МШН', deadline: 'не реже 2-х раз за учебный год', responsible: 'Руководитель МШН', documentKind: 'Протокол заседания' }, context),
      'coordinator',
      'Руководитель МШН',
      context,
    );
    await h.services.roadmap.publish(
      { title: 'Дорожная карта МШН 2026/27', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] },
      { level: 'municipality', id: territory.bodaibo.id },
      'test',
    );
  });
  afterAll(async () => h.close());

  const meetingTasks = async () =>
    (await h.services.roadmap.tasksOf(territory.bodaibo.id)).filter((x) => x.item.name === 'Проведение заседаний МШН').map((x) => x.task);

  it('a head submits a practice with a file; a short title and description are asked again and the title is kept', async () => {
    await h.send(head, '/practice');
    expect(h.telegram.lastTextTo(head.id)).toContain('Что вы присылаете?');
    await h.pressText(head, 'Практика');
    expect(h.telegram.lastTextTo(head.id)).toContain('напишите название');
    await h.send(head, 'Шк');
    expect(h.telegram.lastTextTo(head.id)).toBe('Название слишком короткое: нужно от 3 до 200 символов. Пришлите название ещё раз.');
    await h.send(head, TITLE);
    expect(h.telegram.lastTextTo(head.id)).toBe('Какая форма наставничества?');
    // Seed 004's three forms come first, then the other forms of Р-145.
    expect(h.telegram.lastButtons(head.id).map((b) => b.text).slice(0, 3)).toEqual(['педагог – педагог', 'педагог – учащийся', 'учащийся – учащийся']);
    await h.pressText(head, 'педагог – педагог');
    expect(h.telegram.lastTextTo(head.id)).toContain(`Кратко опишите «${TITLE}»`);
    await h.send(head, 'Кратко');
    expect(h.telegram.lastTextTo(head.id)).toContain('Описание слишком короткое (6 симв.): нужно от 10 до 1000 символов');
    expect(h.telegram.lastTextTo(head.id)).toContain(`Название «${TITLE}» сохранено`);
    await h.send(head, DESCRIPTION);
    expect(h.telegram.lastTextTo(head.id)).toContain('Пришлите файл');
    await h.handle(documentUpdate(head, { fileId: 'virus', fileName: 'практика.exe', fileSize: 1000 }));
    expect(h.telegram.lastTextTo(head.id)).toContain('Такой файл не подойдёт');
    await h.handle(documentUpdate(head, { fileId: 'practice-file', fileName: 'практика.pdf', fileSize: 120_000, mimeType: 'application/pdf' }));
    const summary = h.telegram.lastTextTo(head.id);
    expect(summary).toContain('Проверьте перед отправкой в муниципальный банк Школы наставничества:');
    expect(summary).toContain('Вид: Практика');
    expect(summary).toContain(`Название: «${TITLE}»`);
    expect(summary).toContain('Форма наставничества: педагог – педагог');
    expect(summary).toContain(DESCRIPTION);
    expect(summary).toContain('Файл: 📎 практика.pdf, 117 КБ');
    await h.pressText(head, 'Отправить');
    expect(h.telegram.lastTextTo(head.id)).toContain(`✅ Практика «${TITLE}» (педагог – педагог) отправлена в муниципальный банк`);

    const [entry] = await h.services.mshn.entriesOfSchool(territory.school1.id);
    expect(entry).toMatchObject({
      kind: 'practice',
      title: TITLE,
      form: 'teacher_teacher',
      description: DESCRIPTION,
      file: { fileId: 'practice-file', fileName: 'практика.pdf', fileSize: 120_000 },
      schoolId: territory.school1.id,
      municipalityId: territory.bodaibo.id,
      regionId: territory.irkutsk.id,
      submittedBy: head.id,
      submittedByName: 'Иванова Ольга Петровна',
    });
    expect(entry!.submittedAt.toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('with something in the bank, /practice lists the school’s submissions first; «Добавить» sends a programme with a link', async () => {
    await h.send(head, '/practice');
    const list = h.telegram.lastTextTo(head.id);
    expect(list).toContain('📚 Материалы вашей школы в банке Школы наставничества: 1');
    expect(list).toContain(`1. 📚 Практика · педагог – педагог · «${TITLE}» · 23.11.2026`);
    expect(h.telegram.lastButtons(head.id).map((b) => b.text)).toEqual([`1. ${TITLE}`, '➕ Добавить']);
    await h.pressText(head, 'Добавить');
    await h.pressText(head, 'Программа наставничества');
    await h.send(head, 'Программа «Ученик – ученику»');
    await h.pressText(head, 'учащийся – учащийся');
    await h.send(head, 'Старшеклассники помогают пятиклассникам освоиться в школе: еженедельные встречи и проекты.');
    await h.send(head, 'сайт школы');
    expect(h.telegram.lastTextTo(head.id)).toContain('Нужен файл (документом) или ссылка');
    await h.send(head, 'https://school1.ru/nastavnichestvo/programma');
    expect(h.telegram.lastTextTo(head.id)).toContain('Ссылка: https://school1.ru/nastavnichestvo/programma');
    // The database fails at the press: an apology with an error id, and the summary comes back with everything in it.
    const failing = { ...h.services, mshn: { ...h.services.mshn, submitEntry: async () => Promise.reject(new Error('database down')) } };
    const send = h.telegram.lastButtons(head.id).find((b) => b.text === '✅ Отправить')!;
    await h.handle(callbackUpdate(head, send.data, send.messageId), failing);
    expect(h.telegram.textsTo(head.id).at(-2)).toContain('Извините, что-то пошло не так. Код ошибки:');
    expect(h.telegram.lastTextTo(head.id)).toContain('Название: «Программа «Ученик – ученику»»');
    await h.pressText(head, 'Отправить');
    expect(h.telegram.lastTextTo(head.id)).toContain('✅ Программа наставничества «Программа «Ученик – ученику»» (учащийся – учащийся) отправлена');
    expect(await h.services.mshn.entriesOfSchool(territory.school1.id)).toHaveLength(2);
  });

  it('the head of school 1 reports 5 young specialists in /counts', async () => {
    await h.send(head, '/counts');
    await h.press(head, 'counts:update');
    for (const value of ['300', '120', '5', '4', '3']) await h.send(head, value);
    expect((await h.services.register.getCounts(territory.school1.id))?.values.young_specialists).toBe(5);
  });

  it('the coordinator’s /banks shows the practices and programmes by form and the young teachers bank from the register and /counts', async () => {
    h.telegram.clear();
    await h.send(coordinator, '/banks');
    const text = h.telegram.textsTo(coordinator.id).join('\n');
    expect(text).toContain('🏫 Банки Школы наставничества: г. Бодайбо и район');
    expect(text).toContain('📚 Банк наставнических практик: 1\n• педагог – педагог: 1\n• педагог – учащийся: 0\n• учащийся – учащийся: 0');
    expect(text).toContain('📘 Банк программ наставничества: 1\n• педагог – педагог: 0\n• педагог – учащийся: 0\n• учащийся – учащийся: 1');
    // School 1: Ким and Орлов have a mentor now (Орлов's first pair ended, his second is active), Петрова's only
    // pair ended; 5 reported → 5 − 2 = 3 without a mentor. The kindergarten has neither pairs nor counts.
    expect(text).toContain('• МБОУ СОШ № 1: с наставником — 2, без наставника — 3 (всего 5), завершено — 1');
    expect(text).toContain('Итого: с наставником — 2; без наставника — 3 из 5 по данным школ (указали 1 из 2); наставничество завершено — 1.');
    expect(text).toContain('Нет данных (ни в реестре, ни в /counts): школ — 1.');
    expect(text).not.toContain('МАОУ СОШ № 8');
    expect(h.telegram.lastButtons(coordinator.id).map((b) => b.text)).toEqual(['📚 педагог – педагог (1)', '📘 учащийся – учащийся (1)', '📥 Выгрузить XLSX']);

    await h.pressText(coordinator, '📚 педагог – педагог (1)');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('📚 Практика · педагог – педагог: 1 (стр. 1 из 1)');
    const sentBefore = h.telegram.calls.length;
    await h.pressText(coordinator, TITLE.slice(0, 20));
    const card = h.telegram.calls.slice(sentBefore).find((c) => c.method === 'sendMessage')!.payload.text as string;
    expect(card).toContain(`Название: «${TITLE}»`);
    expect(card).toContain('Организация: МБОУ СОШ № 1');
    expect(card).toContain('Прислал(а): Иванова Ольга Петровна, 23.11.2026');
    expect(card).toContain(DESCRIPTION);
    // The file is sent back by its Telegram file_id.
    expect(h.telegram.callsOf('sendDocument').map((c) => [c.payload.chat_id, c.payload.document])).toEqual([[coordinator.id, 'practice-file']]);
  });

  it('a coordinator of another municipality sees none of it, not even by a guessed button; a regional one sees the region', async () => {
    const [entry] = await h.services.mshn.entriesOfSchool(territory.school1.id);
    h.telegram.clear();
    await h.send(otherCoordinator, '/banks');
    const text = h.telegram.textsTo(otherCoordinator.id).join('\n');
    expect(text).toContain('🏫 Банки Школы наставничества: Артемовский городской округ');
    expect(text).toContain('📚 Банк наставнических практик: 0');
    expect(text).not.toContain(TITLE);
    expect(text).toContain('• МАОУ СОШ № 8: с наставником — 1, без наставника — не указано (всего не указано), завершено — 0');
    await h.handle(callbackUpdate(otherCoordinator, `bk:o:${entry!.id}`, 1));
    expect(h.telegram.callsOf('answerCallbackQuery').pop()?.payload.text).toBe('Запись не найдена.');
    expect(h.telegram.callsOf('sendDocument')).toHaveLength(0);

    await h.send(regional, '/banks');
    const regionText = h.telegram.textsTo(regional.id).join('\n');
    expect(regionText).toContain('🏫 Банки Школы наставничества: Иркутская область');
    expect(regionText).toContain('📚 Банк наставнических практик: 1');
    expect(regionText).toContain('• г. Бодайбо и район, МБОУ СОШ № 1: с наставником — 2, без наставника — 3 (всего 5), завершено — 1');
  });

  it('a head may not use /banks or /meeting', async () => {
    for (const command of ['/banks', '/meeting']) {
      await h.send(head, command);
      expect(h.telegram.lastTextTo(head.id)).toBe('Эта команда недоступна для вашей роли. /help покажет, что вы можете сделать.');
    }
    await h.send(coordinator, '/practice');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Эта команда недоступна для вашей роли. /help покажет, что вы можете сделать.');
  });

  it('/meeting records two МШН meetings; each is submitted to its occurrence of the roadmap item with the minutes; a future date is refused', async () => {
    const before = await meetingTasks();
    expect(before.map((t) => [t.due, t.status])).toEqual([
      ['2026-12-31', 'open'],
      ['2027-05-31', 'open'],
    ]);

    await h.send(coordinator, '/meeting');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Учебный год 2026/2027 (01.09.2026 – 31.08.2027)');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Заседаний в этом учебном году: 0 из 2');
    await h.pressText(coordinator, '➕ Записать');
    await h.pressText(coordinator, 'Заседание МШН');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('когда оно прошло? Дата в формате ДД.ММ.ГГГГ');
    await h.send(coordinator, '01.12.2026');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Эта дата ещё не наступила (сегодня 23.11.2026)');
    await h.send(coordinator, '31.02.2026');
    expect(h.telegram.lastTextTo(coordinator.id)).toBe('Не понял дату. Напишите её в формате ДД.ММ.ГГГГ, например 23.11.2026.');
    await h.send(coordinator, '2026-10-15');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Не понял дату');
    await h.send(coordinator, '15.10.2026');
    await h.send(coordinator, 'Организация наставничества молодых педагогов');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Пришлите протокол заседания файлом');
    await h.handle(documentUpdate(coordinator, { fileId: 'protocol-1', fileName: 'Протокол № 1.pdf', fileSize: 80_000, mimeType: 'application/pdf' }));
    const summary = h.telegram.lastTextTo(coordinator.id);
    expect(summary).toContain('Дата: 15.10.2026');
    expect(summary).toContain('Протокол: 📎 Протокол № 1.pdf');
    await h.pressText(coordinator, 'Записать');
    const saved = h.telegram.lastTextTo(coordinator.id);
    expect(saved).toContain('✅ Заседание МШН 15.10.2026 «Организация наставничества молодых педагогов» записано.');
    expect(saved).toContain('📌 Засчитано в пункт 1 «Проведение заседаний МШН» (срок 31.12.2026) дорожной карты «Дорожная карта МШН 2026/27»');
    expect(saved).toContain('Заседаний в этом учебном году: 1 из 2');

    // The second meeting goes to the next open occurrence (31.05.2027).
    await h.send(coordinator, '/meeting');
    await h.pressText(coordinator, '➕ Записать');
    await h.pressText(coordinator, 'Заседание МШН');
    await h.send(coordinator, '20.11.2026');
    await h.send(coordinator, 'Наставник и молодой педагог: итоги первой четверти');
    await h.handle(documentUpdate(coordinator, { fileId: 'protocol-2', fileName: 'Протокол № 2.docx', fileSize: 30_000 }));
    await h.pressText(coordinator, 'Записать');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('(срок 31.05.2027)');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Заседаний в этом учебном году: 2 из 2');

    const after = await meetingTasks();
    expect(after.map((t) => [t.due, t.status])).toEqual([
      ['2026-12-31', 'accepted'],
      ['2027-05-31', 'accepted'],
    ]);
    expect(after[0]!.submissions.at(-1)!.evidence).toEqual([
      expect.objectContaining({ kind: 'file', fileId: 'protocol-1', fileName: 'Протокол № 1.pdf' }),
      { kind: 'comment', text: 'Заседание МШН 15.10.2026: Организация наставничества молодых педагогов' },
    ]);
    expect(after[1]!.submissions.at(-1)!.evidence).toEqual([
      expect.objectContaining({ kind: 'file', fileId: 'protocol-2' }),
      { kind: 'comment', text: 'Заседание МШН 20.11.2026: Наставник и молодой педагог: итоги первой четверти' },
    ]);

    await h.send(coordinator, '/meeting');
    const list = h.telegram.lastTextTo(coordinator.id);
    expect(list).toContain('Заседаний в этом учебном году: 2 из 2');
    expect(list).toContain('✅ Требование Положения о МШН выполнено');
    expect(list).toContain('1. 15.10.2026 — Заседание МШН: «Организация наставничества молодых педагогов» 📎 ✅');
    expect(list).toContain('2. 20.11.2026 — Заседание МШН: «Наставник и молодой педагог: итоги первой четверти» 📎 ✅');
  });

  it('a popularisation event without a file is recorded and counts towards no item; a third meeting without minutes is warned about', async () => {
    await h.send(coordinator, '/meeting');
    await h.pressText(coordinator, '➕ Записать');
    await h.pressText(coordinator, 'Мероприятие по популяризации наставничества');
    await h.send(coordinator, '01.10.2026');
    await h.send(coordinator, 'Муниципальный форум «Наставник года»');
    await h.pressText(coordinator, 'Без файла');
    expect(h.telegram.lastTextTo(coordinator.id)).not.toContain('Протокол не приложен');
    await h.pressText(coordinator, 'Записать');
    const saved = h.telegram.lastTextTo(coordinator.id);
    expect(saved).toContain('✅ Мероприятие 01.10.2026 «Муниципальный форум «Наставник года»» записано.');
    expect(saved).not.toContain('📌');
    expect(saved).toContain('Заседаний в этом учебном году: 2 из 2');

    await h.send(coordinator, '/meeting');
    await h.pressText(coordinator, '➕ Записать');
    await h.pressText(coordinator, 'Заседание МШН');
    await h.send(coordinator, '22.11.2026');
    await h.send(coordinator, 'Внеплановое заседание');
    // A text instead of the minutes is asked again, and «Без файла» under that second question works too.
    await h.send(coordinator, 'протокол пришлю позже');
    await h.pressText(coordinator, 'Без файла');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('⚠️ Протокол не приложен');
    await h.pressText(coordinator, 'Записать');
    // Both occurrences of the school year are done: nothing left to count towards.
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('не нашлось открытого пункта');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Заседаний в этом учебном году: 3 (нужно не менее 2)');
  });

  it('eventsIn counts a territory’s meetings and events of a year (a region’s include its municipalities’)', async () => {
    await h.services.mshn.recordEvent({ level: 'municipality', id: territory.bodaibo.id }, { kind: 'event', date: '2025-05-10', topic: 'День наставника' }, coordinator.id, 'test-2025-event');
    const bodaibo = { level: 'municipality' as const, id: territory.bodaibo.id };
    expect(await h.services.mshn.eventsIn(bodaibo, '2026-01-01', '2026-12-31')).toEqual({ meetings: 3, events: 1 });
    expect(await h.services.mshn.eventsIn(bodaibo, '2025-01-01', '2025-12-31')).toEqual({ meetings: 0, events: 1 });
    expect(await h.services.mshn.eventsIn(bodaibo, '2026-10-15', '2026-10-15')).toEqual({ meetings: 1, events: 0 });
    expect(await h.services.mshn.eventsIn({ level: 'region', id: territory.irkutsk.id }, '2026-01-01', '2026-12-31')).toEqual({ meetings: 3, events: 1 });
    expect(await h.services.mshn.eventsIn({ level: 'municipality', id: territory.artemovsky.id }, '2026-01-01', '2026-12-31')).toEqual({ meetings: 0, events: 0 });
  });

  it('«Выгрузить XLSX» sends one workbook named by the territory and the date, with the four sheets and their rows', async () => {
    h.telegram.clear();
    await h.send(coordinator, '/banks');
    await h.pressText(coordinator, '📥 Выгрузить XLSX');
    const [doc] = h.telegram.documentsTo(coordinator.id);
    expect(doc!.fileName).toBe('банки-МШН-г.-Бодайбо-и-район-2026-11-23.xlsx');
    expect(doc!.caption).toContain('Банки Школы наставничества: г. Бодайбо и район на 23.11.2026.');
    expect(doc!.caption).toContain('Практик — 1, программ — 1');
    const book = await openXlsx(doc!.data);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Практики', 'Программы', 'Молодые педагоги', 'Заседания МШН']);

    const practices = book.getWorksheet('Практики')!;
    expect(rowOf(practices, 1)).toEqual(['№', 'Муниципалитет', 'Организация', 'Форма наставничества', 'Название', 'Краткое описание', 'Файл', 'Ссылка', 'Прислал(а)', 'Дата']);
    expect(rowOf(practices, 2)).toEqual([1, 'г. Бодайбо и район', 'МБОУ СОШ № 1', 'педагог–педагог', TITLE, DESCRIPTION, 'практика.pdf', '', 'Иванова Ольга Петровна', '2026-11-23']);
    expect(practices.rowCount).toBe(2);
    const programmes = book.getWorksheet('Программы')!;
    expect(rowOf(programmes, 2).slice(3, 5)).toEqual(['учащийся–учащийся', 'Программа «Ученик – ученику»']);
    expect(rowOf(programmes, 2)[7]).toBe('https://school1.ru/nastavnichestvo/programma');

    const young = book.getWorksheet('Молодые педагоги')!;
    expect(rowOf(young, 2)).toEqual([1, 'г. Бодайбо и район', 'МБОУ СОШ № 1', 5, 2, 3, 1]);
    expect(rowOf(young, 3)).toEqual([2, 'г. Бодайбо и район', 'МКДОУ д/с № 5', 'не указано', 0, 'не указано', 0]);
    expect(rowOf(young, 4).slice(2)).toEqual(['Итого', 5, 2, 3, 1]);

    const meetings = book.getWorksheet('Заседания МШН')!;
    expect(meetings.rowCount).toBe(1 + 5);
    expect(rowOf(meetings, 2)).toEqual([1, 'г. Бодайбо и район', 'Мероприятие по популяризации наставничества', '2025-05-10', 'День наставника', '', '']);
    expect(rowOf(meetings, 4)).toEqual([3, 'г. Бодайбо и район', 'Заседание МШН', '2026-10-15', 'Организация наставничества молодых педагогов', 'Протокол № 1.pdf', '1 Проведение заседаний МШН']);
  });

  it('a regional centre’s meeting without minutes is not counted where the item expects a document; with them it is', async () => {
    const context = { ownerLevel: 'region' as const, period: { start: '2026-01-01', end: '2027-12-31' }, referenceDate: '2026-01-01' };
    const item = withResponsible(
      newItem({ number: '3.2', section: null, name: 'Заседания регионального МШН', deadline: 'дважды в год', responsible: 'Региональный центр наставничества', documentKind: 'Протокол' }, context),
      'coordinator',
      'Региональный центр наставничества',
      context,
    );
    await h.services.roadmap.publish({ title: 'Региональная дорожная карта', period: context.period, referenceDate: context.referenceDate, sections: 0, items: [item] }, { level: 'region', id: territory.irkutsk.id }, 'test');
    const record = async (file: boolean) => {
      await h.send(regional, '/meeting');
      await h.pressText(regional, '➕ Записать');
      await h.pressText(regional, 'Заседание МШН');
      await h.send(regional, '10.11.2026');
      await h.send(regional, 'Региональная школа наставничества: итоги года');
      if (file) await h.handle(documentUpdate(regional, { fileId: 'region-protocol', fileName: 'протокол.pdf' }));
      else await h.pressText(regional, 'Без файла');
      await h.pressText(regional, 'Записать');
      return h.telegram.lastTextTo(regional.id);
    };
    // The region's own count: the municipalities' meetings are theirs.
    await h.send(regional, '/meeting');
    expect(h.telegram.lastTextTo(regional.id)).toContain('📅 Школа наставничества: Иркутская область');
    expect(h.telegram.lastTextTo(regional.id)).toContain('Заседаний в этом учебном году: 0 из 2');

    const without = await record(false);
    expect(without).toContain('⚠️ Пункт 3.2 «Заседания регионального МШН» (срок 31.12.2026) дорожной карты «Региональная дорожная карта» ожидает документ');
    expect(without).toContain('Заседаний в этом учебном году: 1 из 2');
    const open = (await h.services.roadmap.tasksOf(territory.irkutsk.id)).filter((x) => x.item.number === '3.2').map((x) => [x.task.due, x.task.status]);
    expect(open).toContainEqual(['2026-12-31', 'open']);

    const withMinutes = await record(true);
    expect(withMinutes).toContain('📌 Засчитано в пункт 3.2 «Заседания регионального МШН» (срок 31.12.2026)');
    expect(withMinutes).toContain('Заседаний в этом учебном году: 2 из 2');
  });

  it('buildBanksWorkbook can be reused with rows of any territory', async () => {
    const rows = await h.services.mshn.bankRows({ level: 'municipality', id: territory.artemovsky.id });
    const book = await openXlsx(await buildBanksWorkbook(rows));
    expect(book.getWorksheet('Молодые педагоги')!.getRow(2).getCell(3).value).toBe('МАОУ СОШ № 8');
    expect(book.getWorksheet('Практики')!.rowCount).toBe(1);
  });
});
