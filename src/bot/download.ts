import type { BotContext } from './context';

/**
 * Downloads a file the person sent (from Telegram, or BOT_API_ROOT, or memory in tests). On failure the person is
 * told to send it again and null comes back; the reason goes to the log.
 */
export async function downloadSent(ctx: BotContext, fileId: string, what: string): Promise<Buffer | null> {
  try {
    const file = await ctx.api.getFile(fileId);
    if (!file.file_path) throw new Error('getFile returned no file_path');
    return await ctx.deps.fetchFile(file.file_path);
  } catch (err) {
    ctx.logger.warn({ err, userId: ctx.from?.id }, `${what} could not be downloaded`);
    await ctx.reply(ctx.t('register_files.upload.download_failed'));
    return null;
  }
}
