import type { EntityManager } from '@mikro-orm/core';
import { User } from '../governance/user.entity.js';
import { DomainError, notFound } from '../errors.js';
import { can, type Viewer } from './viewer.js';

/**
 * The rules that decide who acts, named in every refusal (`extensions.rule`), so a script writer
 * knows which one stopped them.
 */
export const ActorRule = {
  /** A personal credential (personal API key, sign-in token) acts as its own person, never as another. */
  PERSONAL_CREDENTIAL: 'PERSONAL_CREDENTIAL_ACTS_AS_ITS_PERSON',
  /** A service key takes person-level actions only with ACT_AS (`people:actAs`), naming the person. */
  ACT_AS_REQUIRED: 'SERVICE_KEY_NEEDS_ACT_AS',
  /** Only an active person of the workspace acts. */
  ACTIVE_PERSON: 'ACTOR_MUST_BE_AN_ACTIVE_PERSON',
} as const;

/** Who a person-level action is taken as, and how the credential got there. */
export interface ActorDecision {
  login: string;
  /** True when a service key acts for the named person (audited as "key K acting as P"). */
  actingAs: boolean;
}

const refuse = (rule: string, message: string, field: string, extra: Record<string, unknown> = {}) => new DomainError('FORBIDDEN', message, field, { rule, ...extra });

/**
 * Decides the actor of a person-level action from the credential alone (no database): a personal
 * credential acts as its person, and `named` (a `userLogin`-style argument) may only repeat that
 * person; a service key acts for `named` only with `people:actAs`. `field` is the argument that
 * names a person, for the error.
 */
export function decideActor(viewer: Viewer, named: string | null | undefined, field: string): ActorDecision {
  const name = named ?? null;
  if (viewer.person) {
    if (name !== null && name !== viewer.person.login) {
      throw refuse(
        ActorRule.PERSONAL_CREDENTIAL,
        `This credential belongs to ${viewer.person.login} and acts as ${viewer.person.login} only; it cannot act as ${name} (rule: a personal credential acts as its own person)`,
        field,
      );
    }
    return { login: viewer.person.login, actingAs: false };
  }
  if (!can(viewer, 'people:actAs')) {
    throw refuse(
      ActorRule.ACT_AS_REQUIRED,
      'This API key belongs to no person and may not act for one (rule: a service key takes person-level actions only with the ACT_AS authority); use a personal key',
      field,
      { action: 'people:actAs' },
    );
  }
  if (name === null || name.trim() === '') {
    throw new DomainError('BAD_USER_INPUT', `${field} is required: a key acting for a person (ACT_AS) names the person it acts for`, field);
  }
  return { login: name, actingAs: true };
}

/**
 * The person a person-level action is taken as (see decideActor), loaded: they must exist in the
 * workspace (NOT_FOUND on `field`) and be active (FORBIDDEN naming the rule).
 */
export async function actingPerson(em: EntityManager, viewer: Viewer, named: string | null | undefined, field: string): Promise<{ user: User; login: string; actingAs: boolean }> {
  const decision = decideActor(viewer, named, field);
  const user = await em.findOne(User, { workspace: viewer.workspaceId, login: decision.login });
  if (!user) throw notFound('User', decision.login, field);
  if (user.status !== 'Active') {
    throw refuse(ActorRule.ACTIVE_PERSON, `${user.login} is ${user.status}; only an active person of the workspace acts (rule: the actor must be an active person)`, field);
  }
  return { user, login: user.login, actingAs: decision.actingAs };
}
