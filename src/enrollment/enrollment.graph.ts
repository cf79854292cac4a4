import { defineEdges, defineNodeType } from '../graph/registry.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { User } from '../governance/user.entity.js';
import { EnrollmentAutomation } from './enrollment-automation.entity.js';

/** Enrollment automations' part of the graph (see src/graph/README.md). */
defineNodeType({ domain: 'enrollment', name: 'EnrollmentAutomation', gqlType: () => EnrollmentAutomation, entity: EnrollmentAutomation, read: 'enrollment:read' });

defineEdges('enrollment', 'EnrollmentAutomation', () => EnrollmentAutomation, [
  { field: 'userIdentity', of: 'User', sql: { kind: 'ref', column: 'user_identity_id' }, description: 'The user identity (person) the automation enrolls.' },
  {
    field: 'credentialManager',
    of: 'TargetSystem',
    sql: { kind: 'ref', column: 'credential_manager_id' },
    description: 'The ACS system (application) that serves as the credential manager.',
  },
  {
    field: 'credentialManagerAcsUser',
    of: 'UserAccount',
    sql: { kind: 'ref', column: 'credential_manager_acs_user_id' },
    description: "The associated ACS user within the credential manager: the person's account on it.",
  },
]);

defineEdges('enrollment', 'User', () => User, [
  {
    field: 'enrollmentAutomations',
    of: 'EnrollmentAutomation',
    max: 100,
    description: 'Enrollment automations of this person (as a Seam user identity), running or stopped, oldest first (at most 100).',
    load: (u: Row<User>, _: unknown, ctx: Context) => ctx.enrollmentLoaders.automationsOfUser.load(u.id),
  },
]);
