import { Schema, type Connection, type Model } from 'mongoose';

interface SettingDoc {
  _id: string;
  value: string;
  updatedAt: Date;
}

const settingSchema = new Schema<SettingDoc>({ _id: String, value: String, updatedAt: Date }, { collection: 'settings', versionKey: false });

/** Small facts the processes share, such as the bot's username that the operator's CLI puts into invite links. */
export function createSettingsRepository(conn: Connection) {
  const Setting = (conn.models.Setting as Model<SettingDoc>) ?? conn.model<SettingDoc>('Setting', settingSchema);
  return {
    async get(key: string): Promise<string | null> {
      return (await Setting.findById(key).lean<SettingDoc>())?.value ?? null;
    },
    async set(key: string, value: string): Promise<void> {
      await Setting.updateOne({ _id: key }, { $set: { value, updatedAt: new Date() } }, { upsert: true });
    },
  };
}

export const BOT_USERNAME_SETTING = 'bot.username';
