import { Composer } from 'grammy';
import { actorsOf } from '../../domain/people/access';
import type { BotContext } from '../context';

/** /help answers by role: a guest learns how to get an invite, a coordinator sees their commands. */
export function helpFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('help', async (ctx) => {
    const actors = actorsOf(ctx.user);
    const parts: string[] = [];
    if (actors.includes('coordinator')) parts.push(ctx.t('help.coordinator'));
    if (actors.includes('head')) parts.push(ctx.t('help.head'));
    if (actors.includes('curator')) parts.push(ctx.t('help.curator'));
    if (actors.includes('admin')) parts.push(ctx.t('help.admin'));
    if (parts.length === 0) parts.push(ctx.t('help.guest'));
    await ctx.reply(parts.join('\n\n'));
  });
  return feature;
}
