import { isIanaTimeZone, parseOrganizationKind, parseTerritoryTable, type Table } from '../../src/domain/territory/territory-import';
import { nameKey } from '../../src/domain/shared/names';
import { normalizeInviteCode } from '../../src/domain/people/invite-code';

const table = (rows: string[][], start = 1): Table => ({ rows: rows.map((cells, i) => ({ row: start + i, cells })) });

describe('reading the operator’s territory table', () => {
  it('maps Russian headers in any order and loads the rows', () => {
    const { rows, errors } = parseTerritoryTable(
      table([
        ['Тип', 'Краткое наименование', 'Полное наименование', 'Часовой пояс', 'Муниципалитет', 'Регион'],
        ['СОШ', 'МБОУ СОШ № 3', 'МБОУ «Средняя школа № 3»', 'Asia/Vladivostok', 'Кировский муниципальный район', 'Приморский край'],
      ]),
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 2,
        region: 'Приморский край',
        municipality: 'Кировский муниципальный район',
        timezone: 'Asia/Vladivostok',
        fullName: 'МБОУ «Средняя школа № 3»',
        shortName: 'МБОУ СОШ № 3',
        kind: 'school',
      },
    ]);
  });

  it('reads a file without a header in the documented column order', () => {
    const { rows } = parseTerritoryTable(table([['Республика Алтай', 'Майминский район', 'Asia/Barnaul', 'МБОУ «Майминская СОШ № 1»', '', 'school']]));
    expect(rows[0]).toMatchObject({ row: 1, shortName: 'МБОУ «Майминская СОШ № 1»', kind: 'school' });
  });

  it('reports each bad row with its number and every reason, and keeps the good rows', () => {
    const { rows, errors } = parseTerritoryTable(
      table([
        ['region', 'municipality', 'time zone', 'organization full name', 'short name', 'kind'],
        ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Школа 1', 'Ш1', 'школа'],
        ['Иркутская область', 'г. Бодайбо и район', 'UTC+8', 'Школа 2', 'Ш2', 'университет'],
        ['Иркутская область', '', 'Asia/Irkutsk', '', '', 'школа'],
        ['Иркутская область', 'г. Бодайбо и район', 'Asia/Yakutsk', 'Школа 4', 'Ш4', 'школа'],
        ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Школа  1', 'Ш1', 'школа'],
        ['', '', '', '', '', ''],
        ['Иркутская область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Детский сад 7', 'Д7', 'детский сад'],
      ]),
    );
    expect(rows.map((r) => r.row)).toEqual([2, 8]);
    expect(errors).toEqual([
      { row: 3, problems: [{ code: 'bad_timezone', value: 'UTC+8' }, { code: 'bad_kind', value: 'университет' }] },
      { row: 4, problems: [{ code: 'missing', field: 'municipality' }, { code: 'missing', field: 'fullName' }] },
      { row: 5, problems: [{ code: 'timezone_conflict', value: 'Asia/Yakutsk', otherRow: 2, otherValue: 'Asia/Irkutsk' }] },
      { row: 6, problems: [{ code: 'duplicate_row', otherRow: 2 }] },
    ]);
  });

  it('knows IANA zones and kinds in Russian and English', () => {
    expect(isIanaTimeZone('Asia/Irkutsk')).toBe(true);
    expect(isIanaTimeZone('Asia/Nowhere')).toBe(false);
    expect(isIanaTimeZone('+08:00')).toBe(false);
    expect(parseOrganizationKind('Дополнительное образование')).toBe('additional');
    expect(parseOrganizationKind('Техникум')).toBe('college');
    expect(parseOrganizationKind('ДОУ')).toBe('kindergarten');
    expect(parseOrganizationKind('kindergarten')).toBe('kindergarten');
    expect(parseOrganizationKind('вуз')).toBeNull();
  });

  it('treats spellings of one name as the same key', () => {
    expect(nameKey('МБОУ «СОШ № 1»')).toBe(nameKey('мбоу "СОШ №1"'));
    expect(nameKey('Артёмовский  ГО')).toBe(nameKey('Артемовский ГО'));
    expect(nameKey('г. Бодайбо – район')).toBe(nameKey('г. Бодайбо-район'));
  });

  it('takes an invite code from a pasted link, in any case, and rejects anything else', () => {
    expect(normalizeInviteCode('https://t.me/cmn_bot?start=ABCDEFGHJKMN')).toBe('abcdefghjkmn');
    expect(normalizeInviteCode('  abcdefghjkmn ')).toBe('abcdefghjkmn');
    expect(normalizeInviteCode('abc')).toBeNull();
    expect(normalizeInviteCode('abcdefghjkm0')).toBeNull();
  });
});
