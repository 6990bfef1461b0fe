import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { MAX_ROADMAP_BYTES, readRoadmapDocument, type RoadmapDocument } from '../../src/domain/roadmap/roadmap-file';
import { findRoadmapTable, parseRoadmap, type ParsedItem, type ParsedRoadmap } from '../../src/domain/roadmap/roadmap-parse';
import { buildDocx, preambleParagraphs, type DocxCell } from '../helpers/docx';

// The four real roadmaps the bot was specified on, as text exports of the documents.
// The four seed documents, kept in the repository so that a fresh clone tests them as they are.
const SEEDS = resolve(__dirname, '..', 'fixtures', 'seeds');
const SEED_FILES = {
  s000: '000_d37c693b162ac2fd.txt',
  s002: '002_eec7bd9caed78b60.txt',
  s003: '003_21b4394417a6f63c.txt',
  s004: '004_140aef21c564b531.txt',
};

async function read(fileName: string, data: Buffer): Promise<RoadmapDocument> {
  const result = await readRoadmapDocument(fileName, data);
  if (!result.ok) throw new Error(`${fileName}: ${result.error.code} ${result.error.detail ?? ''}`);
  return result.document;
}

function parse(doc: RoadmapDocument, columns?: Parameters<typeof parseRoadmap>[1]): ParsedRoadmap {
  const parsed = parseRoadmap(doc, columns);
  if ('error' in parsed) throw new Error(`${parsed.error}: ${parsed.headers.join(' | ')}`);
  return parsed;
}

const seedBytes = (name: keyof typeof SEED_FILES) => readFileSync(resolve(SEEDS, SEED_FILES[name]));
const readSeed = (name: keyof typeof SEED_FILES) => read(SEED_FILES[name], seedBytes(name));
const byNumber = (roadmap: ParsedRoadmap, section: string | null, number: string): ParsedItem => {
  const item = roadmap.items.find((i) => i.sectionNumber === section && i.number === number);
  if (!item) throw new Error(`no item ${section ?? ''} ${number}`);
  return item;
};
const withoutRows = (items: ParsedItem[]) => items.map(({ sourceRows: _rows, ...rest }) => rest);

beforeAll(() => {
  if (!existsSync(resolve(SEEDS, SEED_FILES.s000))) throw new Error(`the seed roadmaps are not in ${SEEDS}`);
});

describe('seed 000 (Бодайбо): six Roman-numbered sections, merged cells flattened into text', () => {
  let roadmap: ParsedRoadmap;
  beforeAll(async () => {
    roadmap = parse(await readSeed('s000'));
  });

  it('finds 16 items in 6 sections, the period 2021–2024 from the title and the order date 28.05.2021', () => {
    expect(roadmap.items).toHaveLength(16);
    expect(roadmap.sections.map((s) => s.number)).toEqual(['I', 'II', 'III', 'IV', 'V', 'VI']);
    expect(roadmap.sections[0]!.title).toBe('I Организационно-координационные мероприятия');
    expect(roadmap.sections[3]!.title).toBe('IV. Мероприятия по совершенствованию кадрового обеспечения продвижения системы наставничества');
    expect(roadmap.title).toBe(
      'Дорожная карта по реализации муниципальной Программы развития системы наставничества в образовательных организациях Бодайбинского района (2021-2024 г.г.)',
    );
    expect(roadmap.period).toEqual({ start: '2021-01-01', end: '2024-12-31' });
    expect(roadmap.documentDate).toBe('2021-05-28');
    expect(roadmap.columns).toEqual({ number: 0, name: 1, deadline: 2, responsible: 3, documentKind: 4, result: 5 });
    expect(roadmap.unknownHeaders).toEqual([]);
  });

  it('reads each column of an item into its field', () => {
    const item = byNumber(roadmap, 'I', '1.');
    expect(item).toMatchObject({
      section: 'I Организационно-координационные мероприятия',
      deadline: 'I квартал 2021 г.',
      responsible: 'Управление образования, МКУ «Ресурсный центр»',
      result: 'Создание условий для развития системы наставничества в муниципальной образовательной системе',
      parts: null,
    });
    expect(item.name).toMatch(/^Разработка и утверждение Дорожной карты реализации муниципальной целевой модели/);
    expect(item.documentKind).toMatch(/^Дорожная карта реализации/);
    expect(byNumber(roadmap, 'VI', '1.').deadline).toBe('С 2022 г.');
  });

  it('keeps the numbers as the document writes them, «4» without a dot too, and counts items per section', () => {
    expect(roadmap.items.map((i) => `${i.sectionNumber} ${i.number}`)).toEqual([
      'I 1.',
      'I 2.',
      'I 3.',
      'II 1.',
      'II 2.',
      'II 3.',
      'II 4',
      'III 1.',
      'III 2.',
      'IV 1.',
      'IV 2.',
      'V 1.',
      'VI 1.',
      'VI 2.',
      'VI 3.',
      'VI 4.',
    ]);
  });

  it('gives item II.4, whose deadline, responsible and document cells were merged with II.3, those of II.3', () => {
    const above = byNumber(roadmap, 'II', '3.');
    const item = byNumber(roadmap, 'II', '4');
    expect(item.name).toMatch(/^Консультирование педагогических работников/);
    expect(item).toMatchObject({ deadline: 'В течение всего периода', responsible: 'МКУ «Ресурсный центр»', documentKind: 'Материалы семинаров' });
    // The lower-case text in II.4's result cell ends II.3's result, which the merged cell gave both.
    expect(above.result).toBe(
      'Наличие системы быстрого обмена информацией (знаниями) по вопросам развития системы наставничества Оказание своевременной адресной поддержки специалистам системы образования',
    );
    expect(item.result).toBe(above.result);
    expect(above.sourceRows).toEqual([9, 10]);
    expect(item.sourceRows).toEqual([10]);
  });

  it('adds a row without number and name to the item above, joining the words where the sentence goes on', () => {
    const item = byNumber(roadmap, 'III', '2.');
    expect(item.documentKind).toMatch(/социально значимых инициатив и проектов педагогической направленности, ранней профориентации$/);
    expect(item.result).toMatch(/инициатив и проектов педагогической направленности, ранней профориентации$/);
    expect(item.sourceRows).toEqual([13, 14]);
    expect(byNumber(roadmap, 'VI', '3.').result).toMatch(/показавшими необъективные результаты$/);
  });

  it('turns an HTML list in a cell into lines starting with «- »', () => {
    expect(byNumber(roadmap, 'II', '1.').name).toBe(
      'Проведение муниципального конкурса «Лучшие практики организации наставничества педагогических работников»:\n' +
        '- модели наставничества педагогических работников на муниципальном уровне;\n' +
        '- модели наставничества педагогических работников в образовательной организации',
    );
  });
});

describe('seed 002 (Артемовский): sections in a first column, no numbers, paragraphs in HTML', () => {
  let roadmap: ParsedRoadmap;
  beforeAll(async () => {
    roadmap = parse(await readSeed('s002'));
  });

  it('finds 20 items in 5 sections, no years in the title and the order date 02.11.2020', () => {
    expect(roadmap.items).toHaveLength(20);
    expect(roadmap.sections).toEqual([
      { number: '1', title: '1. Нормативно-правовое обеспечение внедрения ЦМН' },
      { number: '2', title: '2. Информационное сопровождение ЦМН' },
      { number: '3', title: '3. Методическое сопровождение' },
      { number: '4', title: '4. Организационные мероприятия' },
      { number: '5', title: '5. Мониторинг и контроль реализации УМН' },
    ]);
    expect(roadmap.title).toBe('План (дорожная карта) внедрения целевой модели наставничества в муниципальных образовательных организациях в Артемовском городском округе');
    expect(roadmap.period).toBeNull();
    expect(roadmap.documentDate).toBe('2020-11-02');
    expect(roadmap.columns).toEqual({ name: 1, deadline: 2, responsible: 3 });
  });

  it('numbers the items by section and position, the section taken from the first column of its first row', () => {
    expect(roadmap.items.filter((i) => i.sectionNumber === '1').map((i) => i.number)).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);
    expect(byNumber(roadmap, '1', '1.2')).toMatchObject({
      section: '1. Нормативно-правовое обеспечение внедрения ЦМН',
      deadline: 'До 09.11.2020',
      responsible: 'Руководители МОО',
    });
    expect(byNumber(roadmap, '1', '1.2').name).toMatch(/^Разработка и утверждение ОУ Дорожных карт/);
    expect(byNumber(roadmap, '4', '4.1').deadline).toBe('До 09.11.2020 Далее- по мере необходимости');
  });

  it('splits the row of section 5 that holds two items as paragraphs into two items', () => {
    const [first, second] = [byNumber(roadmap, '5', '5.1'), byNumber(roadmap, '5', '5.2')];
    expect(first).toMatchObject({
      name: 'Публикация результатов программы наставничества, лучших наставников, кейсов',
      deadline: 'Ежегодно, по итогам периода',
      responsible: 'Бабкина И.Г.',
    });
    expect(second).toMatchObject({
      name: 'Торжественное мероприятие для подведения итогов программы наставничества и награждения лучших наставников по итогам года',
      deadline: 'По доп. сообщению',
      responsible: 'Бабкина И.Г.',
    });
    expect(first.sourceRows).toEqual(second.sourceRows);
  });

  it('keeps an item with two responsible paragraphs as one item with both', () => {
    const item = byNumber(roadmap, '5', '5.3');
    expect(item.name).toBe('Проведение мониторинга готовности МОО АГО к внедрению ЦМН');
    expect(item.responsible).toBe('Бабкина И.Г.\nРуководители МОО');
  });

  it('takes the plan, not the table of indicators after it', async () => {
    const doc = await readSeed('s002');
    expect(doc.tables).toHaveLength(2);
    expect(findRoadmapTable(doc)?.table).toBe(doc.tables[0]);
    expect(doc.tables[1]!.heading).toMatch(/^Целевые показатели/);
  });
});

describe('seed 003 (Республика Алтай): one cell a line, an unnumbered item, an item of two parts', () => {
  let roadmap: ParsedRoadmap;
  beforeAll(async () => {
    roadmap = parse(await readSeed('s003'));
  });

  it('finds 28 numbered items and one without a number, no sections, the period 2020–2021', () => {
    expect(roadmap.items).toHaveLength(29);
    expect(roadmap.sections).toEqual([]);
    expect(roadmap.period).toEqual({ start: '2020-01-01', end: '2021-12-31' });
    expect(roadmap.documentDate).toBeNull(); // «от _______ №____»: the order is not dated yet
    expect(roadmap.title).toMatch(/^План \(дорожная карта\) по внедрению целевой модели наставничества обучающихся .* в 2020 – 2021 гг\.$/);
    expect(roadmap.columns).toEqual({ number: 0, name: 1, responsible: 2, result: 3, deadline: 4 });
  });

  it('numbers the item between 15 and 16 as «15.1»', () => {
    expect(roadmap.items.slice(14, 17).map((i) => i.number)).toEqual(['15.', '15.1', '16.']);
    expect(byNumber(roadmap, null, '15.1')).toMatchObject({
      name: 'Реализация программы ранней профориентации «Школа успеха» (педкласс)',
      responsible: 'БПОУ РА «Горно-Алтайский педагогический колледж»',
      deadline: 'Сентябрь-март 2020 года',
      section: null,
    });
  });

  it('reads a cell that goes on over lines as one text, joined where the sentence goes on', () => {
    expect(byNumber(roadmap, null, '2.').deadline).toBe('Июнь-июль 2020 года');
    expect(byNumber(roadmap, null, '21.').name).toBe(
      'Разработка программы мониторинга реализации целевой модели наставничества, включающей разработку мониторингового инструментария, сбор, обработку информации и ее анализ',
    );
    expect(byNumber(roadmap, null, '28.')).toMatchObject({ name: 'Награждение наставников', deadline: 'День учителя октябрь 2021 года' });
  });

  it('gives item 8 two parts: municipal departments by 10 August, schools by 20 August', () => {
    const item = byNumber(roadmap, null, '8.');
    expect(item.name).toMatch(/^Разработка и утверждение дорожных карт внедрения/);
    expect(item.responsible).toBe('Муниципальные отделы образования, образовательные организации');
    expect(item.parts).toEqual([
      { responsible: 'муниципальные отделы образования', deadline: '10 августа 2020 года' },
      { responsible: 'образовательные организации', deadline: '20 августа 2020 года' },
    ]);
    expect(item.deadline).toBe('10 августа 2020 года\n20 августа 2020 года');
    expect(item.result).toBe('Приказ об утверждении дорожной карты:\n- муниципальные отделы образования;\n- образовательные организации');
    expect(item.sourceRows).toEqual([9, 10]);
    expect(byNumber(roadmap, null, '9.').number).toBe('9.');
  });
});

describe('seed 004 (Кировский): an order without a table', () => {
  it('is refused as having no table', async () => {
    expect(await readRoadmapDocument('raspor.txt', seedBytes('s004'))).toEqual({ ok: false, error: { code: 'no_table' } });
  });
});

describe('text files', () => {
  it('reads text saved in Windows-1251 the same as UTF-8', async () => {
    const text = seedBytes('s003').toString('utf8');
    const decoder = new TextDecoder('windows-1251');
    const byteOf = new Map<string, number>();
    for (let b = 0x80; b <= 0xff; b++) byteOf.set(decoder.decode(Uint8Array.of(b)), b);
    const cp1251 = Buffer.from([...text].map((ch) => (ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : (byteOf.get(ch) ?? 0x3f))));
    const fromCp1251 = parse(await read('plan.txt', cp1251));
    expect(fromCp1251.items).toHaveLength(29);
    expect(fromCp1251.items[0]!.name).toBe(parse(await readSeed('s003')).items[0]!.name);
  });

  it('reads a .tsv with CRLF line ends and a BOM', async () => {
    const tsv = '\uFEFFДорожная карта на 2023-2024 годы\r\n\r\n№\tМероприятие\tСрок\tОтветственный\r\n1\tСовещание\tЯнварь 2023 г.\tОтдел образования\r\n';
    const roadmap = parse(await read('plan.tsv', Buffer.from(tsv)));
    expect(roadmap.title).toBe('Дорожная карта на 2023-2024 годы');
    expect(roadmap.period).toEqual({ start: '2023-01-01', end: '2024-12-31' });
    expect(roadmap.items).toEqual([
      expect.objectContaining({ number: '1', name: 'Совещание', deadline: 'Январь 2023 г.', responsible: 'Отдел образования', sourceRows: [2] }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The seeds as Word would hold them

/**
 * Seed 000's table as Word had it: a section row in one cell across the table, a number cell apart from a title
 * cell across the rest («IV. | Мероприятия …»), rows that go on from the row above merged down in the number and
 * name columns, and item II.4 under the cells of II.3 merged down.
 */
function seed000AsWord(rows: string[][]): DocxCell[][] {
  const out: DocxCell[][] = rows.map((r) => [...r]);
  rows.forEach((row, i) => {
    const filled = row.filter((c) => c !== '').length;
    if (i > 0 && filled === 1 && row[0] !== '') out[i] = [{ text: row[0]!, columnSpan: row.length }];
    else if (i > 0 && filled === 2 && row[0] !== '' && row[1] !== '' && /^[IVX]+\.$/.test(row[0]!)) out[i] = [row[0]!, { text: row[1]!, columnSpan: row.length - 1 }];
  });
  rows.forEach((row, i) => {
    const above = out[i - 1];
    if (i === 0 || !above) return;
    if (row[0] === '' && row[1] === '' && row.some((c) => c !== '')) {
      // A row that goes on from the one above: number and name merged down.
      for (const c of [0, 1]) {
        above[c] = { text: rows[i - 1]![c]!, verticalMerge: 'restart' };
        out[i]![c] = { text: '', verticalMerge: 'continue' };
      }
    } else if (row[0] !== '' && row[1] !== '' && row[2] === '' && row[3] === '' && row[4] === '' && row[5] !== '') {
      // Item II.4: deadline, responsible, document and result merged down from II.3; its result text joins II.3's.
      for (const c of [2, 3, 4, 5]) {
        const text = c === 5 ? `${rows[i - 1]![c]}\n${row[c]}` : rows[i - 1]![c]!;
        above[c] = { text, verticalMerge: 'restart' };
        out[i]![c] = { text: '', verticalMerge: 'continue' };
      }
    }
  });
  return out;
}

/** Seed 002's table as Word had it: the section column merged down over the rows of its section. */
function seed002AsWord(rows: string[][]): DocxCell[][] {
  let inSection = false;
  return rows.map((row, i) => {
    const cells: DocxCell[] = [...row];
    if (i === 0) return cells;
    if (row[0] !== '') {
      inSection = true;
      cells[0] = { text: row[0]!, verticalMerge: 'restart' };
    } else if (inSection) {
      cells[0] = { text: '', verticalMerge: 'continue' };
    }
    return cells;
  });
}

/** Seed 003's table as Word had it: numbers by Word's list numbering; item 8's number, name and owner merged down. */
function seed003AsWord(rows: string[][]): DocxCell[][] {
  return rows.map((row, i) => {
    const cells: DocxCell[] = [...row];
    if (i > 0 && /^\d+\.$/.test(row[0]!)) cells[0] = { text: '', numbered: true };
    const below = rows[i + 1];
    if (below && below[0] === '' && below[1] === '' && below[2] === '' && i > 0) {
      for (const c of [1, 2]) cells[c] = { text: row[c]!, verticalMerge: 'restart' };
    }
    if (i > 0 && row[0] === '' && row[1] === '' && row[2] === '') {
      cells[0] = { text: '', verticalMerge: 'continue' };
      for (const c of [1, 2]) cells[c] = { text: '', verticalMerge: 'continue' };
    }
    return cells;
  });
}

async function asDocx(doc: RoadmapDocument, table: (rows: string[][]) => DocxCell[][]): Promise<RoadmapDocument> {
  const data = await buildDocx({ paragraphs: preambleParagraphs(doc.textBefore), title: doc.title, tables: [table(doc.tables[0]!.rows)] });
  return read('plan.docx', data);
}

describe('the seeds as DOCX, with merged cells the way Word writes them', () => {
  it('reads seed 000 into the same items, sections, title and dates as its text', async () => {
    const text = await readSeed('s000');
    const docx = await asDocx(text, seed000AsWord);
    // A section row across the table keeps its text in the first column and '' in the columns it covers.
    expect(docx.tables[0]!.rows[1]).toEqual(['I Организационно-координационные мероприятия', '', '', '', '', '']);
    expect(docx.tables[0]!.rows[14]).toEqual(['IV.', 'Мероприятия по совершенствованию кадрового обеспечения продвижения системы наставничества', '', '', '', '']);
    // The lower cells of a vertical merge are ''.
    expect(docx.tables[0]!.rows[9]!.slice(2)).toEqual(['', '', '', '']);
    const fromText = parse(text);
    const fromDocx = parse(docx);
    expect(withoutRows(fromDocx.items)).toEqual(withoutRows(fromText.items));
    expect(fromDocx.sections).toEqual(fromText.sections);
    expect(fromDocx.title).toBe(fromText.title);
    expect(fromDocx.period).toEqual({ start: '2021-01-01', end: '2024-12-31' });
    expect(fromDocx.documentDate).toBe('2021-05-28');
    expect(byNumber(fromDocx, 'II', '4').deadline).toBe('В течение всего периода');
  });

  it('reads seed 002 into the same items, the two-item row split too', async () => {
    const text = await readSeed('s002');
    const fromDocx = parse(await asDocx(text, seed002AsWord));
    const fromText = parse(text);
    expect(fromDocx.items).toEqual(fromText.items);
    expect(fromDocx.sections).toHaveLength(5);
    expect(fromDocx.documentDate).toBe('2020-11-02');
    expect(fromDocx.title).toBe(fromText.title);
  });

  it('reads seed 003 into the same items, numbers from Word list numbering and item 8 in parts', async () => {
    const text = await readSeed('s003');
    const docx = await asDocx(text, seed003AsWord);
    expect(docx.tables[0]!.rows[1]![0]).toBe('1.');
    const fromDocx = parse(docx);
    const fromText = parse(text);
    expect(fromDocx.items.map((i) => i.number)).toEqual(fromText.items.map((i) => i.number));
    expect(fromDocx.items).toEqual(fromText.items);
    expect(fromDocx.title).toBe(fromText.title);
    expect(fromDocx.period).toEqual({ start: '2020-01-01', end: '2021-12-31' });
  });

  it('refuses a DOCX of paragraphs only (seed 004) as having no table', async () => {
    const lines = seedBytes('s004').toString('utf8').split('\n');
    const data = await buildDocx({ paragraphs: lines, tables: [] });
    expect(await readRoadmapDocument('raspor.docx', data)).toEqual({ ok: false, error: { code: 'no_table' } });
  });

  it('takes the title from a «План» paragraph above «(дорожная карта) …», and the date of the order above it', async () => {
    const data = await buildDocx({
      paragraphs: ['ПРИКАЗ', '', 'от 5 апреля 2024 г. № 125', '', 'Приложение', 'к приказу', '', 'План', '(дорожная карта) мероприятий на 2023-2024 годы'],
      tables: [
        [
          ['№', 'Мероприятие', 'Срок', 'Ответственный'],
          ['1.', 'Совещание', 'Май 2024', 'Отдел образования'],
        ],
      ],
    });
    const roadmap = parse(await read('plan.docx', data));
    expect(roadmap.title).toBe('План (дорожная карта) мероприятий на 2023-2024 годы');
    expect(roadmap.period).toEqual({ start: '2023-01-01', end: '2024-12-31' });
    expect(roadmap.documentDate).toBe('2024-04-05');
    expect(roadmap.items).toHaveLength(1);
  });
});

describe('section rows and rows that go on, as Word tables hold them', () => {
  it('takes a row with only a title in the name column as a section, and a list line there as the rest of the name', async () => {
    const data = await buildDocx({
      title: 'План мероприятий на 2024 год',
      tables: [
        [
          ['Мероприятие', 'Срок', 'Ответственный'],
          [{ text: 'Организационные мероприятия', columnSpan: 3 }],
          ['Проведение семинаров:', 'Октябрь 2024', 'Методист'],
          ['- для молодых педагогов', { text: '', verticalMerge: 'continue' }, { text: '', verticalMerge: 'continue' }],
          [{ text: 'Информационное сопровождение', columnSpan: 3 }],
          ['Публикация на сайте', 'Ежемесячно', 'Руководители ОО'],
        ],
      ],
    });
    const roadmap = parse(await read('plan.docx', data));
    expect(roadmap.sections).toEqual([
      { number: null, title: 'Организационные мероприятия' },
      { number: null, title: 'Информационное сопровождение' },
    ]);
    expect(roadmap.items.map((i) => [i.number, i.name, i.sourceRows])).toEqual([
      ['1.1', 'Проведение семинаров:\n- для молодых педагогов', [3, 4]],
      ['2.1', 'Публикация на сайте', [6]],
    ]);
  });

  it('takes «2. | Методическая работа» with nothing else as a section when the items under it start from 1 again', async () => {
    const data = await buildDocx({
      tables: [
        [
          ['№', 'Мероприятие', 'Срок', 'Ответственный'],
          ['1.', 'Нормативная база', '', ''],
          ['1.', 'Приказ о наставничестве', 'Сентябрь 2024', 'Руководители ОО'],
          ['2.', 'Методическая работа', '', ''],
          ['1.', 'Семинар', 'Октябрь 2024', 'Методист'],
          ['2.', 'Консультации', '', ''],
        ],
      ],
    });
    const roadmap = parse(await read('plan.docx', data));
    expect(roadmap.sections.map((s) => s.number)).toEqual(['1', '2']);
    // The last row has no deadline and no owner of its own: it shares those of the item above, as merged cells would.
    expect(roadmap.items.map((i) => [i.sectionNumber, i.number, i.name, i.deadline])).toEqual([
      ['1', '1.', 'Приказ о наставничестве', 'Сентябрь 2024'],
      ['2', '1.', 'Семинар', 'Октябрь 2024'],
      ['2', '2.', 'Консультации', 'Октябрь 2024'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// XLSX

describe('a roadmap as an XLSX sheet', () => {
  it('reads the items under a merged title, with a merged section row, rich text and a date cell', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('План');
    sheet.addRow(['Приложение № 2 к распоряжению администрации от 05.04.2024 № 125']);
    sheet.addRow(['Дорожная карта муниципальной Школы наставничества на 2023-2024 годы']);
    sheet.mergeCells('A1:E1');
    sheet.mergeCells('A2:E2');
    sheet.addRow(['№ п/п', 'Наименование мероприятия', 'Срок исполнения', 'Ответственный', 'Примечание']);
    sheet.addRow(['I. Организационные мероприятия']);
    sheet.mergeCells('A4:E4');
    sheet.addRow([1, { richText: [{ text: 'Заседание ', font: { bold: true } }, { text: 'Школы наставничества' }] }, 'Сентябрь 2023 г.', 'Супрун О.А.', '']);
    sheet.addRow([2, 'Проверка сайтов\nобразовательных организаций', new Date(Date.UTC(2024, 4, 1)), 'Супрун О.А.', 'по плану']);
    sheet.addRow(['II. Методическое сопровождение']);
    sheet.mergeCells('A7:E7');
    sheet.addRow([1, 'Консультации молодых педагогов', 'В течение года', 'Руководители ОО', '']);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());

    const doc = await read('plan.xlsx', data);
    expect(doc.title).toBe('Дорожная карта муниципальной Школы наставничества на 2023-2024 годы');
    expect(doc.tables[0]!.rows[3]).toEqual(['I. Организационные мероприятия', '', '', '', '']);
    const roadmap = parse(doc);
    expect(roadmap.period).toEqual({ start: '2023-01-01', end: '2024-12-31' });
    expect(roadmap.documentDate).toBe('2024-04-05');
    expect(roadmap.unknownHeaders).toEqual([{ index: 4, header: 'Примечание' }]);
    expect(roadmap.sections).toEqual([
      { number: 'I', title: 'I. Организационные мероприятия' },
      { number: 'II', title: 'II. Методическое сопровождение' },
    ]);
    expect(roadmap.items).toEqual([
      expect.objectContaining({ number: '1', sectionNumber: 'I', name: 'Заседание Школы наставничества', deadline: 'Сентябрь 2023 г.', sourceRows: [5] }),
      expect.objectContaining({ number: '2', sectionNumber: 'I', name: 'Проверка сайтов образовательных организаций', deadline: '01.05.2024', sourceRows: [6] }),
      expect.objectContaining({ number: '1', sectionNumber: 'II', name: 'Консультации молодых педагогов', responsible: 'Руководители ОО', sourceRows: [8] }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Files that are not a roadmap

describe('files that cannot be read as a roadmap', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01]);

  it('refuses a photo, a PDF and an old .doc by their names', async () => {
    expect(await readRoadmapDocument('photo.jpg', jpeg)).toEqual({ ok: false, error: { code: 'wrong_type', detail: '.jpg' } });
    expect((await readRoadmapDocument('plan.pdf', Buffer.from('%PDF-1.4'))).ok).toBe(false);
    expect(await readRoadmapDocument('plan.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))).toMatchObject({ ok: false, error: { code: 'wrong_type' } });
    expect(await readRoadmapDocument('plan', Buffer.from('x'))).toMatchObject({ ok: false, error: { code: 'wrong_type' } });
  });

  it('refuses a photo or an old Word file renamed to .docx as the wrong type', async () => {
    expect(await readRoadmapDocument('plan.docx', jpeg)).toEqual({ ok: false, error: { code: 'wrong_type', detail: 'jpg' } });
    expect(await readRoadmapDocument('plan.docx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toEqual({
      ok: false,
      error: { code: 'wrong_type', detail: 'doc' },
    });
  });

  it('refuses a file over 20 MB as too large', async () => {
    const result = await readRoadmapDocument('plan.docx', Buffer.alloc(MAX_ROADMAP_BYTES + 1));
    expect(result).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(MAX_ROADMAP_BYTES).toBe(20 * 1024 * 1024);
  });

  it('refuses an empty file as empty', async () => {
    expect(await readRoadmapDocument('plan.docx', Buffer.alloc(0))).toEqual({ ok: false, error: { code: 'empty' } });
    expect(await readRoadmapDocument('plan.txt', Buffer.from(' \n\n'))).toEqual({ ok: false, error: { code: 'empty' } });
  });

  it('refuses random bytes named .docx or .xlsx as unreadable', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    expect(await readRoadmapDocument('plan.docx', noise)).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    expect(await readRoadmapDocument('plan.xlsx', noise)).toMatchObject({ ok: false, error: { code: 'unreadable' } });
  });

  it('refuses a DOCX whose document.xml is cut off as unreadable', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>');
    zip.file('word/document.xml', '<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>1');
    const data = await zip.generateAsync({ type: 'nodebuffer' });
    expect(await readRoadmapDocument('plan.docx', data)).toMatchObject({ ok: false, error: { code: 'unreadable' } });
  });

  it('refuses a zip that is neither a Word document nor a workbook as unreadable', async () => {
    const zip = new JSZip();
    zip.file('readme.txt', 'hello');
    expect(await readRoadmapDocument('plan.docx', await zip.generateAsync({ type: 'nodebuffer' }))).toMatchObject({ ok: false, error: { code: 'unreadable' } });
  });

  it('refuses a text file that is binary inside as unreadable', async () => {
    expect(await readRoadmapDocument('plan.txt', Buffer.from([0x41, 0x00, 0x42, 0x09, 0x43]))).toMatchObject({ ok: false, error: { code: 'unreadable' } });
  });
});

describe('a table whose headers are not the known ones', () => {
  const rows = [
    ['П.', 'Что делаем', 'Когда', 'Кто'],
    ['1', 'Совещание с кураторами', 'Октябрь 2024', 'Методист Супрун О.А.'],
    ['2', 'Отчёт о наставничестве', 'Декабрь 2024', 'Руководители ОО'],
  ];

  it('asks which column is which, giving the headers', async () => {
    const doc = await read('plan.docx', await buildDocx({ title: 'План мероприятий на 2024 год', tables: [rows] }));
    expect(findRoadmapTable(doc)).toBeNull();
    expect(parseRoadmap(doc)).toEqual({ error: 'unknown_columns', headers: ['П.', 'Что делаем', 'Когда', 'Кто'] });
  });

  it('reads the items once told which column is which', async () => {
    const doc = await read('plan.docx', await buildDocx({ title: 'План мероприятий на 2024 год', tables: [rows] }));
    const roadmap = parse(doc, { columns: { number: 0, name: 1, deadline: 2, responsible: 3 } });
    expect(roadmap.period).toEqual({ start: '2024-01-01', end: '2024-12-31' });
    expect(roadmap.items.map((i) => [i.number, i.name, i.deadline, i.responsible])).toEqual([
      ['1', 'Совещание с кураторами', 'Октябрь 2024', 'Методист Супрун О.А.'],
      ['2', 'Отчёт о наставничестве', 'Декабрь 2024', 'Руководители ОО'],
    ]);
  });

  it('still asks when told columns that do not give a name and a deadline or responsible', async () => {
    const doc = await read('plan.docx', await buildDocx({ tables: [rows] }));
    expect(parseRoadmap(doc, { columns: { name: 1 } })).toMatchObject({ error: 'unknown_columns' });
  });

  it('says there is no table when the document has none', () => {
    expect(parseRoadmap({ title: '', textBefore: 'Приказ', tables: [] })).toEqual({ error: 'no_table', headers: [] });
  });
});
