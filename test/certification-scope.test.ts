import { describe, it, expect } from 'vitest';
import { dueDateOf, impactOf, narrowScope, resolveCertifier, type AccessRow, type CertifierRules } from '../src/certifications/scope.js';
import { AccessKind, AlternateCertifier, CertificationType, CertifierType, ResourceCollection } from '../src/certifications/certification.enums.js';

const row = (over: Partial<AccessRow>): AccessRow => ({
  userId: 'u1',
  userLogin: 'ann',
  managerLogin: 'boss',
  kind: AccessKind.ENTITLEMENT,
  collection: ResourceCollection.ENTITLEMENT,
  resourceId: 'e1',
  resourceName: 'Wiki Admin',
  targetSystemId: 't1',
  riskLevel: 'low',
  ownerLogin: 'owner',
  ...over,
});

const rows = [
  row({}),
  row({ resourceId: 'e2', riskLevel: 'high' }),
  row({ kind: AccessKind.ACCOUNT, collection: ResourceCollection.TARGET_SYSTEM, resourceId: 't1' }),
  row({ kind: AccessKind.ROLE, collection: ResourceCollection.ROLE, resourceId: 'r1', targetSystemId: null }),
  row({ userId: 'u2', userLogin: 'ben', resourceId: 'e1' }),
];
const ids = (list: AccessRow[]) => list.map((r) => `${r.userLogin}:${r.resourceId}`);
const base = { type: CertificationType.USER_ACCESS, onlySelected: false, highRiskUsers: false, highRiskResources: false, selected: null };

describe('narrowScope', () => {
  it('User Access without narrowing reviews every access of the users', () => {
    expect(narrowScope(rows, base)).toHaveLength(5);
  });

  it('onlySelected keeps the selected resources; an application selects its account and its entitlements', () => {
    expect(ids(narrowScope(rows, { ...base, onlySelected: true, selected: [{ id: 'r1', collection: ResourceCollection.ROLE }] }))).toEqual(['ann:r1']);
    expect(ids(narrowScope(rows, { ...base, onlySelected: true, selected: [{ id: 't1', collection: ResourceCollection.TARGET_SYSTEM }] }))).toEqual([
      'ann:e1',
      'ann:e2',
      'ann:t1',
      'ben:e1',
    ]);
    expect(narrowScope(rows, { ...base, onlySelected: true, selected: null })).toEqual([]);
  });

  it('an id selects only in its own collection', () => {
    expect(narrowScope(rows, { ...base, onlySelected: true, selected: [{ id: 'e1', collection: ResourceCollection.ROLE }] })).toEqual([]);
  });

  it('Resource Assignment always keeps the selected resources, whatever onlySelected says', () => {
    expect(ids(narrowScope(rows, { ...base, type: CertificationType.RESOURCE_ASSIGNMENT, selected: [{ id: 'e1', collection: ResourceCollection.ENTITLEMENT }] }))).toEqual([
      'ann:e1',
      'ben:e1',
    ]);
  });

  it('highRiskResources keeps high-risk access; highRiskUsers keeps every access of users holding some', () => {
    expect(ids(narrowScope(rows, { ...base, highRiskResources: true }))).toEqual(['ann:e2']);
    expect(ids(narrowScope(rows, { ...base, highRiskUsers: true }))).toEqual(['ann:e1', 'ann:e2', 'ann:t1', 'ann:r1']);
  });
});

describe('resolveCertifier', () => {
  const rules = (over: Partial<CertifierRules>): CertifierRules => ({
    certifierType: CertifierType.USER,
    certifier: 'cara',
    alternateCertifier: AlternateCertifier.USER_MANAGER,
    selfCertification: false,
    ...over,
  });
  const facts = { certifierRoleMembers: ['ann', 'cara'], alternateRoleMembers: ['dan'], activeLogins: new Set(['ann', 'boss', 'cara', 'dan', 'owner', 'alt']) };

  it('each certifier type', () => {
    expect(resolveCertifier(row({}), rules({}), facts)).toBe('cara');
    expect(resolveCertifier(row({}), rules({ certifierType: CertifierType.BENEFICIARY_MANAGER, certifier: null }), facts)).toBe('boss');
    expect(resolveCertifier(row({}), rules({ certifierType: CertifierType.RESOURCE_OWNER, certifier: null }), facts)).toBe('owner');
    // ann may not certify her own access: the next member of the role does.
    expect(resolveCertifier(row({}), rules({ certifierType: CertifierType.ROLE, certifier: null }), facts)).toBe('cara');
    expect(resolveCertifier(row({ userLogin: 'ben' }), rules({ certifierType: CertifierType.ROLE, certifier: null }), facts)).toBe('ann');
  });

  it('the alternate certifier when the primary is missing, inactive or the user themself', () => {
    expect(resolveCertifier(row({ ownerLogin: null }), rules({ certifierType: CertifierType.RESOURCE_OWNER }), facts)).toBe('boss');
    expect(resolveCertifier(row({}), rules({ certifier: 'gone' }), facts)).toBe('boss');
    expect(resolveCertifier(row({}), rules({ certifier: 'ann' }), facts)).toBe('boss');
    expect(resolveCertifier(row({}), rules({ certifier: 'ann', alternateCertifier: AlternateCertifier.USER, alternateCertifierUser: 'alt' }), facts)).toBe('alt');
    expect(resolveCertifier(row({}), rules({ certifier: null, alternateCertifier: AlternateCertifier.ROLE }), facts)).toBe('dan');
  });

  it('selfCertification lets the user certify their own access', () => {
    expect(resolveCertifier(row({}), rules({ certifier: 'ann', selfCertification: true }), facts)).toBe('ann');
  });

  it('null when neither resolves', () => {
    expect(resolveCertifier(row({ managerLogin: null }), rules({ certifier: 'ann' }), facts)).toBeNull();
    expect(resolveCertifier(row({ managerLogin: 'gone' }), rules({ certifier: null }), facts)).toBeNull();
  });
});

describe('impactOf and dueDateOf', () => {
  it('counts users, resources (per collection), certifiers and one task per certifier', () => {
    const impact = impactOf([
      { row: rows[0], certifier: 'cara' },
      { row: rows[1], certifier: 'cara' },
      { row: rows[4], certifier: 'boss' },
      { row: row({ collection: ResourceCollection.ROLE, resourceId: 'e1' }), certifier: 'boss' },
    ]);
    expect(impact).toEqual({
      userCount: 2,
      resourceCount: 3,
      certifierCount: 2,
      taskCount: 2,
      itemCount: 4,
      userIds: ['u1', 'u2'],
      resources: [
        { id: 'e1', collection: 'Entitlement' },
        { id: 'e2', collection: 'Entitlement' },
        { id: 'e1', collection: 'Role' },
      ],
    });
  });

  it('adds days, months and years in UTC', () => {
    const start = new Date('2024-01-31T10:00:00.000Z');
    expect(dueDateOf(start, 1, 'days').toISOString()).toBe('2024-02-01T10:00:00.000Z');
    expect(dueDateOf(start, 2, 'months').toISOString()).toBe('2024-03-31T10:00:00.000Z');
    expect(dueDateOf(start, 1, 'years').toISOString()).toBe('2025-01-31T10:00:00.000Z');
  });
});
