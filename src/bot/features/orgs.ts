import { Composer } from 'grammy';
import type { User } from '../../domain/people/people.types';
import type { Services } from '../../domain/services';
import type { Organization } from '../../domain/territory/territory.types';
import type { BotContext } from '../context';
import { chunkLines } from '../format';
import { allow } from '../middlewares/access';

const MAX_LISTED = 200;

/** The organizations a coordinator answers for (all of them for the operator). */
export async function organizationsVisibleTo(services: Services, user: User): Promise<Organization[]> {
  if (user.isAdmin) return services.territory.listOrganizations();
  if (user.role === 'coordinator' && user.scope) return services.territory.organizationsIn(user.scope);
  return [];
}

/** /orgs: each organization of the coordinator's territory and whether its head has registered yet. */
export function orgsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('orgs', allow('orgs'), async (ctx) => {
    const orgs = await organizationsVisibleTo(ctx.services, ctx.user!);
    if (orgs.length === 0) {
      await ctx.reply(ctx.t('orgs.empty'));
      return;
    }
    const listed = orgs.slice(0, MAX_LISTED);
    const heads = await ctx.services.people.headsByOrganization(listed.map((o) => o.id));
    const lines = [ctx.t('orgs.header', { count: orgs.length })];
    listed.forEach((org, i) => {
      const names = (heads.get(org.id) ?? []).map((h) => h.fullName).filter(Boolean);
      const status = names.length > 0 ? ctx.t('orgs.head_registered', { name: names.join(', ') }) : ctx.t('orgs.no_head');
      lines.push(ctx.t('orgs.line', { index: i + 1, name: org.shortName, status }));
    });
    if (orgs.length > listed.length) lines.push(ctx.t('orgs.more', { count: orgs.length - listed.length }));
    for (const chunk of chunkLines(lines)) await ctx.reply(chunk);
  });
  return feature;
}
