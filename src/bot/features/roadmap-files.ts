import { Composer } from 'grammy';
import { coordinatorTerritoryOf } from '../../domain/people/access';
import { MAX_ROADMAP_BYTES, readRoadmapDocument, type RoadmapDocument } from '../../domain/roadmap/roadmap-file';
import type { BotContext } from '../context';
import { downloadSent } from '../download';
import { ROADMAP_IMPORT, type RoadmapImportArgs } from '../conversations/roadmap-import';
import { partyToday } from './tasks';

const REGISTER_HEADERS = /^(фио|код|категория) (наставника|наставляемого)/i;

/** The register's own template, recognised by its column headers. */
function isRegisterFile(document: RoadmapDocument): boolean {
  return document.tables.some((t) => t.rows.slice(0, 3).some((row) => row.filter((cell) => REGISTER_HEADERS.test(cell.trim())).length >= 2));
}

/**
 * A coordinator sends their roadmap as a file (DOCX, XLSX or tab-separated text): it is read here and the import
 * dialogue takes it from there. Anyone else's documents go on to the register's file handler.
 */
export function roadmapFilesFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('message:document', async (ctx, next) => {
    const owner = coordinatorTerritoryOf(ctx.user);
    if (!owner) return next();
    const document = ctx.message.document;
    const fileName = document.file_name ?? 'file';
    if ((document.file_size ?? 0) > MAX_ROADMAP_BYTES) {
      await ctx.reply(ctx.t('roadmap.file.too_large', { max: MAX_ROADMAP_BYTES / 1024 / 1024 }));
      return;
    }
    await ctx.replyWithChatAction('typing');
    const data = await downloadSent(ctx, document.file_id, 'roadmap file');
    if (!data) return;
    const read = await readRoadmapDocument(fileName, data);
    if (!read.ok) {
      await ctx.reply(ctx.t(`roadmap.file.${read.error.code}`, { max: MAX_ROADMAP_BYTES / 1024 / 1024 }));
      return;
    }
    // A register file (the template of the schools) sent by a coordinator is not a roadmap.
    if (isRegisterFile(read.document)) {
      await ctx.reply(ctx.t('register_files.upload.coordinator'));
      return;
    }
    const args: RoadmapImportArgs = { language: ctx.language, owner, fileName, document: read.document, today: await partyToday(ctx) };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(ROADMAP_IMPORT, args);
  });
  // A photo of a roadmap cannot be read as a table.
  feature.on('message:photo', async (ctx, next) => {
    if (ctx.user?.role !== 'coordinator') return next();
    await ctx.reply(ctx.t('roadmap.file.photo'));
  });
  return feature;
}
