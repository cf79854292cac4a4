import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { badInput } from '../errors.js';
import { User } from './user.entity.js';
import { Role, RoleMember } from './role.entity.js';
import { Workspace } from '../auth/workspace.entity.js';
import { newId } from '../common/ids.js';
import { NotationError, parseRuleNotation } from './rule-notation.js';

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
 * How large a rule may be. A rule becomes one SQL condition: SQLite refuses expressions nested
 * more than 1,000 deep (a long `$or` is such a chain) and LIKE patterns of 50,000 bytes; the
 * seed's rules are a few conditions deep.
 */
export const RULE_LIMITS = { depth: 16, conditions: 200, values: 1000, valueLength: 1000 };

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
    // Not JSON: the seed's own notation (`$and:[status:Active]`), read into the same value.
    try {
      parsed = parseRuleNotation(text);
    } catch (error) {
      const where = error instanceof NotationError ? ` (${error.message})` : '';
      throw badInput(field, `Invalid rule: neither JSON nor the seed notation${where}; expected e.g. {"$and":[{"status":"Active"}]} or $and:[status:Active]`);
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badInput(field, 'Invalid rule: the top level must be an object');
  const keys = Object.keys(parsed);
  if (keys.length === 0 || (keys.length === 1 && keys[0] === '$and' && Array.isArray((parsed as { $and: unknown }).$and) && (parsed as { $and: unknown[] }).$and.length === 0)) {
    return null;
  }
  return validate(parsed, field, '', vocabulary, { depth: 0, conditions: 0 }) as FilterQuery<User>;
}

/** The attributes a rule may name, and what the error calls them. */
export interface RuleVocabulary {
  noun: string;
  attributes: readonly string[];
}
const USER_VOCABULARY: RuleVocabulary = { noun: 'user attribute', attributes: RULE_ATTRIBUTES };

function validate(node: unknown, field: string, at: string, vocabulary: RuleVocabulary, size: { depth: number; conditions: number }): object {
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw badInput(field, `Invalid rule at ${at || 'top'}: expected an object`);
  if (size.depth >= RULE_LIMITS.depth) throw badInput(field, `Invalid rule at ${at}: rules may nest at most ${RULE_LIMITS.depth} levels deep`);
  const inner = { ...size, depth: size.depth + 1 };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const here = at ? `${at}.${key}` : key;
    if (++size.conditions > RULE_LIMITS.conditions) throw badInput(field, `Invalid rule at ${here}: a rule may have at most ${RULE_LIMITS.conditions} conditions`);
    if (LOGICAL.has(key)) {
      if (key === '$not') {
        out[key] = validate(value, field, here, vocabulary, inner);
      } else {
        if (!Array.isArray(value) || value.length === 0) throw badInput(field, `Invalid rule at ${here}: ${key} takes a non-empty list`);
        out[key] = value.map((v, i) => validate(v, field, `${here}[${i}]`, vocabulary, inner));
      }
      size.conditions = inner.conditions;
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

/**
 * A value compared with an attribute. Every attribute is text: numbers and booleans compare as
 * their text (as SQLite compares them with a text column; PostgreSQL refuses to compare text
 * with a number), and a number out of range (`1e400`) is refused.
 */
function operandOf(value: Scalar, field: string, at: string): string | null {
  if (value === null) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) throw badInput(field, `Invalid rule at ${at}: the number is out of range`);
  const text = String(value);
  if (text.length > RULE_LIMITS.valueLength) throw badInput(field, `Invalid rule at ${at}: a value may be at most ${RULE_LIMITS.valueLength} characters`);
  return text;
}

function condition(value: unknown, field: string, at: string): unknown {
  if (isScalar(value)) return operandOf(value, field, at);
  if (Array.isArray(value)) throw badInput(field, `Invalid rule at ${at}: use {"$in": [...]} for a list`);
  const out: Record<string, unknown> = {};
  for (const [op, operand] of Object.entries(value as object)) {
    if (SCALAR_OPS.has(op)) {
      if (!isScalar(operand)) throw badInput(field, `Invalid rule at ${at}.${op}: expected a single value`);
      out[op] = operandOf(operand, field, `${at}.${op}`);
    } else if (LIST_OPS.has(op)) {
      if (!Array.isArray(operand) || !operand.every(isScalar)) throw badInput(field, `Invalid rule at ${at}.${op}: expected a list of values`);
      if (operand.length > RULE_LIMITS.values) throw badInput(field, `Invalid rule at ${at}.${op}: a list may have at most ${RULE_LIMITS.values} values`);
      out[op] = operand.map((v, i) => operandOf(v, field, `${at}.${op}[${i}]`));
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
  const users = await em.find(User, { $and: [{ workspace: role.workspace.id, terminatedAt: null }, filter] }, { fields: ['id'], disableIdentityMap: true });
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
