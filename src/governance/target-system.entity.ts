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
  @Column({ type: 'string' }) name!: string;
  @Column({ type: 'string', description: 'Display name of the application.' }) displayName!: string;
  @Column({ type: 'text', nullable: true }) description?: string | null;
  @Column({ type: 'string', description: '`Connected` (provisioned by a connector) or `Disconnected` (fulfilled by a person).' }) integrationLevel: string & Opt = 'Disconnected';
  @Column({ type: 'boolean' }) trustedReconciliation: boolean & Opt = false;
  @Column({
    type: 'json',
    nullable: true,
    description: 'Account form: one entry per attribute (name, dataType, isRequired, matchingAttribute, syncDirection, isReconKey, isAccountName, isMultiValue).',
  })
  form?: unknown;
  @Column({ type: 'json', nullable: true, description: 'Reconciliation schedule, e.g. `{"repeat":"Do not repeat"}`.' }) schedule?: unknown;
  @Column({ type: 'string', nullable: true }) logoURL?: string | null;
  @Column({ type: 'string', nullable: true }) applicationURL?: string | null;
  @Column({ type: 'string', nullable: true }) authenticationType?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the business owner.' }) businessOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the IT owner (seed: `ITOwner`).' }) itOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Who fulfils requests on a Disconnected system (e.g. `Manual Fulfiller`).' }) performer?: string | null;
  @Column({ type: 'string', nullable: true }) approver1?: string | null;
  @Column({ type: 'string', nullable: true }) approver2?: string | null;
  @Column({ type: 'string', nullable: true }) approver3?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Workflow that approves requests for this application.' }) approvalWorkflow?: string | null;
  @Column({ type: 'string', nullable: true }) approvalWorkflowDisplayName?: string | null;
  @Column({ type: 'string', nullable: true, description: '`low`, `medium` or `high`.' }) riskLevel?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Comma-separated catalog tags (e.g. `All Employees, HR`).' }) searchTags?: string | null;
  @Column({ type: 'boolean' }) isRequestable: boolean & Opt = true;
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
  @Column({ type: 'boolean', nullable: true }) isCertifiable?: boolean | null;
  @Column({ type: 'boolean' }) disabled: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Retired applications cannot be enabled or requested again.' }) retired: boolean & Opt = false;
  @Column({ type: 'string', nullable: true }) workflowRequestFormId?: string | null;
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
  @Column({ type: 'boolean', nullable: true }) staleCheckEnabled?: boolean | null;
  @Column({ type: 'integer', nullable: true }) staleDays?: number | null;
  @Column({ type: 'datetime' }) createdOn: Date & Opt = new Date();
  @Column({ type: 'datetime', nullable: true }) updatedOn?: Date | null;

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
