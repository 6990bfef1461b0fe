import type { OrganizationKind } from './territory.model';

export type { OrganizationKind };

export interface Region {
  id: string;
  name: string;
}

export interface Municipality {
  id: string;
  regionId: string;
  name: string;
  timezone: string;
}

export interface Organization {
  id: string;
  regionId: string;
  municipalityId: string;
  fullName: string;
  shortName: string;
  kind: OrganizationKind;
}

/** Where a role applies: one organization, one municipality or a whole region. */
export type ScopeLevel = 'organization' | 'municipality' | 'region';

export interface Scope {
  level: ScopeLevel;
  id: string;
}

/** A scope with the names a person reads, resolved once for display. */
export interface ScopeView {
  level: ScopeLevel;
  region: Region;
  municipality?: Municipality;
  organization?: Organization;
  timezone: string;
}
