import { nameKey } from '../shared/names';
import { createTtlCache } from '../shared/ttl-cache';
import type { TerritoryRepository, UpsertStatus } from './territory.repository';
import { parseTerritoryTable, type RowError, type Table } from './territory-import';
import type { Organization, Scope, ScopeView } from './territory.types';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport {
  organizations: ImportCounts;
  municipalities: ImportCounts;
  regions: ImportCounts;
  errors: RowError[];
}

const emptyCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0 });

/** Name lookups for the operator's command line, which must tell "not found" from "more than one". */
export type Lookup<T> = { status: 'found'; value: T } | { status: 'not_found' } | { status: 'ambiguous'; candidates: T[] };

const lookupOf = <T>(items: T[]): Lookup<T> =>
  items.length === 1 ? { status: 'found', value: items[0]! } : items.length === 0 ? { status: 'not_found' } : { status: 'ambiguous', candidates: items };

export interface TerritoryServiceOptions {
  /** How long a resolved scope (names, time zone) may be reused; the directory changes only on import. */
  scopeCacheMs?: number;
}

export function createTerritoryService(repo: TerritoryRepository, options: TerritoryServiceOptions = {}) {
  const scopes = createTtlCache<string, ScopeView | null>({ ttlMs: options.scopeCacheMs ?? 60_000, maxEntries: 10_000 });

  async function loadScope(scope: Scope): Promise<ScopeView | null> {
    if (scope.level === 'organization') {
      const organization = await repo.getOrganization(scope.id);
      if (!organization) return null;
      const [municipality, region] = await Promise.all([
        repo.getMunicipality(organization.municipalityId),
        repo.getRegion(organization.regionId),
      ]);
      if (!municipality || !region) return null;
      return { level: 'organization', organization, municipality, region, timezone: municipality.timezone };
    }
    if (scope.level === 'municipality') {
      const municipality = await repo.getMunicipality(scope.id);
      if (!municipality) return null;
      const region = await repo.getRegion(municipality.regionId);
      if (!region) return null;
      return { level: 'municipality', municipality, region, timezone: municipality.timezone };
    }
    const region = await repo.getRegion(scope.id);
    if (!region) return null;
    const municipalities = await repo.listMunicipalities({ regionId: region.id });
    // A region has no time zone of its own in the file; its first municipality's stands in until one is set.
    return { level: 'region', region, timezone: municipalities[0]?.timezone ?? 'Europe/Moscow' };
  }

  return {
    /** Loads good rows and reports bad ones by row number; running it twice on the same table changes nothing. */
    async importTable(table: Table): Promise<ImportReport> {
      const { rows, errors } = parseTerritoryTable(table);
      const report: ImportReport = {
        organizations: emptyCounts(),
        municipalities: emptyCounts(),
        regions: emptyCounts(),
        errors,
      };
      scopes.clear(); // names and time zones may change with this import
      const seenRegions = new Map<string, string>();
      const seenMunicipalities = new Map<string, string>();
      const count = (c: ImportCounts, s: UpsertStatus) => c[s]++;
      for (const row of rows) {
        let regionId = seenRegions.get(nameKey(row.region));
        if (!regionId) {
          const { region, status } = await repo.upsertRegion(row.region);
          count(report.regions, status);
          regionId = region.id;
          seenRegions.set(nameKey(row.region), regionId);
        }
        const munKey = `${regionId}|${nameKey(row.municipality)}`;
        let municipalityId = seenMunicipalities.get(munKey);
        if (!municipalityId) {
          const { municipality, status } = await repo.upsertMunicipality(regionId, row.municipality, row.timezone);
          count(report.municipalities, status);
          municipalityId = municipality.id;
          seenMunicipalities.set(munKey, municipalityId);
        }
        const { status } = await repo.upsertOrganization({
          regionId,
          municipalityId,
          fullName: row.fullName,
          shortName: row.shortName,
          kind: row.kind,
        });
        count(report.organizations, status);
      }
      report.errors.sort((a, b) => a.row - b.row);
      scopes.clear(); // and again: a lookup made during the import may have cached the old names
      return report;
    },

    async findOrganization(name: string): Promise<Lookup<Organization>> {
      return lookupOf(await repo.findOrganizationsByName(name));
    },

    async findMunicipality(name: string) {
      return lookupOf(await repo.findMunicipalitiesByName(name));
    },

    async findRegion(name: string) {
      return lookupOf(await repo.findRegionsByName(name));
    },

    /** Resolves a scope into the names a person reads; null when the territory was deleted since. */
    describeScope(scope: Scope): Promise<ScopeView | null> {
      return scopes.get(`${scope.level}:${scope.id}`, () => loadScope(scope));
    },

    /** The name a person reads for a scope: the organization's short name, the municipality's or the region's; '' if gone. */
    async nameOf(scope: Scope): Promise<string> {
      const view = await scopes.get(`${scope.level}:${scope.id}`, () => loadScope(scope));
      if (!view) return '';
      return (scope.level === 'organization' ? view.organization?.shortName : scope.level === 'municipality' ? view.municipality?.name : view.region.name) ?? '';
    },

    /** The time zone of a scope (cached with it); Moscow for an unknown one. */
    async timezoneOf(scope: Scope): Promise<string> {
      return (await scopes.get(`${scope.level}:${scope.id}`, () => loadScope(scope)))?.timezone ?? 'Europe/Moscow';
    },

    /** Organizations a scope covers, for a coordinator's list and for fanning out tasks later. */
    async organizationsIn(scope: Scope): Promise<Organization[]> {
      if (scope.level === 'organization') {
        const o = await repo.getOrganization(scope.id);
        return o ? [o] : [];
      }
      return repo.listOrganizations(scope.level === 'municipality' ? { municipalityId: scope.id } : { regionId: scope.id });
    },

    organizationNames: repo.organizationNames,
    listOrganizations: repo.listOrganizations,
    listMunicipalities: repo.listMunicipalities,
    listRegions: repo.listRegions,
  };
}

export type TerritoryService = ReturnType<typeof createTerritoryService>;
