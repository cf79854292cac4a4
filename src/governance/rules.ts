import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { badInput } from '../errors.js';
import { User } from './user.entity.js';
import { Role, RoleMember } from './role.entity.js';
import { Workspace } from '../auth/workspace.entity.js';
import { newId } from '../common/ids.js';

/**
 * Birthright rules use the seed's syntax, a MongoDB-style filter over user attributes, which is
 * also MikroORM's filter language: a validated rule is handed to the database as it is. Only
 * the attributes and operators below may appear, so a rule can never reach other columns.
 */
export const RULE_ATTRIBUTES = [
  'login',
  'email',
  'status',
  'department',
  'jobTitle',
  'userType',
  'location',
  'organizationName',
  'employeeNumber',
  'managerLogin',
  'officeAddressCity',
  'officeAddressState',
  'officeAddressCountry',
  'homeAddressCity',
  'homeAddressState',
  'homeAddressCountry',
] as const;
const LOGICAL = new Set(['$and', '$or', '$not']);
const SCALAR_OPS = new Set(['$eq', '$ne', '$like', '$gt', '$gte', '$lt', '$lte']);
const LIST_OPS = new Set(['$in', '$nin']);

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * Parses and validates a rule. Returns the filter, or null when the rule selects nobody by
 * itself (empty text or an empty `$and`, which the seed uses for roles without a rule).
 * Throws BAD_USER_INPUT naming `field` and the offending part.
 */
export function compileRule(text: string | null | undefined, field = 'rule', vocabulary: RuleVocabulary = USER_VOCABULARY): FilterQuery<User> | null {
  if (text == null || text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badInput(field, `Invalid rule: not JSON (expected e.g. {"$and":[{"status":"Active"}]})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badInput(field, 'Invalid rule: the top level must be an object');
  const keys = Object.keys(parsed);
  if (keys.length === 0 || (keys.length === 1 && keys[0] === '$and' && Array.isArray((parsed as { $and: unknown }).$and) && (parsed as { $and: unknown[] }).$and.length === 0)) {
    return null;
  }
  return validate(parsed, field, '', vocabulary) as FilterQuery<User>;
}

/** The attributes a rule may name, and what the error calls them. */
export interface RuleVocabulary {
  noun: string;
  attributes: readonly string[];
}
const USER_VOCABULARY: RuleVocabulary = { noun: 'user attribute', attributes: RULE_ATTRIBUTES };

function validate(node: unknown, field: string, at: string, vocabulary: RuleVocabulary): object {
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw badInput(field, `Invalid rule at ${at || 'top'}: expected an object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const here = at ? `${at}.${key}` : key;
    if (LOGICAL.has(key)) {
      if (key === '$not') {
        out[key] = validate(value, field, here, vocabulary);
      } else {
        if (!Array.isArray(value) || value.length === 0) throw badInput(field, `Invalid rule at ${here}: ${key} takes a non-empty list`);
        out[key] = value.map((v, i) => validate(v, field, `${here}[${i}]`, vocabulary));
      }
    } else if (vocabulary.attributes.includes(key)) {
      out[key] = condition(value, field, here);
    } else if (key.startsWith('$')) {
      throw badInput(field, `Invalid rule at ${here}: operator ${key} is not allowed here (allowed: ${[...LOGICAL].join(', ')})`);
    } else {
      throw badInput(field, `Invalid rule at ${here}: unknown ${vocabulary.noun} "${key}" (allowed: ${vocabulary.attributes.join(', ')})`);
    }
  }
  return out;
}

function condition(value: unknown, field: string, at: string): unknown {
  if (isScalar(value)) return value;
  if (Array.isArray(value)) throw badInput(field, `Invalid rule at ${at}: use {"$in": [...]} for a list`);
  const out: Record<string, unknown> = {};
  for (const [op, operand] of Object.entries(value as object)) {
    if (SCALAR_OPS.has(op)) {
      if (!isScalar(operand)) throw badInput(field, `Invalid rule at ${at}.${op}: expected a single value`);
      out[op] = operand;
    } else if (LIST_OPS.has(op)) {
      if (!Array.isArray(operand) || !operand.every(isScalar)) throw badInput(field, `Invalid rule at ${at}.${op}: expected a list of values`);
      out[op] = operand;
    } else {
      throw badInput(field, `Invalid rule at ${at}: operator ${op} is not allowed (allowed: ${[...SCALAR_OPS, ...LIST_OPS].join(', ')})`);
    }
  }
  if (Object.keys(out).length === 0) throw badInput(field, `Invalid rule at ${at}: empty condition`);
  return out;
}

/** Re-evaluates a role's birthright rule in the database and rewrites its RULE memberships. */
export async function recomputeRuleMembers(em: EntityManager, role: Role): Promise<number> {
  await em.nativeDelete(RoleMember, { role: role.id, source: 'RULE' });
  const filter = role.retired ? null : compileRule(role.rule);
  if (!filter) return 0;
  const users = await em.find(User, { $and: [{ workspace: role.workspace.id }, filter] }, { fields: ['id'], disableIdentityMap: true });
  if (users.length === 0) return 0;
  const createdAt = new Date();
  for (let i = 0; i < users.length; i += 500) {
    const rows = users.slice(i, i + 500).map((u) => ({ id: newId(), role: role.id, user: u.id, source: 'RULE' as const, createdAt }));
    await em.insertMany(RoleMember, rows);
  }
  return users.length;
}

/** Recomputes every rule role of a workspace (after bulk loads). */
export async function recomputeAllRuleMembers(em: EntityManager, workspace: Workspace | string): Promise<void> {
  const workspaceId = typeof workspace === 'string' ? workspace : workspace.id;
  const roles = await em.find(Role, { workspace: workspaceId, rule: { $ne: null } });
  for (const role of roles) await recomputeRuleMembers(em, role);
}
