import { z } from 'zod';

/**
 * What a person types during onboarding. The messages are locale keys: the bot explains the problem in the
 * person's language and asks again.
 */
export const fullNameSchema = z
  .string()
  .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'onboarding.errors.name_empty')
      .max(150, 'onboarding.errors.name_too_long')
      .regex(/^[\p{L}][\p{L}'’.\- ]*$/u, 'onboarding.errors.name_letters')
      .refine((s) => s.split(' ').filter((w) => /\p{L}{2,}/u.test(w)).length >= 2, 'onboarding.errors.name_words'),
  );

export const positionSchema = z
  .string()
  .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(2, 'onboarding.errors.position_short')
      .max(120, 'onboarding.errors.position_too_long')
      .regex(/\p{L}/u, 'onboarding.errors.position_letters'),
  );

/** Returns the cleaned value or the locale key of the first problem. */
export function parseInput<T>(schema: z.ZodType<T>, input: string): { ok: true; value: T } | { ok: false; errorKey: string } {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, errorKey: r.error.issues[0]?.message ?? 'errors.invalid' };
}
