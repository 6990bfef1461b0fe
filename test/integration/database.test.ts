import { randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { MONGODB_TEST_URI } from '../helpers/services';

/**
 * What the issue asks to prove first: mongoose against the MongoDB-compatible server used here (FerretDB), for
 * each operation the repositories rely on. If one of these breaks after an upgrade, the repositories break too.
 */
describe('mongoose on the MongoDB-compatible server', () => {
  const conn = mongoose.createConnection(`${MONGODB_TEST_URI}/proof_${randomBytes(4).toString('hex')}`);
  const Thing = conn.model(
    'Thing',
    new Schema({ code: { type: String, unique: true }, group: String, n: Number }, { collection: 'things' }),
  );

  beforeAll(async () => {
    await conn.asPromise();
    await Thing.syncIndexes();
  });
  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('creates a unique index that rejects a duplicate with E11000', async () => {
    const indexes = await Thing.collection.indexes();
    expect(indexes.find((i) => i.name === 'code_1')).toMatchObject({ unique: true });
    await Thing.create({ code: 'a', group: 'x', n: 1 });
    await expect(Thing.create({ code: 'a', group: 'y', n: 2 })).rejects.toMatchObject({ code: 11000 });
  });

  it('upserts: inserts once, then updates the same document', async () => {
    const first = await Thing.updateOne({ code: 'u' }, { $set: { group: 'x' }, $inc: { n: 1 } }, { upsert: true });
    const second = await Thing.updateOne({ code: 'u' }, { $set: { group: 'x' }, $inc: { n: 1 } }, { upsert: true });
    expect(first.upsertedCount).toBe(1);
    expect(second.upsertedCount).toBe(0);
    expect(await Thing.countDocuments({ code: 'u' })).toBe(1);
    expect((await Thing.findOne({ code: 'u' }).lean())?.n).toBe(2);
  });

  it('findOneAndUpdate matches on a condition and returns the updated document (no projection)', async () => {
    await Thing.create({ code: 'f', group: 'y', n: 5 });
    const updated = await Thing.findOneAndUpdate({ code: 'f', n: 5 }, { $set: { group: 'z' } }, { returnDocument: 'after' }).lean();
    expect(updated).toMatchObject({ code: 'f', group: 'z', n: 5 });
    const missed = await Thing.findOneAndUpdate({ code: 'f', n: 99 }, { $set: { group: 'q' } }, { returnDocument: 'after' }).lean();
    expect(missed).toBeNull();
  });

  it('aggregates with $match/$group/$sort', async () => {
    await Thing.insertMany([
      { code: 'g1', group: 'm', n: 2 },
      { code: 'g2', group: 'm', n: 3 },
      { code: 'g3', group: 'k', n: 10 },
    ]);
    const totals = await Thing.aggregate([
      { $match: { code: { $in: ['g1', 'g2', 'g3'] } } },
      { $group: { _id: '$group', total: { $sum: '$n' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(totals).toEqual([
      { _id: 'k', total: 10 },
      { _id: 'm', total: 5 },
    ]);
    const counts = await Thing.aggregate([
      { $match: { code: { $in: ['g1', 'g2', 'g3'] } } },
      { $group: { _id: '$group', count: { $count: {} } } },
      { $sort: { _id: 1 } },
    ]);
    expect(counts).toEqual([
      { _id: 'k', count: 1 },
      { _id: 'm', count: 2 },
    ]);
  });
});
