import { openTestDb, seedTerritory, testClock } from '../helpers/services';

describe('territory directory against FerretDB', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb(testClock().clock);
  });
  afterAll(async () => db.close());

  it('a re-import of the same rows updates nothing and duplicates nothing; a changed row is updated', async () => {
    const first = await seedTerritory(db.services);
    expect(first.report.organizations).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(first.report.municipalities.created).toBe(2);
    expect(first.report.regions.created).toBe(2);
    const again = await seedTerritory(db.services);
    expect(again.report.organizations).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await db.services.territory.listOrganizations()).toHaveLength(3);

    const changed = await db.services.territory.importTable({
      rows: [
        // Other quotes, ё/е and spacing: still the same school, now with a new short name.
        { row: 1, cells: ['Иркутская  область', 'г. Бодайбо и район', 'Asia/Irkutsk', 'Муниципальное бюджетное общеобразовательное учреждение "Средняя общеобразовательная школа №1 г. Бодайбо"', 'СОШ 1 Бодайбо', 'школа'] },
      ],
    });
    expect(changed.organizations).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const orgs = await db.services.territory.listOrganizations();
    expect(orgs).toHaveLength(3);
    expect(orgs.map((o) => o.shortName)).toContain('СОШ 1 Бодайбо');
  });

  it('finds organizations by full or short name however the quotes are typed, and describes scopes', async () => {
    const found = await db.services.territory.findOrganization('СОШ 1 бодайбо');
    expect(found.status).toBe('found');
    const full = await db.services.territory.findOrganization('Муниципальное казенное дошкольное образовательное учреждение "Детский сад № 5"');
    expect(full.status).toBe('found');
    if (full.status !== 'found') return;
    const view = await db.services.territory.describeScope({ level: 'organization', id: full.value.id });
    expect(view).toMatchObject({ municipality: { name: 'г. Бодайбо и район' }, region: { name: 'Иркутская область' }, timezone: 'Asia/Irkutsk' });
    expect(await db.services.territory.describeScope({ level: 'organization', id: 'not-an-id' })).toBeNull();
  });

  it('counts a region or municipality spelled two ways in one file once', async () => {
    const report = await db.services.territory.importTable({
      rows: [
        { row: 1, cells: ['Республика Алтай', 'Майминский район', 'Asia/Barnaul', 'МБОУ «Майминская СОШ № 1»', 'Майминская СОШ № 1', 'школа'] },
        { row: 2, cells: ['республика  алтай', 'майминский район', 'Asia/Barnaul', 'МБОУ «Майминская СОШ № 2»', 'Майминская СОШ № 2', 'школа'] },
      ],
    });
    expect(report.regions).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(report.municipalities).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(report.organizations.created).toBe(2);
  });
});
