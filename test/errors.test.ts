import { describe, it, expect } from 'vitest';
import { GraphQLError } from 'graphql';
import { fieldOfCoercionError, formatError } from '../src/errors.js';

describe('fieldOfCoercionError', () => {
  it.each([
    ['Variable "$input" got invalid value { a: 1 }; Field "name" of required type "String!" was not provided.', 'input.name'],
    ['Variable "$input" got invalid value { type: "SOURCE" } at "input.authoritativeSource"; Field "id" of required type "ID!" was not provided.', 'input.authoritativeSource.id'],
    ['Variable "$input" got invalid value "X" at "input.owner.type"; Value "X" does not exist in "ReferenceType" enum.', 'input.owner.type'],
    ['Variable "$input" got invalid value "x" at "input.config.transforms[0].attributes"; Expected value of type "JSONObject", found "x".', 'input.config.transforms.0.attributes'],
    ['Variable "$input" got invalid value { x: 3 }; Field "x" is not defined by type "CreateInput".', 'input.x'],
    ['Variable "$input" of required type "CreateInput!" was not provided.', 'input'],
    ['Variable "$first" got invalid value "a"; Int cannot represent non-integer value: "a"', 'first'],
  ])('%s → %s', (message, field) => {
    expect(fieldOfCoercionError(message)).toBe(field);
  });
});

describe('formatError', () => {
  it('passes a variable coercion error (its cause wrapped as originalError) as BAD_USER_INPUT with the field', () => {
    const message = 'Variable "$input" got invalid value {}; Field "name" of required type "String!" was not provided.';
    const error = new GraphQLError(message, { originalError: new GraphQLError('Field "name" of required type "String!" was not provided.') });
    expect(formatError({ message, extensions: { code: 'BAD_USER_INPUT' } }, error).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.name' });
  });

  it('masks an unexpected error thrown in a resolver (the request id is added by the server, see app.ts)', () => {
    const error = new GraphQLError('boom', { originalError: new Error('boom'), path: ['x'] });
    const formatted = formatError({ message: 'boom', path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(formatted).toEqual({ message: 'Internal server error', path: ['x'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('masks a non-null violation: an execution error with a path but no cause', () => {
    const error = new GraphQLError('Cannot return null for non-nullable field User.login.', { path: ['user', 'login'] });
    expect(formatError({ message: error.message, path: ['user', 'login'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});
