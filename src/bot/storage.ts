import type { ConversationData, VersionedState } from '@grammyjs/conversations';
import { RedisAdapter } from '@grammyjs/storage-redis';
import type { StorageAdapter } from 'grammy';
import type { Redis } from 'ioredis';
import type { ImportDraft } from '../domain/register/register.service';
import type { SessionData } from './context';

/** Sessions and conversation state, kept in Redis so a restart or a second instance loses no dialogue. */
export interface BotStorage {
  session: StorageAdapter<SessionData>;
  conversations: StorageAdapter<VersionedState<ConversationData>>;
  /** Checked register files waiting for the head's confirmation, by chat (large, so kept out of the session). */
  imports: StorageAdapter<PendingImport>;
}

/** A register file that was checked and awaits confirmation: the good rows, ready for importDrafts. */
export interface PendingImport {
  schoolId: string;
  fileName: string;
  drafts: ImportDraft[];
  createdAt: string;
  /** Identifies this checked file, so a button under the report of an earlier file does not load a later one. */
  token: string;
}

// A checked file waits this long for the head's «Загрузить»; then it must be sent again.
const IMPORT_TTL_SECONDS = 60 * 60;

// A dialogue not touched for this long is dropped (an invite lives 14 days by default).
const STATE_TTL_SECONDS = 30 * 24 * 60 * 60;

/** grammY's Redis adapter over the app's ioredis client; keys are told apart by the bot's key functions. */
export function createRedisStorage(redis: Redis): BotStorage {
  return {
    session: new RedisAdapter<SessionData>({ instance: redis, ttl: STATE_TTL_SECONDS }),
    conversations: new RedisAdapter<VersionedState<ConversationData>>({ instance: redis, ttl: STATE_TTL_SECONDS }),
    imports: new RedisAdapter<PendingImport>({ instance: redis, ttl: IMPORT_TTL_SECONDS }),
  };
}

/** In-process storage for benchmarks of a bare setup; never used by the running bot. */
export function createMemoryStorage(): BotStorage {
  const make = <T>(): StorageAdapter<T> => {
    const map = new Map<string, T>();
    return {
      read: async (key) => map.get(key),
      write: async (key, value) => void map.set(key, value),
      delete: async (key) => void map.delete(key),
    };
  };
  return { session: make<SessionData>(), conversations: make<VersionedState<ConversationData>>(), imports: make<PendingImport>() };
}
