/* Fails when locales/ru.json and locales/en.json do not have the same keys, so no user meets a raw key. */
import { localeKeyDifferences } from '../src/bot/i18n';

const diff = localeKeyDifferences();
if (diff.length > 0) {
  console.error(`locales differ:\n${diff.join('\n')}`);
  process.exit(1);
}
console.log('locales: ru and en have the same keys');
