import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_ATTRIBUTE_MAPPING, effectiveMapping, GATEWAY_FIELDS, parseAttributeMapping, SCIM_TARGETS, scimUserFor } from '../src/reconciliation/attribute-mapping.js';
import { DomainError } from '../src/errors.js';
import { SCIM_SCHEMAS } from '../src/reconciliation/scim-client.js';
import type { User } from '../src/governance/user.entity.js';

const person = {
  id: '63aec79893ccdf675cc4d124',
  login: 'zachary',
  displayName: 'Zachary Graham',
  firstName: 'Zachary',
  lastName: 'Graham',
  email: 'zachary@iamsath.com',
  jobTitle: 'Engineer',
  userType: 'Employee',
  department: 'Engineering',
  status: 'Active',
} as User;

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BAD_USER_INPUT');
    return (error as DomainError).field;
  }
  return undefined;
}

describe('attribute mapping (PROVISION: gateway field → SCIM attribute)', () => {
  it("maps the seed's user types to a value this gateway's /scim/v2 accepts by default", () => {
    const body = scimUserFor('zachary', person);
    expect(body).toMatchObject({
      userName: 'zachary',
      externalId: person.id,
      active: true,
      userType: 'USER',
      title: 'Engineer',
      name: { givenName: 'Zachary', familyName: 'Graham' },
      [SCIM_SCHEMAS.enterpriseUser]: { department: 'Engineering' },
    });
    expect(body.schemas).toEqual([SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser]);
    // A value the map does not name is sent as it is.
    expect(scimUserFor('zachary', { ...person, userType: 'Robot' } as User).userType).toBe('Robot');
  });

  it('applies overrides: another attribute, value maps, fields left out; a taken default steps aside', () => {
    const overrides = parseAttributeMapping({
      userType: { attribute: 'userType', values: { Employee: 'Staff', Contractor: null } },
      jobTitle: null,
      department: 'title',
      email: 'EMAILS',
    });
    const mapping = effectiveMapping(overrides);
    const body = scimUserFor('zachary', person, mapping);
    expect(body.userType).toBe('Staff');
    expect(body.title).toBe('Engineering');
    expect(body.emails).toEqual([{ value: 'zachary@iamsath.com', type: 'work', primary: true }]);
    expect(body[SCIM_SCHEMAS.enterpriseUser]).toBeUndefined();
    expect(scimUserFor('nina', { ...person, userType: 'Contractor' } as User, mapping).userType).toBeUndefined();
    expect(effectiveMapping(null)).toBe(DEFAULT_ATTRIBUTE_MAPPING);
  });

  it('refuses bad mappings with a code naming the field', () => {
    expect(fieldOf(() => parseAttributeMapping([]))).toBe('input.attributeMapping');
    expect(fieldOf(() => parseAttributeMapping({ password: 'password' }))).toBe('input.attributeMapping.password');
    expect(fieldOf(() => parseAttributeMapping({ jobTitle: 'manager' }))).toBe('input.attributeMapping.jobTitle');
    expect(fieldOf(() => parseAttributeMapping({ jobTitle: 7 }))).toBe('input.attributeMapping.jobTitle');
    expect(fieldOf(() => parseAttributeMapping({ userType: { attribute: 'userType', extra: 1 } }))).toBe('input.attributeMapping.userType.extra');
    expect(fieldOf(() => parseAttributeMapping({ userType: { attribute: 5 } }))).toBe('input.attributeMapping.userType.attribute');
    expect(fieldOf(() => parseAttributeMapping({ userType: { attribute: 'userType', values: ['USER'] } }))).toBe('input.attributeMapping.userType.values');
    expect(fieldOf(() => parseAttributeMapping({ userType: { attribute: 'userType', values: { Employee: 1 } } }))).toBe('input.attributeMapping.userType.values.Employee');
    expect(fieldOf(() => parseAttributeMapping({ jobTitle: 'title', department: 'title' }))).toBe('input.attributeMapping.department');
  });

  it('any input is either a mapping of known fields to known attributes or a BAD_USER_INPUT under input.attributeMapping', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.constantFrom(...SCIM_TARGETS),
      fc.string(),
      fc.integer(),
      fc.record(
        {
          attribute: fc.oneof(fc.constant(null), fc.constantFrom(...SCIM_TARGETS), fc.string()),
          values: fc.option(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(null), fc.integer()))),
        },
        { requiredKeys: [] },
      ),
    );
    const input = fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom(...GATEWAY_FIELDS), fc.string()), value), fc.anything());
    fc.assert(
      fc.property(input, (raw) => {
        let parsed;
        try {
          parsed = parseAttributeMapping(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).field?.startsWith('input.attributeMapping')).toBe(true);
          return;
        }
        for (const [field, rule] of Object.entries(parsed)) {
          expect(GATEWAY_FIELDS).toContain(field);
          if (rule.attribute !== null) expect(SCIM_TARGETS).toContain(rule.attribute);
        }
        scimUserFor('someone', person, effectiveMapping(parsed));
      }),
    );
  });
});
