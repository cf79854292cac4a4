import { Workspace } from '../auth/workspace.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { SignInSettings } from '../auth/sign-in-settings.entity.js';
import { CredentialRevision } from '../auth/credential-revision.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { Role, RoleEntitlement, RoleMember } from '../governance/role.entity.js';
import { UserAccount, EntitlementAssignment } from '../governance/user-account.entity.js';
import { IdentityProfile } from '../profiles/identity-profile.entity.js';
import { EnrollmentAutomation } from '../enrollment/enrollment-automation.entity.js';
import { ScimUser, ScimUserEmail, ScimUserRole } from '../scim/scim-user.entity.js';
import { ReconciliationBatch } from '../reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../reconciliation/reconciliation-event.entity.js';
import { ReconciliationMark } from '../reconciliation/reconciliation-mark.entity.js';
import { ApprovalGroup, ApprovalGroupMember } from '../requests/approval-group.entity.js';
import { Cart } from '../requests/cart.entity.js';
import { AccessRequest } from '../requests/access-request.entity.js';
import { Task } from '../requests/task.entity.js';
import { HistoryEntry } from '../requests/history-entry.entity.js';
import { Attachment, TaskComment } from '../requests/task-comment.entity.js';
import { Certification } from '../certifications/certification.entity.js';
import { CertificationCampaign } from '../certifications/certification-campaign.entity.js';
import { CertificationTask } from '../certifications/certification-task.entity.js';
import { ReviewItem } from '../certifications/review-item.entity.js';
import { Job } from '../jobs/job.entity.js';

/** Every entity, listed once: the ORM config, migrations and tests all take this list. */
export const entities = [
  Workspace,
  ApiKey,
  SignInSettings,
  CredentialRevision,
  AuditEvent,
  User,
  TargetSystem,
  Entitlement,
  Role,
  RoleEntitlement,
  RoleMember,
  UserAccount,
  EntitlementAssignment,
  IdentityProfile,
  EnrollmentAutomation,
  ScimUser,
  ScimUserEmail,
  ScimUserRole,
  ReconciliationBatch,
  ReconciliationEvent,
  ReconciliationMark,
  ApprovalGroup,
  ApprovalGroupMember,
  Cart,
  AccessRequest,
  Task,
  HistoryEntry,
  Attachment,
  TaskComment,
  Certification,
  CertificationCampaign,
  CertificationTask,
  ReviewItem,
  Job,
];
