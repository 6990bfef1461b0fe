import { Api } from 'grammy';
import { startEmulator, type Emulator } from '../../src/sandbox/emulator';

const TOKEN = '424243:EMULATOR-files-test-token-abcdef';

describe('Bot API emulator: a person sends a file', () => {
  let tg: Emulator;
  const alice = { id: 7101, first_name: 'Алиса', language_code: 'ru' };

  beforeEach(async () => {
    tg = await startEmulator({ port: 0, token: TOKEN, botUsername: 'cmn_files_bot' });
  });
  afterEach(async () => tg.close());

  it('when a person attaches a file, then the bot gets a document update and downloads the bytes as from Telegram', async () => {
    const data = Buffer.from('ФИО наставника;Категория наставника\r\nПетрова Анна;педагог\r\n');
    const sent = tg.sendDocument(alice, 'реестр.csv', data);
    const api = new Api(TOKEN, { apiRoot: tg.url });
    const [update] = await api.getUpdates({ timeout: 1 });
    expect(update!.message).toMatchObject({
      message_id: sent.message_id,
      chat: { id: alice.id, type: 'private' },
      document: { file_name: 'реестр.csv', file_size: data.length },
    });
    const file = await api.getFile(update!.message!.document!.file_id);
    expect(file.file_size).toBe(data.length);
    const res = await fetch(`${tg.url}/file/bot${TOKEN}/${file.file_path}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data);
    // The file is served to the bot's token only.
    expect((await fetch(`${tg.url}/file/bot424243:wrong-token/${file.file_path}`)).status).toBe(401);
  });
});
