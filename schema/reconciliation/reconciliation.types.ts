import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { ReconciliationBatch } from '../../src/reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../../src/reconciliation/reconciliation-event.entity.js';
import {
  ConnectorType,
  ReconciliationEntityType,
  ReconciliationEventStatus,
  ReconciliationOperation,
  ReconciliationResourceType,
} from '../../src/reconciliation/reconciliation.enums.js';

export const ReconciliationBatchConnection = Connection(ReconciliationBatch, 'ReconciliationBatch');
export const ReconciliationEventConnection = Connection(ReconciliationEvent, 'ReconciliationEvent');

@InputType({ description: "An application's connector: DISCONNECTED, or SCIM with a base URL and a bearer token." })
export class ConnectorInput {
  @Field(() => ConnectorType, { description: 'How the gateway reaches the application: DISCONNECTED or SCIM.' })
  type!: ConnectorType;

  @Field(() => String, { nullable: true, description: 'SCIM only: base URL of the SCIM 2.0 service (https; http only for localhost), e.g. `https://scim.example.com/scim/v2`.' })
  baseUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'SCIM only: the bearer token the gateway sends. Stored encrypted, never returned, sent only to the baseUrl it was given with. Omit it to keep the stored token while the type and baseUrl stay the same; a new baseUrl needs its token.',
  })
  token?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the application is a source of truth: reconciliation may create and change people from it (seed: `trustedReconciliation`). Unchanged when omitted.',
  })
  trustedReconciliation?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the application is a credential manager ACS system for enrollment automations (Seam: `credential_manager_acs_system_id`). Unchanged when omitted.',
  })
  isCredentialManager?: boolean | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The reconciliation schedule (seed: `schedule` / `reconciliationSchedule`), e.g. `{"repeat":"Do not repeat"}`; needs `repeat`. Unchanged when omitted.',
  })
  schedule?: Record<string, unknown> | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Safety threshold in percent (0–100): a reconciliation that would deprovision more of the active accounts stops first. Omitted: unchanged (20 for a new application).',
  })
  safetyThresholdPercent?: number | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'How PROVISION writes people into the target: gateway field → SCIM attribute (a string), null (not sent), or `{"attribute": …, "values": {gateway value: target value}}`, e.g. `{"userType": {"attribute": "userType", "values": {"Employee": "USER"}}}`. Replaces the stored overrides; fields not named keep their defaults; `{}` restores all defaults. Unchanged when omitted.',
  })
  attributeMapping?: Record<string, unknown> | null;
}

@ArgsType()
export class ReconcileTargetSystemArgs {
  @Field(() => ID, {
    description:
      'entityID of the application for which you want to run the re-conciliation. You can filter the appropriate entity using the entityID and you can search for the same using the search catalog endpoint.',
  })
  id!: string;

  @Field(() => ReconciliationOperation, {
    description:
      'If you want to reconcile your data from the target system, then this should be reconcile and if you want to provision accounts then you need to enter provision here.',
  })
  operation!: ReconciliationOperation;

  @Field(() => ReconciliationEntityType, {
    description: 'Entity type can be either accounts or entitlements depending on whether you are reconciling accounts or entitlements for the recon operation.',
  })
  entityType!: ReconciliationEntityType;

  @Field(() => String, {
    nullable: true,
    description:
      'This will update IDHub if any mismatch is found. `updateOnMismatch`: differences found on existing accounts and entitlements (changed attributes, accounts missing in the target, groups gone) are written to the gateway. Any other value, or none: they are only reported as events. New accounts and new entitlements are added either way.',
  })
  condition?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Compute the events without changing the gateway or the target (seed: `dryRun`).' })
  dryRun?: boolean | null;
}

@ArgsType()
export class ReconciliationBatchesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only the runs of this application.' })
  targetSystemId?: string | null;
}

@ArgsType()
export class ReconciliationEventsArgs extends PageArgs {
  @Field(() => ID, { description: 'This is the Recon Batch ID.' })
  batchId!: string;

  @Field(() => ReconciliationResourceType, { nullable: true, description: 'This is the resourceType for the recon events (e.g. USER).' })
  resourceType?: ReconciliationResourceType | null;

  @Field(() => ReconciliationEventStatus, { nullable: true, description: 'Only events with this status.' })
  status?: ReconciliationEventStatus | null;
}

@ObjectType({ description: 'How many events of one status a run produced.' })
export class ReconciliationCount {
  @Field(() => ReconciliationEventStatus, { description: 'The event status counted.' }) status!: ReconciliationEventStatus;
  @Field(() => Int, { description: 'Number of events with this status.' }) count!: number;
}
