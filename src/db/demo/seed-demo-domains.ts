import type { MikroORM } from '@mikro-orm/core';
import { Context } from '../../context.js';
import type { Config } from '../../config.js';
import { Authority } from '../../auth/authorities.js';

const ZACHARY = '63aec79893ccdf675cc4d124';
const ADP = '63aed43793ccdf675cc58246';
const STEVE = '63aec79193ccdf675cc4cbbb';
const ENTRA_ID = '64ad77dafdfcc6b382aeaceb';

/**
 * The other domains of the demo, created through their own services (so every rule, link and
 * audit entry is the real one) from the seed documents' sample bodies, with demo ids: the
 * SailPoint identity profile (seed 003), SCIM users for two demo people with their roles
 * (seed 004), and the Seam enrollment automation (seeds 000/001).
 */
export async function seedDemoDomains(orm: MikroORM, workspaceId: string, config: Config): Promise<void> {
  const ctx = new Context('demo-seed', { apiKeyId: 'demo-seed', apiKeyName: 'demo seed', workspaceId, authorities: [Authority.ORG_ADMIN], person: null }, orm.em.fork(), config);
  await ctx.profiles.create({
    name: 'HR Employees',
    description: 'Everyone with an ADP account: the HR system is the authoritative source of identities',
    owner: { type: 'IDENTITY', id: ZACHARY },
    priority: 10,
    authoritativeSource: { type: 'SOURCE', id: ADP },
    identityRefreshRequired: true,
    identityAttributeConfig: {
      enabled: true,
      attributeTransforms: [
        { identityAttributeName: 'email', transformDefinition: { type: 'accountAttribute', attributes: { attributeName: 'e-mail', sourceName: 'ADP', sourceId: ADP } } },
      ],
    },
    identityExceptionReportReference: { taskResultId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', reportName: 'Identity exceptions (ADP)' },
    hasTimeBasedAttr: true,
  });
  for (const [login, given, family] of [
    ['jerome', 'Jerome', 'Fern'],
    ['aaron', 'Aaron', 'King'],
  ]) {
    await ctx.scim.createUser({
      userName: login,
      active: true,
      name: { givenName: given, familyName: family, formatted: `${given} ${family}` },
      emails: [{ primary: true, type: 'work', value: `${login}@iamsath.com` }],
      roles: ['All Employees'],
      groups: [{ display: 'All Employees' }],
      userType: 'USER',
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    });
  }
  await ctx.enrollment.launch({
    userIdentityId: STEVE,
    credentialManagerAcsSystemId: ENTRA_ID,
    acsCredentialPoolId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    createCredentialManagerUser: true,
  });
}
