import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from './clock';
import { isDuplicateKeyError } from './mongo-errors';

interface LeaseDoc {
  _id: string;
  token: string;
  until: Date;
}

const leaseSchema = new Schema<LeaseDoc>({ _id: String, token: String, until: Date }, { collection: 'leases', versionKey: false });

/** Thrown when the work is already being done elsewhere (another chat, another instance, the CLI). */
export class LeaseBusyError extends Error {
  constructor(readonly key: string) {
    super(`${key} is being worked on elsewhere`);
    this.name = 'LeaseBusyError';
  }
}

/**
 * Runs work that must not run twice at once for the same key, across processes: the first to insert the key's
 * document holds it; a holder that died leaves it to expire after `ttlMs`, when the next one takes it over.
 * Every step is one atomic operation (FerretDB has no transactions).
 */
export function createLeases(conn: Connection, clock: Clock) {
  const Lease = (conn.models.Lease as Model<LeaseDoc>) ?? conn.model<LeaseDoc>('Lease', leaseSchema);

  async function acquire(key: string, ttlMs: number): Promise<string | null> {
    const token = randomBytes(8).toString('hex');
    const now = clock();
    const until = new Date(now.getTime() + ttlMs);
    try {
      await Lease.create({ _id: key, token, until });
      return token;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const taken = await Lease.updateOne({ _id: key, until: { $lte: now } }, { $set: { token, until } });
    return taken.modifiedCount === 1 ? token : null;
  }

  return {
    /** Runs `work` holding the key, or throws LeaseBusyError when someone else holds it. */
    async run<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<T> {
      const token = await acquire(key, ttlMs);
      if (!token) throw new LeaseBusyError(key);
      try {
        return await work();
      } finally {
        await Lease.deleteOne({ _id: key, token });
      }
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
