import { randomInt } from 'node:crypto';

// No 0/o, 1/l/i: codes are sometimes read aloud or retyped from a printed letter.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const INVITE_CODE_LENGTH = 12;
const CODE_RE = new RegExp(`^[${ALPHABET}]{${INVITE_CODE_LENGTH}}$`);

export function generateInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Normalizes what a person pasted (case, spaces, the whole link) into a code, or null when it cannot be one. */
export function normalizeInviteCode(input: string): string | null {
  const trimmed = input.trim();
  const fromLink = /[?&]start=([^&\s]+)/.exec(trimmed)?.[1] ?? trimmed;
  const code = fromLink.toLowerCase();
  return CODE_RE.test(code) ? code : null;
}
