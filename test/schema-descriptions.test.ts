import { describe, it, expect } from 'vitest';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { gatewaySchema } from '../src/schema.js';

/**
 * Every type, field, argument, input field and enum value a Sandbox user can open, by its
 * coordinate (`Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`), when it has no description.
 * Built-in scalars and introspection types come with graphql-js's own descriptions.
 */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const blank = (text: string | null | undefined) => !text?.trim();
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (blank(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (blank(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing.sort();
}

describe('schema descriptions', () => {
  it('every type, field, argument, input field and enum value of the schema has a description', async () => {
    expect(undocumented(await gatewaySchema())).toEqual([]);
  });

  it('the check finds what is missing, by coordinate', () => {
    const schema = buildSchema(`
      """Reads."""
      type Query {
        """A person."""
        user(login: String, """Their id.""" id: ID): Person
      }
      type Person { login: String "" name: String }
      """Kinds."""
      enum Kind { """A."""  A B }
      input Filter { """Only these.""" kind: Kind }
    `);
    expect(undocumented(schema)).toEqual(['Filter', 'Kind.B', 'Person', 'Person.login', 'Person.name', 'Query.user(login)']);
  });

  it('renamed seed fields name their seed field', async () => {
    const schema = await gatewaySchema();
    const fields = (type: string) => {
      const t = schema.getType(type);
      if (!t || !(isObjectType(t) || isInputObjectType(t))) throw new Error(`${type} is not an object or input type`);
      return t.getFields();
    };
    const named = (type: string, field: string, seed: string) =>
      expect(fields(type)[field]?.description ?? '', `${type}.${field} (seed: ${seed})`).toMatch(new RegExp(`seed[^\\n]*\`${seed}\``));
    // Seam (seeds 000, 001) writes snake_case; every one of its fields here is its camelCase form.
    const seam = [
      'acs_credential_pool_id',
      'acs_credential_provisioning_automation_id',
      'create_credential_manager_user',
      'created_at',
      'credential_manager_acs_system_id',
      'enrollment_automation_id',
      'is_running',
      'user_identity_id',
      'workspace_id',
    ];
    const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    for (const type of ['EnrollmentAutomation', 'LaunchEnrollmentAutomationInput']) {
      for (const seed of seam) if (fields(type)[camel(seed)]) named(type, camel(seed), seed);
    }
    // IDHub (seed 002) fields this schema names differently.
    named('TargetSystem', 'itOwnerLogin', 'ITOwner');
    named('Entitlement', 'businessOwnerLogin', 'businessOwner');
    named('User', 'userIdentityId', 'user_identity_id');
  });
});
