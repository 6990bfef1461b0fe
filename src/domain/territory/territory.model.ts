import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const ORGANIZATION_KINDS = ['school', 'kindergarten', 'college', 'additional', 'other'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export interface RegionDoc {
  _id: Types.ObjectId;
  name: string;
  nameKey: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface MunicipalityDoc {
  _id: Types.ObjectId;
  regionId: Types.ObjectId;
  name: string;
  nameKey: string;
  timezone: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrganizationDoc {
  _id: Types.ObjectId;
  regionId: Types.ObjectId;
  municipalityId: Types.ObjectId;
  fullName: string;
  shortName: string;
  nameKey: string;
  shortNameKey: string;
  kind: OrganizationKind;
  createdAt: Date;
  updatedAt: Date;
}

const regionSchema = new Schema<RegionDoc>(
  {
    name: { type: String, required: true },
    nameKey: { type: String, required: true, unique: true },
  },
  { timestamps: true, collection: 'regions' },
);

const municipalitySchema = new Schema<MunicipalityDoc>(
  {
    regionId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    timezone: { type: String, required: true },
  },
  { timestamps: true, collection: 'municipalities' },
);
municipalitySchema.index({ regionId: 1, nameKey: 1 }, { unique: true });
municipalitySchema.index({ nameKey: 1 });

const organizationSchema = new Schema<OrganizationDoc>(
  {
    regionId: { type: Schema.Types.ObjectId, required: true },
    municipalityId: { type: Schema.Types.ObjectId, required: true },
    fullName: { type: String, required: true },
    shortName: { type: String, required: true },
    nameKey: { type: String, required: true },
    shortNameKey: { type: String, required: true },
    kind: { type: String, required: true, enum: ORGANIZATION_KINDS },
  },
  { timestamps: true, collection: 'organizations' },
);
organizationSchema.index({ municipalityId: 1, nameKey: 1 }, { unique: true });
organizationSchema.index({ nameKey: 1 });
organizationSchema.index({ shortNameKey: 1 });
organizationSchema.index({ regionId: 1 });

export interface TerritoryModels {
  Region: Model<RegionDoc>;
  Municipality: Model<MunicipalityDoc>;
  Organization: Model<OrganizationDoc>;
}

/** Models are bound to a connection passed in, so tests and scripts choose their database. */
export function territoryModels(conn: Connection): TerritoryModels {
  return {
    Region: (conn.models.Region as Model<RegionDoc>) ?? conn.model<RegionDoc>('Region', regionSchema),
    Municipality:
      (conn.models.Municipality as Model<MunicipalityDoc>) ?? conn.model<MunicipalityDoc>('Municipality', municipalitySchema),
    Organization:
      (conn.models.Organization as Model<OrganizationDoc>) ?? conn.model<OrganizationDoc>('Organization', organizationSchema),
  };
}
