import type { MikroORM } from '@mikro-orm/core';
import { Context } from '../../context.js';
import type { Config } from '../../config.js';
import { Authority } from '../../auth/authorities.js';
import { Workspace } from '../../auth/workspace.entity.js';
import { TargetSystem } from '../../governance/target-system.entity.js';
import { User } from '../../governance/user.entity.js';
import { ReconciliationBatch } from '../../reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../../reconciliation/reconciliation-event.entity.js';
import type {
  ReconciliationBatchStatus,
  ReconciliationEntityType,
  ReconciliationEventStatus,
  ReconciliationOperation,
  ReconciliationResourceType,
} from '../../reconciliation/reconciliation.enums.js';
import { RequestEntityType } from '../../requests/workflow.js';
import {
  AlternateCertifier,
  ApproverType,
  CertificationDurationType,
  CertificationStatus,
  CertificationType,
  CertifierType,
  ResourceCollection,
  UserCertificationBy,
} from '../../certifications/certification.enums.js';
import type { DemoReconciliationBatch } from './demo-data.types.js';
import { demoData } from './demo-data.js';

const ZACHARY = '63aec79893ccdf675cc4d124';
const ADP = '63aed43793ccdf675cc58246';
const STEVE = '63aec79193ccdf675cc4cbbb';
const ENTRA_ID = '64ad77dafdfcc6b382aeaceb';
const JEROME = '63aec79793ccdf675cc4d018';
const DOCUSIGN_STANDARD_USER = '63aee4dc93ccdf675cc63be7';
/** The request seed 002's "Fetch by ID" answers: Jerome Fern's onboarding of the role newtestr. */
export const SEED_REQUEST_ID = '6565b512425c8055c059d598';

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

  // Seed 002, Fetch by ID: the request keeps the seed's id; submitted as Jerome through the
  // onboarding flow, so its history and its approval task (Access Manager) are the real ones.
  const asJerome = new Context('demo-seed', { ...ctx.viewer, authorities: [Authority.REQUESTER], person: { id: JEROME, login: 'jerome' } }, orm.em.fork(), config);
  await asJerome.requests.submitOnboardingRequest(
    {
      entityType: RequestEntityType.ROLE,
      justification: 'submitting role',
      payload: {
        role: {
          IDM: 'IDE',
          applications: { name: 'Amazon Web Services' },
          approvalWorkflow: 'Auto Role Approval',
          approvalWorkflowDisplayName: 'Auto Role Approval',
          description: 'newtestr',
          displayName: 'newtestr',
          isCertifiable: true,
          isRequestable: true,
          name: 'newtestr',
          performer: 'jerome',
          reason: 'submitting role request',
          riskLevel: 'low',
          roleOwnerLogin: 'jerome',
          rule: '{"$and":[]}',
          ruleForm: '{"$and":[{"attribute":"","condition":"","value":"","options":[""]}]}',
          searchTags: 'searchtag',
          workflowRequestFormId: '888gjjghhj',
        },
      },
    },
    { id: SEED_REQUEST_ID },
  );

  // Seed 002, Certification Run: the seed runs a certification over Docusign Standard User (its
  // impactObject); the id it shows is a placeholder (ADP's), so this one gets its own.
  await ctx.certifications.createCertification({
    name: 'Docusign Standard User review',
    description: 'Who holds Docusign Standard User, certified by Zachary Graham (seed 002, Certification Run).',
    type: CertificationType.RESOURCE_ASSIGNMENT,
    approverType: ApproverType.USER,
    approver: 'jerome',
    workflowName: 'Certification',
    workflowDescription: 'Default Certification Workflow',
    status: CertificationStatus.ACTIVE,
    userCertificationBy: UserCertificationBy.QUERY,
    userQuery: '$and:[status:Active]',
    resources: [{ id: DOCUSIGN_STANDARD_USER, collection: ResourceCollection.ENTITLEMENT }],
    certifierType: CertifierType.USER,
    certifier: 'zachary',
    repeat: 'Do not repeat',
    commentsOnCertify: true,
    commentsOnRevoke: true,
    reassignment: true,
    alternateCertifier: AlternateCertifier.USER_MANAGER,
    certificationDurationType: CertificationDurationType.DAYS,
    certificationDuration: 15,
  });

  await seedReconciliationBatches(orm, workspaceId, demoData.reconciliationBatches ?? []);
}

/**
 * Past reconciliation runs are history, so they are written as the seed shows them (ids, dates,
 * before-images) rather than run again: EntraID is not reachable from the demo.
 */
async function seedReconciliationBatches(orm: MikroORM, workspaceId: string, batches: DemoReconciliationBatch[]): Promise<void> {
  const em = orm.em.fork();
  await em.transactional(async (tx) => {
    const workspace = await tx.findOneOrFail(Workspace, workspaceId);
    for (const { events, targetSystemId, ...b } of batches) {
      const system = await tx.findOneOrFail(TargetSystem, { id: targetSystemId, workspace: workspaceId });
      const counts: Record<string, number> = {};
      for (const e of events) counts[e.status] = (counts[e.status] ?? 0) + 1;
      const batch = tx.create(ReconciliationBatch, {
        id: b.id,
        workspace,
        targetSystem: system,
        targetSystemName: system.name,
        tenantName: workspace.name,
        operation: b.operation as ReconciliationOperation,
        entityType: b.entityType as ReconciliationEntityType,
        resourceType: b.resourceType,
        condition: b.condition ?? null,
        dryRun: b.dryRun,
        status: b.status as ReconciliationBatchStatus,
        startDate: new Date(b.startDate),
        endDate: new Date(b.endDate),
        eventCount: events.length,
        counts,
      });
      for (const { userLogin, createDate, lastModified, ...e } of events) {
        const user = userLogin ? await tx.findOneOrFail(User, { workspace: workspaceId, login: userLogin }) : null;
        tx.create(ReconciliationEvent, {
          ...e,
          workspace,
          batch,
          resourceType: e.resourceType as ReconciliationResourceType,
          status: e.status as ReconciliationEventStatus,
          userId: user?.id ?? null,
          createDate: new Date(createDate),
          lastModified: lastModified ? new Date(lastModified) : null,
        });
      }
    }
  });
}
