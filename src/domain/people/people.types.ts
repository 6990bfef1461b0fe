import type { Scope } from '../territory/territory.types';
import type { Language, Role } from './people.model';

export type { Language, Role };

export interface User {
  telegramId: number;
  chatId?: number;
  fullName?: string;
  position?: string;
  role?: Role;
  scope?: Scope;
  isAdmin: boolean;
  language?: Language;
  registeredAt?: Date;
  /** Since when Telegram refuses messages to them (they blocked the bot). */
  unreachableAt?: Date;
}

export interface Invite {
  code: string;
  role: Role;
  scope: Scope;
  maxUses: number;
  uses: number;
  expiresAt: Date;
  revokedAt?: Date;
  createdAt: Date;
}
