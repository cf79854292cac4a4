import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compileRule, RULE_ATTRIBUTES } from '../src/governance/rules.js';
import { formatRuleNotation, parseRuleNotation } from '../src/governance/rule-notation.js';
import { DomainError } from '../src/errors.js';

describe('the seed notation for rules and user queries', () => {
  it.each([
    ['$and:[status:Active]', { $and: [{ status: 'Active' }] }],
    ['$and:[department:CO]', { $and: [{ department: 'CO' }] }],
    ['$and:[status:Active,department:$nin:[CO]]', { $and: [{ status: 'Active' }, { department: { $nin: ['CO'] } }] }],
    ['{$or:[{department:Sales},{login:{$in:[aaron, jerome]}}]}', { $or: [{ department: 'Sales' }, { login: { $in: ['aaron', 'jerome'] } }] }],
    ['status:Active, jobTitle:"Chief: Officer"', { status: 'Active', jobTitle: 'Chief: Officer' }],
    ['$not:{department:CO}', { $not: { department: 'CO' } }],
  ])('reads %s as the JSON filter', (text, expected) => {
    expect(parseRuleNotation(text)).toEqual(expected);
    expect(compileRule(text)).toEqual(compileRule(JSON.stringify(expected)));
  });

  it.each([
    ['$and:[status:Active', /expected "\]"/],
    ['$and:[status:]', /expected a value/],
    ['status:Active,', /expected a key/],
    ['status:Active,status:Inactive', /duplicate key "status"/],
    ['$and:[status:Active]]', /unexpected text/],
  ])('refuses %s with a BAD_USER_INPUT naming the field and the place', (text, where) => {
    const error = catchError(() => compileRule(text, 'input.userQuery'));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BAD_USER_INPUT');
    expect((error as DomainError).field).toBe('input.userQuery');
    expect((error as Error).message).toMatch(/neither JSON nor the seed notation/);
    expect((error as Error).message).toMatch(where);
  });

  it('validates the notation exactly as JSON: the allow-lists and limits apply', () => {
    expect(() => compileRule('$and:[password:x]')).toThrow(/unknown user attribute "password"/);
    expect(() => compileRule('status:$regex:A')).toThrow(/operator \$regex is not allowed/);
  });

  // Rules built from the allow-lists, as the validator accepts them.
  const text = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\u0000'));
  const scalarCondition = fc.oneof(text, fc.record({ $ne: text }), fc.record({ $in: fc.array(text, { minLength: 1, maxLength: 3 }) }));
  const leaf = fc.dictionary(fc.constantFrom(...RULE_ATTRIBUTES), scalarCondition, { minKeys: 1, maxKeys: 3 });
  const rule = fc.letrec<{ rule: object }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ $and: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ $or: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ $not: tie('rule') }),
    ),
  })).rule;

  it('round trips: a rule written in the notation reads back as the same validated filter', () => {
    fc.assert(
      fc.property(rule, (r) => {
        const notation = formatRuleNotation(r);
        expect(parseRuleNotation(notation)).toEqual(r);
        expect(compileRule(notation)).toEqual(compileRule(JSON.stringify(r)));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a coded BAD_USER_INPUT, whatever the text', () => {
    const pieces = fc.constantFrom('$and', '$or', 'status', 'Active', ':', ',', '[', ']', '{', '}', '"', '\\', ' ', 'x', '$in', '1e999');
    const noise = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(noise, (t) => {
        try {
          compileRule(t, 'rule');
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('BAD_USER_INPUT');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses deep nesting with a coded error, not a stack overflow', () => {
    const deep = `${'$not:'.repeat(5000)}status:Active`;
    expect(() => compileRule(deep)).toThrow(DomainError);
    const brackets = `$and:${'['.repeat(5000)}`;
    expect(() => compileRule(brackets)).toThrow(DomainError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
