/**
 * Organization and territory names arrive from Excel files typed by hand: quotes of three kinds, ё and е, double
 * spaces. The key below is what two spellings of the same name have in common, so a re-import updates instead of
 * duplicating, and a command-line `--org "..."` finds the organization however the operator typed it.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[«»"“”„'`‘’]/g, '')
    .replace(/[‐‑‒–—―]/g, '-')
    .replace(/\s*-\s*/g, '-')
    .replace(/№\s*/g, '№')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Collapses the white space of a name typed by a person, keeping its letters as they were. */
export function cleanName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim();
}
