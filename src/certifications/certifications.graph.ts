import { defineEdges, defineNodeType } from '../graph/registry.js';
import { PageArgs, pageRequest } from '../common/pagination.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { Certification, type SelectedResource } from './certification.entity.js';
import { CertificationCampaign } from './certification-campaign.entity.js';
import { CertificationTask } from './certification-task.entity.js';
import { ReviewItem } from './review-item.entity.js';
import { ResourceCollection } from './certification.enums.js';
import { CertificationImpact, CertificationTaskConnection, ReviewItemConnection } from '../../schema/certifications/certification.types.js';

/** Certifications' part of the graph (see src/graph/README.md). */
for (const [name, entity] of [
  ['Certification', Certification],
  ['CertificationCampaign', CertificationCampaign],
  ['CertificationTask', CertificationTask],
  ['ReviewItem', ReviewItem],
] as const) {
  defineNodeType({ domain: 'certifications', name, gqlType: () => entity, entity, read: 'certifications:read' });
}

const resource = (ctx: Context, r: SelectedResource) => {
  const l = ctx.loaders;
  return { [ResourceCollection.ROLE]: l.role, [ResourceCollection.ENTITLEMENT]: l.entitlement, [ResourceCollection.TARGET_SYSTEM]: l.targetSystem }[r.collection].get(r.id);
};
const page = (args: PageArgs, ctx: Context) => pageRequest(args, ctx.config);

defineEdges('certifications', 'Certification', () => Certification, [
  {
    field: 'workflowUser',
    of: 'User',
    sql: { kind: 'ref', column: 'approver', key: 'login' },
    description: 'The person who approves the certification when approverType is USER (seed: `workflowUser`).',
  },
  {
    field: 'certifyUser',
    of: 'User',
    sql: { kind: 'ref', column: 'certifier', key: 'login' },
    description: 'The person who certifies when certifierType is USER (seed: `certifyUser`).',
  },
  {
    field: 'createdByUser',
    of: 'User',
    sql: { kind: 'ref', column: 'created_by', key: 'login' },
    description: 'The person who created the definition (seed: `createdBy`, there a login); null when a service key created it.',
  },
]);

defineEdges('certifications', 'CertificationImpact', () => CertificationImpact, [
  {
    field: 'userList',
    of: 'User',
    max: 10000,
    weight: 1,
    description: 'The users whose access is reviewed (at most 10,000).',
    load: async (impact: CertificationImpact, _: unknown, ctx: Context) => (await Promise.all(impact.userIds.map((id) => ctx.loaders.user.get(id)))).filter(Boolean),
  },
  {
    field: 'resourceList',
    of: 'CatalogItem',
    max: 10000,
    description: 'The roles, entitlements and applications reviewed (at most 10,000).',
    load: async (impact: CertificationImpact, _: unknown, ctx: Context) => (await Promise.all(impact.resources.map((r) => resource(ctx, r)))).filter(Boolean),
  },
]);

defineEdges('certifications', 'CertificationCampaign', () => CertificationCampaign, [
  { field: 'certification', of: 'Certification', sql: { kind: 'ref', column: 'certification_id' }, description: 'The certification this is a run of.' },
  {
    field: 'tasks',
    of: 'CertificationTask',
    connection: () => CertificationTaskConnection,
    args: () => PageArgs,
    description: 'One task per certifier, by certifier login.',
    load: (c: Row<CertificationCampaign>, args: PageArgs, ctx: Context) => ctx.certificationLoaders.tasksOfCampaign.load(c.id, page(args, ctx)),
  },
  {
    field: 'items',
    of: 'ReviewItem',
    connection: () => ReviewItemConnection,
    args: () => PageArgs,
    description: 'Review items in creation order (reviewItems filters them).',
    load: (c: Row<CertificationCampaign>, args: PageArgs, ctx: Context) => ctx.certificationLoaders.itemsOf('campaign').load(c.id, page(args, ctx)),
  },
]);

defineEdges('certifications', 'CertificationTask', () => CertificationTask, [
  { field: 'campaign', of: 'CertificationCampaign', sql: { kind: 'ref', column: 'campaign_id' }, description: 'The campaign of the task.' },
  { field: 'certifier', of: 'User', sql: { kind: 'ref', column: 'certifier_login', key: 'login' }, description: 'The person who decides the items.' },
  {
    field: 'items',
    of: 'ReviewItem',
    connection: () => ReviewItemConnection,
    args: () => PageArgs,
    description: 'The review items of the task.',
    load: (t: Row<CertificationTask>, args: PageArgs, ctx: Context) => ctx.certificationLoaders.itemsOf('task').load(t.id, page(args, ctx)),
  },
]);

defineEdges('certifications', 'ReviewItem', () => ReviewItem, [
  { field: 'user', of: 'User', sql: { kind: 'ref', column: 'user_login', key: 'login' }, description: 'The user whose access is reviewed.' },
  { field: 'certifier', of: 'User', sql: { kind: 'ref', column: 'certifier_login', key: 'login' }, description: 'The certifier who decides the item.' },
  {
    field: 'resource',
    of: 'CatalogItem',
    needs: ['resource_id', 'resource_collection'],
    description: 'The role, entitlement or application (for an account).',
    load: (i: Row<ReviewItem>, _: unknown, ctx: Context) => resource(ctx, { id: i.resourceId, collection: i.resourceCollection }),
  },
  { field: 'revokeRequest', of: 'Request', sql: { kind: 'ref', column: 'revoke_request_id' }, description: 'The revoke request a REVOKE decision created.' },
  { field: 'campaign', of: 'CertificationCampaign', sql: { kind: 'ref', column: 'campaign_id' }, description: 'The campaign of the item.' },
  { field: 'task', of: 'CertificationTask', sql: { kind: 'ref', column: 'task_id' }, description: 'The certification task of the item.' },
]);
