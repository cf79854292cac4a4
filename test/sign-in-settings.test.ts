import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Authority } from '../src/auth/authorities.js';
import { parseClaimAuthority, parseProviderUrl, parseRoleAuthority, parseSignInOptions, SignInSettingsError } from '../src/auth/sign-in-settings.js';
import { claimHolds, claimValue, looksLikeJwt } from '../src/auth/oidc.service.js';

const authorities = fc.uniqueArray(fc.constantFrom(...Object.values(Authority)), { minLength: 1 });
const claimName = fc.string({ unit: fc.constantFrom(...'abcXYZ019_.:/-'), minLength: 1, maxLength: 40 });

/** Parses, or refuses with a SignInSettingsError naming the option: nothing else may escape. */
function parsesOrRefuses(parse: () => unknown, option: string): void {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(SignInSettingsError);
    expect((error as SignInSettingsError).option).toBe(option);
    expect((error as Error).message).not.toContain('\n');
  }
}

describe('sign-in settings parsers', () => {
  it('a claim mapping reads back what was written', () => {
    fc.assert(
      fc.property(claimName, fc.string({ minLength: 1 }), authorities, (claim, value, list) => {
        expect(parseClaimAuthority(`${claim}=${value}:${list.join(',')}`)).toEqual({ claim, value, authorities: list });
      }),
    );
  });

  it('a role mapping reads back what was written', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((r) => r.trim() === r && r.length > 0),
        authorities,
        (role, list) => {
          expect(parseRoleAuthority(`${role}:${list.join(',')}`)).toEqual({ role, authorities: list });
        },
      ),
    );
  });

  it('any text is a mapping or a one-line refusal naming the option', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        parsesOrRefuses(() => parseClaimAuthority(raw), 'claim-authority');
        parsesOrRefuses(() => parseRoleAuthority(raw), 'role-authority');
        parsesOrRefuses(() => parseProviderUrl('issuer', raw), 'issuer');
      }),
    );
  });

  it('an issuer is https, or http on the loopback interface only; kept exactly as given', () => {
    expect(parseProviderUrl('issuer', 'https://idp.example.com/realms/acme')).toBe('https://idp.example.com/realms/acme');
    expect(parseProviderUrl('issuer', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(parseProviderUrl('issuer', 'http://localhost:8080/')).toBe('http://localhost:8080/');
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http'] }), (url) => {
        fc.pre(!/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]?/.test(url));
        expect(() => parseProviderUrl('issuer', url)).toThrow(SignInSettingsError);
      }),
    );
    for (const bad of ['ftp://idp.example.com', 'https://user:pw@idp.example.com', 'https://idp.example.com?x=1', 'https://idp.example.com#a', 'idp.example.com'])
      expect(() => parseProviderUrl('issuer', bad), bad).toThrow(SignInSettingsError);
  });

  it('the person attribute defaults from well-known claims and is required otherwise', () => {
    const base = { issuer: 'https://idp.example.com', audience: 'app' };
    expect(parseSignInOptions(base)).toMatchObject({ personClaim: 'email', personAttribute: 'email', authorities: [], jwksUri: null });
    expect(parseSignInOptions({ ...base, 'person-claim': 'preferred_username' }).personAttribute).toBe('login');
    expect(parseSignInOptions({ ...base, 'person-claim': 'employee_id', match: 'employeeNumber' }).personAttribute).toBe('employeeNumber');
    expect(() => parseSignInOptions({ ...base, 'person-claim': 'employee_id' })).toThrow(/^--match: is required/);
    expect(parseSignInOptions({ ...base, authority: ['READ_ONLY,REQUESTER', 'READ_ONLY'] }).authorities).toEqual(['READ_ONLY', 'REQUESTER']);
  });
});

describe('claims', () => {
  const payload = { email: 'a@b.c', groups: ['x', 'admins'], level: 3, realm_access: { roles: ['approver'] }, 'https://ex.com/roles': ['r1'] };

  it('are read by name or by a dotted path into nested claims', () => {
    expect(claimValue(payload, 'email')).toBe('a@b.c');
    expect(claimValue(payload, 'realm_access.roles')).toEqual(['approver']);
    expect(claimValue(payload, 'https://ex.com/roles')).toEqual(['r1']);
    expect(claimValue(payload, 'realm_access.nope')).toBeUndefined();
    expect(claimValue(payload, 'constructor')).toBeUndefined();
    expect(claimValue(payload, 'groups.length')).toBeUndefined();
  });

  it('hold a value when equal to it or a list containing it', () => {
    expect(claimHolds(payload.groups, 'admins')).toBe(true);
    expect(claimHolds(payload.groups, 'admin')).toBe(false);
    expect(claimHolds(payload.level, '3')).toBe(true);
    expect(claimHolds({ admins: true }, 'admins')).toBe(false);
    expect(claimHolds(undefined, 'undefined')).toBe(false);
  });

  it('a JWT is three base64url segments, the last possibly empty; API keys are not', () => {
    expect(looksLikeJwt('eyJh.eyJz.sig')).toBe(true);
    expect(looksLikeJwt('eyJh.eyJz.')).toBe(true);
    expect(looksLikeJwt('igk_0123456789abcdef01234567_secretsecretsecretsecret')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a..c')).toBe(false);
  });
});
