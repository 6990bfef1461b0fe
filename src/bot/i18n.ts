import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import type { Language } from '../domain/people/people.types';

export type { TFunction };
export const LANGUAGES: readonly Language[] = ['ru', 'en'];
export const DEFAULT_LANGUAGE: Language = 'ru';

// Both src/bot and dist/bot sit two levels below the repository, where locales/ is.
const LOCALES_DIR = join(__dirname, '..', '..', 'locales');
const loadLocale = (language: Language): Record<string, unknown> =>
  JSON.parse(readFileSync(join(LOCALES_DIR, `${language}.json`), 'utf8')) as Record<string, unknown>;
const ru = loadLocale('ru');
const en = loadLocale('en');

let instance: i18n | null = null;

/** One initialised i18next for the process; Russian first, English second, plain text (no HTML escaping). */
export function getI18n(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    resources: { ru: { translation: ru }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

export function translator(language: Language): TFunction {
  return getI18n().getFixedT(language);
}

/** Russian unless Telegram says the person's app is in English. */
export function languageFromTelegram(code: string | undefined): Language {
  return code?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

export function isLanguage(value: unknown): value is Language {
  return value === 'ru' || value === 'en';
}

function flatKeys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [prefix.slice(0, -1)];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => flatKeys(v, `${prefix}${k}.`));
}

/** Keys present in one locale and missing in the other. */
export function localeKeyDifferences(): string[] {
  const ruKeys = new Set(flatKeys(ru));
  const enKeys = new Set(flatKeys(en));
  return [
    ...[...ruKeys].filter((k) => !enKeys.has(k)).map((k) => `ru only: ${k}`),
    ...[...enKeys].filter((k) => !ruKeys.has(k)).map((k) => `en only: ${k}`),
  ];
}
