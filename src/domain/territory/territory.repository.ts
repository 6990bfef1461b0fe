import { Types, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../shared/mongo-errors';
import { cleanName, nameKey } from '../shared/names';
import { territoryModels, type MunicipalityDoc, type OrganizationDoc, type RegionDoc } from './territory.model';
import type { Municipality, Organization, OrganizationKind, Region } from './territory.types';

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

const toRegion = (d: RegionDoc): Region => ({ id: String(d._id), name: d.name });
const toMunicipality = (d: MunicipalityDoc): Municipality => ({
  id: String(d._id),
  regionId: String(d.regionId),
  name: d.name,
  timezone: d.timezone,
});
const toOrganization = (d: OrganizationDoc): Organization => ({
  id: String(d._id),
  regionId: String(d.regionId),
  municipalityId: String(d.municipalityId),
  fullName: d.fullName,
  shortName: d.shortName,
  kind: d.kind,
});

const isId = (id: string) => Types.ObjectId.isValid(id) && String(new Types.ObjectId(id)) === id;

/**
 * Regions, municipalities and organizations, keyed by normalized names so that a re-import of the same file
 * updates what is there. Every write is a single-document upsert guarded by a unique index (FerretDB has no
 * transactions): a lost race ends in E11000 and is retried as an update.
 */
export function createTerritoryRepository(conn: Connection) {
  const { Region: RegionModel, Municipality: MunicipalityModel, Organization: OrganizationModel } = territoryModels(conn);

  async function upsertBy<T extends { _id: Types.ObjectId }>(
    find: () => Promise<T | null>,
    create: () => Promise<T>,
    differs: (existing: T) => boolean,
    update: (existing: T) => Promise<void>,
  ): Promise<{ doc: T; status: UpsertStatus }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await find();
      if (existing) {
        if (!differs(existing)) return { doc: existing, status: 'unchanged' };
        await update(existing);
        return { doc: (await find()) ?? existing, status: 'updated' };
      }
      try {
        return { doc: await create(), status: 'created' };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new Error('upsert did not settle after 3 attempts');
  }

  return {
    async ensureIndexes(): Promise<void> {
      await Promise.all([RegionModel.syncIndexes(), MunicipalityModel.syncIndexes(), OrganizationModel.syncIndexes()]);
    },

    async upsertRegion(name: string): Promise<{ region: Region; status: UpsertStatus }> {
      const key = nameKey(name);
      const { doc, status } = await upsertBy<RegionDoc>(
        () => RegionModel.findOne({ nameKey: key }).lean<RegionDoc>(),
        async () => (await RegionModel.create({ name: cleanName(name), nameKey: key })).toObject(),
        () => false,
        async () => undefined,
      );
      return { region: toRegion(doc), status };
    },

    async upsertMunicipality(
      regionId: string,
      name: string,
      timezone: string,
    ): Promise<{ municipality: Municipality; status: UpsertStatus }> {
      const key = nameKey(name);
      const rid = new Types.ObjectId(regionId);
      const { doc, status } = await upsertBy<MunicipalityDoc>(
        () => MunicipalityModel.findOne({ regionId: rid, nameKey: key }).lean<MunicipalityDoc>(),
        async () => (await MunicipalityModel.create({ regionId: rid, name: cleanName(name), nameKey: key, timezone })).toObject(),
        (existing) => existing.timezone !== timezone,
        async (existing) => {
          await MunicipalityModel.updateOne({ _id: existing._id }, { $set: { timezone } });
        },
      );
      return { municipality: toMunicipality(doc), status };
    },

    async upsertOrganization(input: {
      regionId: string;
      municipalityId: string;
      fullName: string;
      shortName: string;
      kind: OrganizationKind;
    }): Promise<{ organization: Organization; status: UpsertStatus }> {
      const key = nameKey(input.fullName);
      const mid = new Types.ObjectId(input.municipalityId);
      const fields = {
        regionId: new Types.ObjectId(input.regionId),
        municipalityId: mid,
        fullName: cleanName(input.fullName),
        shortName: cleanName(input.shortName),
        nameKey: key,
        shortNameKey: nameKey(input.shortName),
        kind: input.kind,
      };
      const { doc, status } = await upsertBy<OrganizationDoc>(
        () => OrganizationModel.findOne({ municipalityId: mid, nameKey: key }).lean<OrganizationDoc>(),
        async () => (await OrganizationModel.create(fields)).toObject(),
        (existing) =>
          existing.fullName !== fields.fullName || existing.shortName !== fields.shortName || existing.kind !== fields.kind,
        async (existing) => {
          await OrganizationModel.updateOne(
            { _id: existing._id },
            { $set: { fullName: fields.fullName, shortName: fields.shortName, shortNameKey: fields.shortNameKey, kind: fields.kind } },
          );
        },
      );
      return { organization: toOrganization(doc), status };
    },

    async getRegion(id: string): Promise<Region | null> {
      if (!isId(id)) return null;
      const d = await RegionModel.findById(id).lean<RegionDoc>();
      return d ? toRegion(d) : null;
    },

    async getMunicipality(id: string): Promise<Municipality | null> {
      if (!isId(id)) return null;
      const d = await MunicipalityModel.findById(id).lean<MunicipalityDoc>();
      return d ? toMunicipality(d) : null;
    },

    /** Short names of many organizations in one query (ids that are not organizations are left out). */
    async organizationNames(ids: string[]): Promise<Map<string, string>> {
      const names = new Map<string, string>();
      const valid = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id));
      for (let i = 0; i < valid.length; i += 1000) {
        const docs = await OrganizationModel.find({ _id: { $in: valid.slice(i, i + 1000).map((id) => new Types.ObjectId(id)) } }, { shortName: 1 }).lean<{ _id: Types.ObjectId; shortName: string }[]>();
        for (const d of docs) names.set(String(d._id), d.shortName);
      }
      return names;
    },

    async getOrganization(id: string): Promise<Organization | null> {
      if (!isId(id)) return null;
      const d = await OrganizationModel.findById(id).lean<OrganizationDoc>();
      return d ? toOrganization(d) : null;
    },

    async findRegionsByName(name: string): Promise<Region[]> {
      const docs = await RegionModel.find({ nameKey: nameKey(name) }).lean<RegionDoc[]>();
      return docs.map(toRegion);
    },

    async findMunicipalitiesByName(name: string): Promise<Municipality[]> {
      const docs = await MunicipalityModel.find({ nameKey: nameKey(name) }).lean<MunicipalityDoc[]>();
      return docs.map(toMunicipality);
    },

    /** Matches the full or the short name, since operators use both. */
    async findOrganizationsByName(name: string): Promise<Organization[]> {
      const key = nameKey(name);
      const [byFull, byShort] = await Promise.all([
        OrganizationModel.find({ nameKey: key }).lean<OrganizationDoc[]>(),
        OrganizationModel.find({ shortNameKey: key }).lean<OrganizationDoc[]>(),
      ]);
      const seen = new Set<string>();
      return [...byFull, ...byShort].filter((d) => !seen.has(String(d._id)) && seen.add(String(d._id))).map(toOrganization);
    },

    async listRegions(): Promise<Region[]> {
      return (await RegionModel.find({}).sort({ name: 1 }).lean<RegionDoc[]>()).map(toRegion);
    },

    async listMunicipalities(filter: { regionId?: string } = {}): Promise<Municipality[]> {
      const q = filter.regionId ? { regionId: new Types.ObjectId(filter.regionId) } : {};
      return (await MunicipalityModel.find(q).sort({ name: 1 }).lean<MunicipalityDoc[]>()).map(toMunicipality);
    },

    async listOrganizations(filter: { regionId?: string; municipalityId?: string } = {}): Promise<Organization[]> {
      const q: Record<string, Types.ObjectId> = {};
      if (filter.regionId) q.regionId = new Types.ObjectId(filter.regionId);
      if (filter.municipalityId) q.municipalityId = new Types.ObjectId(filter.municipalityId);
      return (await OrganizationModel.find(q).sort({ fullName: 1 }).lean<OrganizationDoc[]>()).map(toOrganization);
    },
  };
}

export type TerritoryRepository = ReturnType<typeof createTerritoryRepository>;
