import type { ConnectOptions } from 'mongoose';

/**
 * Options for every connection to the database. FerretDB v1 on PostgreSQL keeps 50 connections to PostgreSQL and
 * deadlocks when more requests than that wait while it creates a collection (each holds a connection and waits for
 * the metadata lock that the creator holds while it waits for a connection). Twenty connections from a process keep
 * well under that; MongoDB does not mind.
 */
export function connectOptions(extra: ConnectOptions = {}): ConnectOptions {
  return { maxPoolSize: 20, ...extra };
}
