import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseCsv, readTable, UnsupportedFileError } from '../../src/domain/territory/territory-file';
import { parseTerritoryTable } from '../../src/domain/territory/territory-import';

const SAMPLES = join(__dirname, '..', '..', 'scripts', 'samples');
const cellsOf = (content: string) => parseCsv(content).rows.map((r) => r.cells);
const numbersOf = (content: string) => parseCsv(content).rows.map((r) => r.row);

describe('reading CSV the way Russian Excel writes it', () => {
  it('splits on semicolons and keeps semicolons and doubled quotes inside quoted cells', () => {
    expect(cellsOf('a;b;c\n"МБОУ ""СОШ № 1""; корпус 2";«Детский сад»;школа\n')).toEqual([
      ['a', 'b', 'c'],
      ['МБОУ "СОШ № 1"; корпус 2', '«Детский сад»', 'школа'],
    ]);
  });

  it('keeps a quote in the middle of an unquoted cell as it is, and reads empty and quoted-empty cells', () => {
    expect(cellsOf('МБОУ "СОШ № 1";"";;x')).toEqual([['МБОУ "СОШ № 1"', '', '', 'x']]);
  });

  it('finds the delimiter from the first line: comma or tab as well, ignoring ones inside quotes', () => {
    expect(cellsOf('"a;b",c,d\n1,2,3')).toEqual([
      ['a;b', 'c', 'd'],
      ['1', '2', '3'],
    ]);
    expect(cellsOf('a\tb;c\td\n1\t2\t3')).toEqual([
      ['a', 'b;c', 'd'],
      ['1', '2', '3'],
    ]);
  });

  it('drops the BOM and reads CRLF line ends without a carriage return left in the last cell', () => {
    const table = parseCsv('\uFEFFРегион;Тип\r\nИркутская область;школа\r\nПриморский край;детский сад\r\n');
    expect(table.rows).toEqual([
      { row: 1, cells: ['Регион', 'Тип'] },
      { row: 2, cells: ['Иркутская область', 'школа'] },
      { row: 3, cells: ['Приморский край', 'детский сад'] },
    ]);
  });

  it('reads a last line without a line end, and counts blank lines in the row numbers', () => {
    expect(parseCsv('a;b\n\nc;d').rows).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: [''] },
      { row: 3, cells: ['c', 'd'] },
    ]);
  });

  it('numbers rows by the line they start on, past a quoted cell that spans lines (LF or CRLF)', () => {
    for (const eol of ['\n', '\r\n']) {
      const content = ['h1;h2', '"первая строка', 'вторая строка";x', 'next;y', '"a', '', 'b";z'].join(eol) + eol;
      const table = parseCsv(content);
      expect(table.rows.map((r) => r.row)).toEqual([1, 2, 4, 5]);
      expect(table.rows[1]!.cells[0]).toBe(`первая строка${eol}вторая строка`);
      expect(table.rows[2]!.cells).toEqual(['next', 'y']);
      expect(table.rows[3]!.cells).toEqual([`a${eol}${eol}b`, 'z']);
    }
    expect(numbersOf('a\n"1\n2\n3"\nb')).toEqual([1, 2, 5]);
  });

  it('reports a bad row after a multi-line cell by the line an editor shows', () => {
    const content = [
      'Регион;Муниципалитет;Часовой пояс;Полное наименование;Краткое наименование;Тип',
      'Иркутская область;г. Бодайбо и район;Asia/Irkutsk;"Муниципальное казённое общеобразовательное учреждение',
      '«Средняя общеобразовательная школа № 1 г. Бодайбо»";МКОУ «СОШ № 1 г. Бодайбо»;школа',
      'Иркутская область;г. Бодайбо и район;Asia/Irkutsk;Муниципальное казённое дошкольное образовательное учреждение «Детский сад № 9»;;пансион',
    ].join('\r\n');
    const { rows, errors } = parseTerritoryTable(parseCsv(content));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      row: 2,
      fullName: 'Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Бодайбо»',
      kind: 'school',
    });
    expect(errors).toEqual([{ row: 4, problems: [{ code: 'bad_kind', value: 'пансион' }] }]);
  });
});

describe('reading a file by its extension', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'territory-file-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reads the sample CSV and XLSX into the same directory', async () => {
    const fromCsv = parseTerritoryTable(await readTable(join(SAMPLES, 'organizations.csv')));
    const fromXlsx = parseTerritoryTable(await readTable(join(SAMPLES, 'organizations.xlsx')));
    expect(fromCsv.errors).toEqual([]);
    expect(fromCsv.rows).toHaveLength(19);
    expect(fromXlsx).toEqual(fromCsv);
    expect(new Set(fromCsv.rows.map((r) => r.region))).toEqual(
      new Set(['Иркутская область', 'Свердловская область', 'Республика Алтай', 'Приморский край']),
    );
    expect(new Set(fromCsv.rows.map((r) => r.kind))).toEqual(new Set(['school', 'kindergarten', 'college', 'additional']));
  });

  it('reads an .xlsx with Excel row numbers, skipping empty rows, and a .CSV whatever the case of its extension', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Лист1');
    sheet.getRow(1).values = ['Регион', 'Муниципалитет', 'Часовой пояс', 'Полное наименование', 'Краткое наименование', 'Тип'];
    sheet.getRow(2).values = ['Приморский край', 'Кировский муниципальный район', 'Asia/Vladivostok', 'МБОУ «Крыловская СОШ»', '', 'школа'];
    sheet.getRow(4).values = ['Приморский край', 'Кировский муниципальный район', 'Asia/Vladivostok', 'МБДОУ № 2', '', 'ясли'];
    const xlsx = join(dir, 'orgs.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const fromXlsx = parseTerritoryTable(await readTable(xlsx));
    expect(fromXlsx.rows.map((r) => [r.row, r.shortName])).toEqual([[2, 'МБОУ «Крыловская СОШ»']]);
    expect(fromXlsx.errors).toEqual([{ row: 4, problems: [{ code: 'bad_kind', value: 'ясли' }] }]);

    const csv = join(dir, 'ORGS.CSV');
    await writeFile(csv, '\uFEFFa;b\r\nc;d\r\n', 'utf8');
    expect((await readTable(csv)).rows).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['c', 'd'] },
    ]);
  });

  it('refuses other file types by extension', async () => {
    await expect(readTable(join(dir, 'orgs.xls'))).rejects.toBeInstanceOf(UnsupportedFileError);
    await expect(readTable(join(dir, 'orgs'))).rejects.toMatchObject({ extension: '' });
  });
});
