import { describe, expect, it } from 'vitest';
import { buildOrgTree } from '../../../shared/domain/org-tree.js';
import { ACCOUNTS, standardOrg } from './standard-org.js';

const org = standardOrg();
const view = org.view();
const tree = buildOrgTree(view.organizationalUnits, view.accounts);

describe('buildOrgTree', () => {
  it.each<[string, string | undefined]>([
    ['/', 'r-ab12'],
    ['r-ab12', 'r-ab12'],
    ['/Workloads/Prod/L3/L4/L5', org.ouId('/Workloads/Prod/L3/L4/L5')],
    ['/Workloads/Prod/', org.ouId('/Workloads/Prod')],
    [org.ouId('/Security'), org.ouId('/Security')],
    ['/Workloads/prod', undefined],
    ['/Workloads//Prod', undefined],
    ['ou-ab12-ffffffff', undefined],
    ['Workloads', undefined],
  ])('resolves %s to %s', (ref, expected) => {
    expect(tree.resolve(ref)).toBe(expected);
  });

  it('lists the accounts beneath an OU at every depth', () => {
    expect([...tree.accountsUnder(org.ouId('/Workloads'))].sort()).toEqual(
      [ACCOUNTS.prod, ACCOUNTS.deep, ACCOUNTS.staging, ACCOUNTS.sandbox].sort(),
    );
  });

  it('gives the path of an OU', () => {
    expect(tree.pathOf(org.ouId('/Workloads/Prod/L3/L4'))).toBe('/Workloads/Prod/L3/L4');
  });

  it('survives a parent cycle without looping', () => {
    const cyclic = buildOrgTree(
      [
        { id: 'r-ab12', name: 'Root', parentId: null },
        { id: 'ou-ab12-00000001', name: 'A', parentId: 'ou-ab12-00000002' },
        { id: 'ou-ab12-00000002', name: 'B', parentId: 'ou-ab12-00000001' },
      ],
      [{ id: '200000000001', name: 'x', email: 'x@example.com', status: 'ACTIVE', parentId: 'ou-ab12-00000001' }],
    );

    expect(cyclic.resolve('/A')).toBeUndefined();
    expect(cyclic.accountsUnder('ou-ab12-00000002')).toEqual(['200000000001']);
    expect(cyclic.accountsUnder('r-ab12')).toEqual(['200000000001']);
  });
});
