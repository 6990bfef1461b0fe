/**
 * A small in-process cache with a time limit, for records read on every update and changed rarely. What this
 * process writes it invalidates at once; a change made by another process shows within the time limit.
 */
export function createTtlCache<K, V>(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
  const now = options.now ?? (() => performance.now());
  const entries = new Map<K, { value: V; expires: number }>();
  return {
    async get(key: K, load: () => Promise<V>): Promise<V> {
      if (options.ttlMs <= 0) return load();
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value;
      const value = await load();
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as K);
      entries.set(key, { value, expires: now() + options.ttlMs });
      return value;
    },
    delete(key: K): void {
      entries.delete(key);
    },
    clear(): void {
      entries.clear();
    },
  };
}
