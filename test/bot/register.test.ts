import type { User as TgUser } from 'grammy/types';
import type { PairDraft } from '../../src/domain/register/register.types';
import { callbackUpdate, person, textUpdate } from '../helpers/fake-telegram';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTerritory } from '../helpers/services';

type Territory = Awaited<ReturnType<typeof seedTerritory>>;

const buttonsOf = (h: Harness, who: TgUser) => h.telegram.visibleButtons(who.id);

const draft: PairDraft = {
  mentor: { name: 'Петрова Анна Ивановна', category: 'teacher', position: 'учитель математики' },
  mentee: { name: 'Сидоров Олег Павлович', category: 'young_specialist' },
  form: 'teacher_teacher',
  programme: 'Адаптация молодого педагога',
  startDate: '2026-09-01',
};

describe('the register by conversation', () => {
  let h: Harness;
  let territory: Territory;
  const head = person(9301);
  const otherHead = person(9302);
  const coordinator = person(9303);

  beforeAll(async () => {
    h = await createHarness();
    territory = await seedTerritory(h.services);
    await h.register(head, 'head', { level: 'organization', id: territory.school1.id });
    await h.register(otherHead, 'head', { level: 'organization', id: territory.school8.id });
    await h.register(coordinator, 'coordinator', { level: 'municipality', id: territory.bodaibo.id });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.telegram.clear());

  it('when a head adds the first pair, then consent is asked first, and every step validates and can go Back', async () => {
    await h.send(head, '/mentors');
    expect(h.telegram.lastTextTo(head.id)).toContain('Пока нет ни одной пары');
    await h.pressText(head, 'Добавить пару');
    expect(h.telegram.lastTextTo(head.id)).toContain('согласия на обработку персональных данных');
    await h.pressText(head, 'Подтверждаю');
    expect(h.telegram.lastTextTo(head.id)).toContain('подтверждение сохранено');
    await h.send(head, '/mentors');
    await h.pressText(head, 'Добавить пару');

    // Mentor's name: bad, then good.
    expect(h.telegram.lastTextTo(head.id)).toContain('ФИО наставника');
    await h.send(head, 'Петрова');
    expect(h.telegram.lastTextTo(head.id)).toContain('Укажите фамилию и имя');
    await h.send(head, 'Петрова Анна Ивановна');
    expect(h.telegram.lastTextTo(head.id)).toBe('Категория наставника:');
    await h.send(head, 'педагог');
    expect(h.telegram.lastTextTo(head.id)).toContain('Выберите вариант кнопкой');
    await h.pressText(head, 'педагог');
    // Position: too short, then Back to the category, then forward again.
    await h.send(head, '1');
    expect(h.telegram.lastTextTo(head.id)).toBe('Слишком короткое название должности.');
    await h.pressText(head, 'Назад');
    expect(h.telegram.lastTextTo(head.id)).toBe('Категория наставника:');
    await h.pressText(head, 'педагог');
    await h.send(head, 'учитель математики');
    // Mentee.
    expect(h.telegram.lastTextTo(head.id)).toContain('ФИО наставляемого');
    await h.send(head, 'Кузнецов 7');
    expect(h.telegram.lastTextTo(head.id)).toContain('только буквы');
    await h.send(head, 'Кузнецов Илья');
    await h.pressText(head, 'обучающийся с ОВЗ');
    await h.send(head, 'двенадцать');
    expect(h.telegram.lastTextTo(head.id)).toBe('Возраст — это число лет, например 14.');
    await h.send(head, '9');
    await h.send(head, '12Я');
    expect(h.telegram.lastTextTo(head.id)).toContain('Класс — номер от 1 до 11');
    await h.send(head, '3 б');
    expect(h.telegram.lastTextTo(head.id)).toBe('Форма наставничества:');
    await h.send(head, 'учитель-учитель');
    expect(h.telegram.lastTextTo(head.id)).toContain('Выберите вариант кнопкой');
    await h.pressText(head, 'учитель – учитель');
    await h.send(head, 'А');
    expect(h.telegram.lastTextTo(head.id)).toBe('Слишком короткое название программы.');
    await h.send(head, 'Успешный старт');
    await h.send(head, '31.02.2026');
    expect(h.telegram.lastTextTo(head.id)).toContain('Дата — в виде ДД.ММ.ГГГГ');
    await h.send(head, '01.09.2026');

    // Summary with the warnings, nothing saved yet.
    const summary = h.telegram.lastTextTo(head.id);
    expect(summary).toContain('Наставник: Петрова Анна Ивановна');
    expect(summary).toContain('Наставляемый: Кузнецов Илья');
    expect(summary).toContain('Возраст: 9');
    expect(summary).toContain('Класс: 3Б');
    expect(summary).toContain('Форма «учитель – учитель» не подходит к категории наставляемого «обучающийся с ОВЗ»');
    expect(summary).toContain('включают обучающихся с 10 лет');
    expect((await h.services.register.listPairs(territory.school1.id, 0, 10)).total).toBe(0);

    // An Edit button per field of this pair (no «Другой наставник»: the school has no mentors yet).
    expect(buttonsOf(h, head).map((b) => b.text)).toEqual([
      '✅ Сохранить, несмотря на предупреждения',
      '✏️ ФИО наставника',
      '✏️ Категория наставника',
      '✏️ Должность наставника',
      '✏️ ФИО наставляемого',
      '✏️ Категория наставляемого',
      '✏️ Возраст',
      '✏️ Класс',
      '✏️ Форма',
      '✏️ Программа',
      '✏️ Дата начала',
      'Отмена',
    ]);
    // Edit the form, then the age alone (Back from it returns to the summary unchanged), then the class.
    await h.pressText(head, '✏️ Форма');
    await h.pressText(head, 'педагог – учащийся');
    await h.pressText(head, '✏️ Возраст');
    expect(h.telegram.lastTextTo(head.id)).toContain('Возраст наставляемого');
    await h.pressText(head, 'Назад');
    expect(h.telegram.lastTextTo(head.id)).toContain('Возраст: 9');
    await h.pressText(head, '✏️ Возраст');
    await h.send(head, '12');
    expect(h.telegram.lastTextTo(head.id)).toContain('Возраст: 12');
    expect(h.telegram.lastTextTo(head.id)).toContain('Класс: 3Б');
    await h.pressText(head, '✏️ Класс');
    await h.send(head, '6А');
    const fixed = h.telegram.lastTextTo(head.id);
    expect(fixed).not.toContain('Обратите внимание');
    await h.pressText(head, 'Сохранить');
    expect(h.telegram.lastTextTo(head.id)).toBe('Пара сохранена в реестре: Петрова Анна Ивановна (Н-001) → Кузнецов Илья (Я-001).');
    const [pair] = (await h.services.register.listPairs(territory.school1.id, 0, 10)).items;
    expect(pair).toMatchObject({ form: 'teacher_pupil', programme: 'Успешный старт', startDate: '2026-09-01', mentee: { age: 12, grade: '6А', category: 'pupil_ovz' } });
  });

  it('when the bot restarts in the middle of adding a pair, then the dialogue continues with what was typed', async () => {
    await h.send(head, '/mentors');
    await h.pressText(head, 'Добавить пару');
    // The school has a mentor now: offered for reuse.
    expect(buttonsOf(h, head).map((b) => b.text)).toEqual(['Петрова Анна Ивановна (Н-001)', '➕ Новый наставник', 'Отмена']);
    await h.pressText(head, 'Петрова Анна Ивановна (Н-001)');
    // Each update below is handled by a new bot instance over the same Redis.
    await h.newBot().handleUpdate(textUpdate(head, 'Сидоров Олег Павлович'));
    await h.pressText(head, 'молодой специалист');
    await h.pressText(head, 'учитель – учитель');
    await h.newBot().handleUpdate(textUpdate(head, 'Адаптация молодого педагога'));
    await h.pressText(head, 'Сегодня');
    expect(h.telegram.lastTextTo(head.id)).toContain('Наставник: Петрова Анна Ивановна (Н-001)');
    // A chosen existing mentor is changed as a whole, not field by field.
    const edits = buttonsOf(h, head).map((b) => b.text);
    expect(edits).toContain('🔄 Другой наставник');
    expect(edits).not.toContain('✏️ ФИО наставника');
    expect(edits).not.toContain('✏️ Возраст');
    // A new category asks what depends on it: a pupil's age and class; back to a teacher drops them.
    await h.pressText(head, '✏️ Категория наставляемого');
    await h.pressText(head, 'обучающийся');
    expect(h.telegram.lastTextTo(head.id)).toContain('Возраст наставляемого');
    await h.newBot().handleUpdate(textUpdate(head, '15'));
    await h.send(head, '9а');
    expect(h.telegram.lastTextTo(head.id)).toContain('Возраст: 15');
    await h.pressText(head, '✏️ Категория наставляемого');
    await h.pressText(head, 'молодой специалист');
    expect(h.telegram.lastTextTo(head.id)).not.toContain('Возраст');
    await h.pressText(head, 'Сохранить');
    const page = await h.services.register.listPairs(territory.school1.id, 0, 10);
    expect(page.total).toBe(2);
    expect(new Set(page.items.map((p) => p.mentor.id)).size).toBe(1); // one mentor, two mentees
  });

  it('when a new mentor has the name of one already in the school, then the bot offers the existing record', async () => {
    await h.send(head, '/mentors');
    await h.pressText(head, 'Добавить пару');
    await h.pressText(head, 'Новый наставник');
    await h.send(head, 'петрова  анна ивановна');
    expect(h.telegram.lastTextTo(head.id)).toContain('уже есть наставник Петрова Анна Ивановна (Н-001). Это тот же человек?');
    await h.pressText(head, 'Да, это он(а)');
    expect(h.telegram.lastTextTo(head.id)).toContain('ФИО наставляемого');
    await h.send(head, '/cancel');
    expect((await h.services.register.listMentors(territory.school1.id)).length).toBe(1);
  });

  it('opens a card from the list, edits it, ends it with a date check, and deletes it after confirmation', async () => {
    await h.send(head, '/mentors');
    expect(h.telegram.lastTextTo(head.id)).toContain('Пар: 2 (действуют: 2)');
    await h.pressText(head, 'Сидоров Олег Павлович');
    expect(h.telegram.lastTextTo(head.id)).toContain('Статус: действует');
    await h.pressText(head, 'Изменить');
    expect(h.telegram.lastTextTo(head.id)).toContain('Проверьте пару');
    await h.pressText(head, 'Программа');
    await h.send(head, 'Наставник молодого учителя');
    await h.pressText(head, 'Сохранить');
    expect(h.telegram.lastTextTo(head.id)).toContain('Изменения сохранены');

    await h.send(head, '/mentors');
    await h.pressText(head, 'Сидоров Олег Павлович');
    expect(h.telegram.lastTextTo(head.id)).toContain('Программа: Наставник молодого учителя');
    await h.pressText(head, 'Завершить');
    await h.send(head, '01.01.2020');
    expect(h.telegram.lastTextTo(head.id)).toContain('раньше даты начала');
    await h.send(head, '31.05.2027');
    expect(h.telegram.lastTextTo(head.id)).toBe('Пара завершена 31.05.2027.');

    await h.send(head, '/mentors');
    expect(h.telegram.lastTextTo(head.id)).toContain('(действуют: 1)');
    await h.pressText(head, 'Сидоров Олег Павлович');
    expect(h.telegram.lastTextTo(head.id)).toContain('Статус: завершена');
    await h.pressText(head, 'Удалить');
    expect(h.telegram.lastTextTo(head.id)).toContain('Это нельзя отменить');
    await h.pressText(head, 'Не удалять');
    expect((await h.services.register.listPairs(territory.school1.id, 0, 10)).total).toBe(2);
    await h.pressText(head, 'Удалить');
    await h.pressText(head, 'Да, удалить');
    expect(h.telegram.lastTextTo(head.id)).toContain('Пара удалена из реестра.');
    expect((await h.services.register.listPairs(territory.school1.id, 0, 10)).total).toBe(1);
    const audit = await h.services.register.auditOf(territory.school1.id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'update', 'end', 'delete', 'confirm']));
    expect(audit.every((a) => a.actor === head.id)).toBe(true);
  });

  it('when a head guesses another school’s pair id in a callback, then nothing of it is shown or changed', async () => {
    const saved = await h.services.register.createPair(territory.school8.id, draft, otherHead.id);
    if (saved.status !== 'saved') throw new Error('not saved');
    const id = saved.pair.id;
    for (const data of [`reg:hc:${id}`, `reg:e:${id}`, `reg:f:${id}`, `reg:d:${id}`, `reg:dy:${id}`, `reg:rc:${territory.school8.id}:${id}`, `reg:rp:${territory.school8.id}:0`]) {
      h.telegram.clear();
      await h.handle(callbackUpdate(head, data, 1));
      const answers = h.telegram.callsOf('answerCallbackQuery');
      expect(answers).toHaveLength(1);
      expect(h.telegram.textsTo(head.id).join('\n')).not.toContain('Сидоров');
    }
    expect(await h.services.register.getPair(territory.school8.id, id)).toMatchObject({ status: 'active' });
  });

  it('a coordinator is warned of a person registered as a mentee in two schools of the territory', async () => {
    const kgHead = person(9304);
    await h.register(kgHead, 'head', { level: 'organization', id: territory.kindergarten5.id });
    await h.services.register.createPair(territory.kindergarten5.id, { ...draft, mentee: { name: 'Кузнецов  Илья', category: 'teacher' } }, kgHead.id);
    await h.send(coordinator, '/mentors');
    const texts = h.telegram.textsTo(coordinator.id);
    expect(texts[0]).toBe('⚠️ Наставляемые, которые числятся сразу в нескольких организациях (1):\nКузнецов Илья — МБОУ СОШ № 1, МКДОУ д/с № 5');
  });

  it('a coordinator reads the registers of their municipality only, without buttons to change them', async () => {
    await h.send(coordinator, '/mentors');
    expect(buttonsOf(h, coordinator).map((b) => b.text)).toEqual(['МБОУ СОШ № 1', 'МКДОУ д/с № 5']);
    await h.pressText(coordinator, 'МБОУ СОШ № 1');
    expect(h.telegram.lastTextTo(coordinator.id)).toContain('Только просмотр');
    const buttons = buttonsOf(h, coordinator).map((b) => b.text);
    expect(buttons.some((b) => b.includes('Добавить'))).toBe(false);
    await h.pressText(coordinator, 'Петрова Анна Ивановна');
    expect(buttonsOf(h, coordinator).map((b) => b.text)).toEqual(['⬅️ К списку']);
    // A school of another municipality is out of reach.
    h.telegram.clear();
    await h.handle(callbackUpdate(coordinator, `reg:rp:${territory.school8.id}:0`, 1));
    expect(h.telegram.textsTo(coordinator.id)).toHaveLength(0);
  });

  it('/counts: a head reports the five figures with checks, and the coordinator sees who has not', async () => {
    await h.send(head, '/counts');
    expect(h.telegram.lastTextTo(head.id)).toContain('ещё не подана');
    await h.pressText(head, 'Подать');
    await h.send(head, 'сто');
    expect(h.telegram.lastTextTo(head.id)).toBe('Нужно целое число от 0 до 100 000.');
    await h.send(head, '420');
    await h.send(head, '500');
    expect(h.telegram.lastTextTo(head.id)).toContain('не может быть больше');
    await h.send(head, '180');
    await h.send(head, '3');
    await h.send(head, '12');
    await h.send(head, '4');
    expect(h.telegram.lastTextTo(head.id)).toBe('Спасибо, численность сохранена.');
    await h.send(head, '/counts');
    expect(h.telegram.lastTextTo(head.id)).toContain('Обучающихся 11–18 лет: 420');
    expect(h.telegram.lastTextTo(head.id)).toContain('Обучающихся на учёте / в СОП: 4');
    await h.send(coordinator, '/counts');
    const overview = h.telegram.lastTextTo(coordinator.id);
    expect(overview).toContain('МБОУ СОШ № 1: 11–18 — 420, 15–18 — 180');
    expect(overview).toContain('Не подали: МКДОУ д/с № 5');
  });
});

describe('the register without names (REGISTER_NAMES=codes)', () => {
  it('registers a pair by categories only and shows codes', async () => {
    const h = await createHarness({ nameMode: 'codes' });
    try {
      const territory = await seedTerritory(h.services);
      const head = person(9401);
      await h.register(head, 'head', { level: 'organization', id: territory.kindergarten5.id });
      await h.services.register.confirmConsent(territory.kindergarten5.id, head.id);
      await h.send(head, '/mentors');
      await h.pressText(head, 'Добавить пару');
      expect(h.telegram.textsTo(head.id).join('\n')).toContain('Имена в реестре не хранятся');
      expect(h.telegram.lastTextTo(head.id)).toBe('Категория наставника:');
      await h.pressText(head, 'педагог');
      await h.send(head, 'воспитатель');
      expect(h.telegram.lastTextTo(head.id)).toBe('Категория наставляемого:');
      await h.pressText(head, 'молодой специалист');
      await h.pressText(head, 'учитель – учитель');
      await h.send(head, 'Школа молодого воспитателя');
      await h.pressText(head, 'Сегодня');
      // No names, so no buttons to edit them.
      expect(buttonsOf(h, head).map((b) => b.text).filter((b) => b.startsWith('✏️'))).toEqual([
        '✏️ Категория наставника',
        '✏️ Должность наставника',
        '✏️ Категория наставляемого',
        '✏️ Форма',
        '✏️ Программа',
        '✏️ Дата начала',
      ]);
      await h.pressText(head, 'Сохранить');
      expect(h.telegram.lastTextTo(head.id)).toBe('Пара сохранена в реестре: Н-001 → Я-001.');
      const stored = await h.conn.collection('register_people').find({}).toArray();
      expect(stored.every((p) => p.name === undefined)).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('the register with surnames and initials only (REGISTER_NAMES=initials)', () => {
  it('asks for initials, stores «Фамилия И. О.» even when the full name is typed, and a pupil mentor gives a class', async () => {
    const h = await createHarness({ nameMode: 'initials' });
    try {
      const territory = await seedTerritory(h.services);
      const head = person(9501);
      await h.register(head, 'head', { level: 'organization', id: territory.school8.id });
      await h.services.register.confirmConsent(territory.school8.id, head.id);
      await h.send(head, '/mentors');
      await h.pressText(head, 'Добавить пару');
      expect(h.telegram.lastTextTo(head.id)).toContain('Фамилия и инициалы наставника');
      await h.send(head, 'Смирнов Артём Игоревич');
      await h.pressText(head, 'обучающийся');
      expect(h.telegram.lastTextTo(head.id)).toContain('Класс наставника-обучающегося');
      await h.send(head, '10 б');
      await h.send(head, 'Лебедев К.');
      await h.pressText(head, 'обучающийся');
      await h.send(head, '13');
      await h.send(head, '7А');
      await h.pressText(head, 'ученик – ученик');
      await h.send(head, 'Шаг вперёд');
      await h.send(head, 'сегодня');
      expect(h.telegram.lastTextTo(head.id)).toContain('Наставник: Смирнов А. И.');
      // A pupil mentor has a class, and the Edit button says so; changing it asks for the class again.
      await h.pressText(head, '✏️ Класс наставника');
      expect(h.telegram.lastTextTo(head.id)).toContain('Класс наставника-обучающегося');
      await h.send(head, '11 а');
      expect(h.telegram.lastTextTo(head.id)).toContain('11А');
      await h.pressText(head, 'Сохранить');
      expect(h.telegram.lastTextTo(head.id)).toBe('Пара сохранена в реестре: Смирнов А. И. (Н-001) → Лебедев К. (Я-001).');
      const stored = JSON.stringify(await h.conn.collection('register_people').find({}).toArray());
      expect(stored).not.toContain('Артём');
      expect(stored).toContain('"position":"11А"');
    } finally {
      await h.close();
    }
  });
});

describe('a long register', () => {
  it('is paged by eight with Next and Back buttons', async () => {
    const h = await createHarness();
    try {
      const territory = await seedTerritory(h.services);
      const head = person(9601);
      await h.register(head, 'head', { level: 'organization', id: territory.school1.id });
      const names = ['Алексеев', 'Борисов', 'Васильев', 'Григорьев', 'Дмитриев', 'Егоров', 'Жуков', 'Зайцев', 'Ильин', 'Козлов'];
      await h.services.register.importDrafts(
        territory.school1.id,
        names.map((n) => ({ ...draft, mentee: { name: `${n} Иван`, category: 'young_specialist' as const } })),
        head.id,
      );
      await h.send(head, '/mentors');
      expect(h.telegram.lastTextTo(head.id)).toContain('Пар: 10 (действуют: 10). Страница 1 из 2.');
      expect(buttonsOf(h, head).filter((b) => b.data.startsWith('reg:hc:'))).toHaveLength(8);
      await h.pressText(head, 'Вперёд');
      expect(h.telegram.lastTextTo(head.id)).toContain('Страница 2 из 2.');
      const second = buttonsOf(h, head);
      expect(second.filter((b) => b.data.startsWith('reg:hc:')).map((b) => b.text.split('. ')[0])).toEqual(['9', '10']);
      expect(second.some((b) => b.text.includes('Вперёд'))).toBe(false);
      await h.pressText(head, 'Назад');
      expect(h.telegram.lastTextTo(head.id)).toContain('Страница 1 из 2.');
    } finally {
      await h.close();
    }
  });
});
