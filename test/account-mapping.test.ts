import { describe, it, expect } from 'vitest';
import { AccountMapping, DEFAULT_ACCOUNT_FORM } from '../src/reconciliation/account-mapping.js';
import { scimUserFor } from '../src/reconciliation/attribute-mapping.js';
import { DomainError } from '../src/errors.js';
import { SCIM_SCHEMAS, type ScimUser } from '../src/reconciliation/scim-client.js';
import type { User } from '../src/governance/user.entity.js';

const USER_ATTRIBUTES = new Set(['login', 'email', 'firstName', 'lastName', 'displayName', 'officeAddressCity', 'managerLogin', 'employeeNumber']);
const map = (form: unknown) => AccountMapping.fromForm(form, 'EntraID', USER_ATTRIBUTES);

const scim: ScimUser = {
  id: 'd9c7200a-3322-4035-9e7b-03974624d4f7',
  userName: 'zachary@iamsath.com',
  displayName: 'Zachary Graham',
  name: { givenName: 'Zachary', familyName: 'Graham' },
  emails: [
    { value: 'z@home.example', type: 'home' },
    { value: 'zachary@iamsath.com', type: 'work', primary: true },
  ],
  phoneNumbers: [{ value: '630-156-2546' }],
  addresses: [
    { type: 'home', locality: 'Elsewhere' },
    { type: 'work', locality: 'Mount Prospect', postalCode: 60056 as unknown as string, country: 'US' },
  ],
  [SCIM_SCHEMAS.enterpriseUser]: { employeeNumber: 'IAMSATHE019', department: 'CO' },
};

describe('AccountMapping', () => {
  it('reads the seed form shapes: an array of entries, or one entry object with idhubFieldName', () => {
    expect(
      map([
        { name: 'Email', matchingAttribute: 'email' },
        { name: 'User Login', matchingAttribute: 'login', isReconKey: true },
      ]).form,
    ).toEqual([
      { name: 'Email', attribute: 'email', isReconKey: false },
      { name: 'User Login', attribute: 'login', isReconKey: true },
    ]);
    // The EntraID sample: idhubFieldName wins over matchingAttribute.
    expect(map({ name: 'city', idhubFieldName: 'officeAddressCity', matchingAttribute: 'city', isReconKey: true }).form).toEqual([
      { name: 'city', attribute: 'officeAddressCity', isReconKey: true },
    ]);
  });

  it('falls back to the default form and skips attributes SCIM does not carry', () => {
    expect(map(null).form).toEqual(DEFAULT_ACCOUNT_FORM);
    expect(
      map([
        { name: 'Manager', matchingAttribute: 'managerLogin' },
        { name: 'Mail', matchingAttribute: 'email' },
      ]).form,
    ).toEqual([{ name: 'Mail', attribute: 'email', isReconKey: false }]);
  });

  it('refuses a recon key that names nothing, an unknown attribute, or one SCIM users lack', () => {
    for (const entry of [
      { name: 'Key', isReconKey: true },
      { name: 'Key', matchingAttribute: 'shoeSize', isReconKey: true },
      { name: 'Key', matchingAttribute: 'managerLogin', isReconKey: true },
    ]) {
      let error: unknown;
      try {
        map([entry]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'CONFLICT', field: 'id' });
    }
  });

  it('projects SCIM attributes onto form values: primary email, work address, enterprise extension', () => {
    const values = map([
      { name: 'Mail', matchingAttribute: 'email' },
      { name: 'City', idhubFieldName: 'officeAddressCity' },
      { name: 'Employee', matchingAttribute: 'employeeNumber' },
      { name: 'Login', matchingAttribute: 'login' },
      { name: 'Name', matchingAttribute: 'displayName' },
    ]).formValues(scim);
    expect(values).toEqual({ Mail: 'zachary@iamsath.com', City: 'Mount Prospect', Employee: 'IAMSATHE019', Login: 'zachary@iamsath.com', Name: 'Zachary Graham' });
    expect(map(null).formValues({ id: 'x', userName: 'bare' })).toEqual({ 'User Login': 'bare', Email: null, 'First Name': null, 'Last Name': null });
  });

  it('diffs the gateway form against the target, comparing values as text', () => {
    const m = map([
      { name: 'Mail', matchingAttribute: 'email' },
      { name: 'Zip', matchingAttribute: 'officeAddressZipcode' },
    ]);
    const target = m.formValues(scim);
    expect(target).toEqual({ Mail: 'zachary@iamsath.com', Zip: '60056' });
    expect(m.diff({ Mail: 'zachary@iamsath.com', Zip: 60056 }, target)).toBeNull();
    expect(m.diff({ Mail: 'old@iamsath.com', Zip: '60056', Other: 'kept' }, target)).toEqual({ Mail: { before: 'old@iamsath.com', after: 'zachary@iamsath.com' } });
    expect(m.diff(null, target)).toEqual({ Mail: { before: null, after: 'zachary@iamsath.com' }, Zip: { before: null, after: '60056' } });
  });

  it('builds the SCIM user provisioning sends', () => {
    const person = {
      id: '63aec79893ccdf675cc4d124',
      login: 'zachary',
      displayName: 'Zachary Graham',
      firstName: 'Zachary',
      lastName: 'Graham',
      email: 'zachary@iamsath.com',
      status: 'Inactive',
      employeeNumber: 'IAMSATHE019',
    } as User;
    expect(scimUserFor('zachary', person)).toEqual({
      schemas: [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser],
      userName: 'zachary',
      externalId: '63aec79893ccdf675cc4d124',
      displayName: 'Zachary Graham',
      name: { givenName: 'Zachary', familyName: 'Graham' },
      emails: [{ value: 'zachary@iamsath.com', type: 'work', primary: true }],
      active: false,
      [SCIM_SCHEMAS.enterpriseUser]: { employeeNumber: 'IAMSATHE019' },
    });
  });
});
