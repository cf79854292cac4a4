import { Entity, Index, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { ConnectorType } from '../reconciliation/reconciliation.enums.js';

/** An application (IDHub `TargetSystem`): where accounts and entitlements live. */
@ObjectType({ implements: Node, description: 'An application (target system) that holds accounts and entitlements.' })
@Entity({ tableName: 'target_system' })
@Unique({ properties: ['workspace', 'name'] })
@Index({ properties: ['workspace', 'displayName'] })
@Unique({ properties: ['workspace', 'acsSystemId'] })
export class TargetSystem extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Name of the application, unique in the workspace.' }) name!: string;
  @Column({ type: 'string', description: 'Display name of the application.' }) displayName!: string;
  @Column({ type: 'text', nullable: true, description: 'What the application is, in free text.' }) description?: string | null;
  @Column({ type: 'string', description: '`Connected` (provisioned by a connector) or `Disconnected` (fulfilled by a person).' }) integrationLevel: string & Opt = 'Disconnected';
  @Column({
    type: 'boolean',
    description: "Whether the application is a trusted (authoritative) source in the seed's sense (seed: `trustedReconciliation`); stored and returned as set.",
  })
  trustedReconciliation: boolean & Opt = false;
  @Column({
    type: 'json',
    nullable: true,
    description: 'Account form: one entry per attribute (name, dataType, isRequired, matchingAttribute, syncDirection, isReconKey, isAccountName, isMultiValue).',
  })
  form?: unknown;
  @Column({ type: 'json', nullable: true, description: 'Reconciliation schedule, e.g. `{"repeat":"Do not repeat"}`.' }) schedule?: unknown;
  @Column({ type: 'string', nullable: true, description: "URL of the application's logo." }) logoURL?: string | null;
  @Column({ type: 'string', nullable: true, description: 'URL where people use the application.' }) applicationURL?: string | null;
  @Column({ type: 'string', nullable: true, description: 'How people sign in to the application, e.g. `OAuth2 Authentication`.' }) authenticationType?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the business owner (seed: `businessOwner`).' }) businessOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the IT owner (seed: `ITOwner`).' }) itOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Who fulfils requests on a Disconnected system (e.g. `Manual Fulfiller`).' }) performer?: string | null;
  @Column({ type: 'string', nullable: true, description: 'First approval step: the name of an approval group (seed: `approver1`).' }) approver1?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Second approval step: the name of an approval group (seed: `approver2`).' }) approver2?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Third approval step: the name of an approval group (seed: `approver3`).' }) approver3?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Workflow that approves requests for this application.' }) approvalWorkflow?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Display name of the approval workflow (seed: `approvalWorkflowDisplayName`).' }) approvalWorkflowDisplayName?:
    | string
    | null;
  @Column({ type: 'string', nullable: true, description: '`low`, `medium` or `high`.' }) riskLevel?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Comma-separated catalog tags (e.g. `All Employees, HR`).' }) searchTags?: string | null;
  @Column({ type: 'boolean', description: 'Whether people may request an account through the cart.' }) isRequestable: boolean & Opt = true;
  @Column({
    type: 'boolean',
    description:
      'Whether this application is an access system that serves as a credential manager (Seam: the credential manager ACS system of an enrollment automation); its accounts are the credential manager ACS users.',
  })
  isCredentialManager: boolean & Opt = false;
  @Column({
    type: 'string',
    nullable: true,
    length: 36,
    description: 'The application as a Seam ACS system (seed 000/001: `credential_manager_acs_system_id`, a uuid); launchEnrollmentAutomation takes it beside `id`.',
  })
  acsSystemId?: string | null;
  @Column({ type: 'boolean', nullable: true, description: 'Whether accounts on the application may be reviewed in certifications (seed: `isCertifiable`).' }) isCertifiable?:
    | boolean
    | null;
  @Column({ type: 'boolean', description: 'Whether the application is disabled (not requestable).' }) disabled: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Retired applications cannot be enabled or requested again.' }) retired: boolean & Opt = false;
  @Column({ type: 'string', nullable: true, description: 'Id of the form a requester fills in for this application (seed: `workflowRequestFormId`).' }) workflowRequestFormId?:
    | string
    | null;
  @Column({ type: 'string', nullable: true, description: 'Id of the form a requester fills in when requesting this application (seed: `requestFormId`).' }) requestFormId?:
    | string
    | null;
  @Column({ type: 'string', nullable: true, description: 'Name of that request form (seed: `requestFormName`, e.g. `Buffer Form`).' }) requestFormName?: string | null;
  @Column({ type: 'boolean', nullable: true, description: 'Whether the account form is the default attribute set of the connector (seed: `isDefaultAttr`).' }) isDefaultAttr?:
    | boolean
    | null;
  @Column({
    type: 'json',
    nullable: true,
    description: 'The entitlement changes of the last edit of the application (seed: `entitlementChanges`): `{ "add": …, "update": …, "delete": … }`.',
  })
  entitlementChanges?: unknown;
  @Column({ type: 'boolean', nullable: true, description: 'Whether the stale-account check is on for the application (seed: `staleCheckEnabled`).' }) staleCheckEnabled?:
    | boolean
    | null;
  @Column({ type: 'integer', nullable: true, description: 'Days after which an account counts as stale when the check is on (seed: `staleDays`).' }) staleDays?: number | null;
  @Column({ type: 'datetime', description: 'When the application was added to the catalog.' }) createdOn: Date & Opt = new Date();
  @Column({ type: 'datetime', nullable: true, description: 'When the application last changed.' }) updatedOn?: Date | null;

  @Field(() => ConnectorType, { description: 'The connector reconciliation reads the application through: DISCONNECTED (none) or SCIM (a SCIM 2.0 service).' })
  @Property({ type: 'string', length: 16 })
  connectorType: ConnectorType & Opt = ConnectorType.DISCONNECTED;

  @Column({ type: 'string', nullable: true, description: 'Base URL of the SCIM 2.0 service (e.g. `https://scim.example.com/scim/v2`); `/Users` and `/Groups` are under it.' })
  connectorBaseUrl?: string | null;

  /**
   * The connector's bearer token, sealed (AES-256-GCM, src/common/secrets.ts; bound to this row):
   * opened only to call the connector's own base URL, never shown through GraphQL.
   */
  @Column({ type: 'text', nullable: true, graphql: false })
  connectorToken?: string | null;

  @Column({
    type: 'integer',
    default: 20,
    description:
      "Safety threshold of reconciliation: a run with `updateOnMismatch` that would deprovision more than this percentage of the application's active accounts stops before deprovisioning any.",
  })
  reconSafetyThresholdPercent: number & Opt = 20;

  @Column({
    type: 'json',
    nullable: true,
    description:
      "The connector's attribute mapping overrides (configureConnector `attributeMapping`): gateway field → SCIM attribute, or `{attribute, values}`; fields not named keep the defaults (see README, Reconciliation).",
  })
  connectorAttributeMapping?: unknown;
}
