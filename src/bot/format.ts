import type { Role, User } from '../domain/people/people.types';
import type { Scope, ScopeView } from '../domain/territory/territory.types';
import type { TFunction } from './i18n';

/** "муниципальный координатор" and the like: a role reads differently by the level of its scope. */
export function roleLabel(t: TFunction, role: Role | undefined, level?: Scope['level'], isAdmin = false): string {
  if (role === 'head') return t('roles.head');
  if (role === 'curator') return t('roles.curator');
  if (role === 'coordinator') return t(level === 'region' ? 'roles.coordinator_region' : 'roles.coordinator_municipality');
  return isAdmin ? t('roles.admin') : t('roles.guest');
}

export function userRoleLabel(t: TFunction, user: User): string {
  return roleLabel(t, user.role, user.scope?.level, user.isAdmin);
}

/** The organization and territory on two lines, as a head expects to see their school named. */
export function scopeText(t: TFunction, scope: ScopeView | null): string {
  if (!scope) return t('scope.gone');
  if (scope.level === 'organization') {
    return t('scope.organization', {
      organization: scope.organization?.fullName,
      municipality: scope.municipality?.name,
      region: scope.region.name,
    });
  }
  if (scope.level === 'municipality') return t('scope.municipality', { municipality: scope.municipality?.name, region: scope.region.name });
  return t('scope.region', { region: scope.region.name });
}

/** A date as a person reads it in their own time zone: 07.12.2026, 18:30. */
export function formatDateTime(date: Date, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** Splits a long list into messages under Telegram's 4096-character limit, on line boundaries. */
export function chunkLines(lines: string[], limit = 3900): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > limit) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** A name that is safe in a file name on every system. */
export const fileSlug = (text: string) =>
  text
    .replace(/[\\/:*?"<>|«»]+/g, '')
    .replace(/\s+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 60);
