import { readFileSync } from 'node:fs';
import { createLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../../cli/local/harness.js';
import { parseSnapshot, type Snapshot } from '../../../shared/domain/snapshot.js';

/** The example organization and rules (`examples/`), and the ids the tests talk about. */

const examplesFile = (path: string): string =>
  readFileSync(new URL(`../../../examples/${path}`, import.meta.url), 'utf8');

export const exampleSnapshot = (): Snapshot => parseSnapshot(JSON.parse(examplesFile('snapshot.json')), 'examples');

export const exampleRules = (): { name: string; text: string }[] =>
  ['birthright', 'settings', 'workloads'].map((name) => ({ name, text: examplesFile(`rules/${name}.yaml`) }));

export const rulesUpdate = (): { name: string; text: string } => ({
  name: 'workloads',
  text: examplesFile('events/rules-update/workloads.yaml'),
});

export const ROOT = 'r-ab12';
export const PROD = 'ou-ab12-7c1e2d30';
export const STAGING = 'ou-ab12-8a2f3e41';
export const DEV = 'ou-ab12-9d3a4f52';

export const PAYMENTS_PROD = '444455550001';
export const ORDERS_STAGING = '555566660002';
export const SANDBOX_BOB = '777788880002';
export const ML_PROD = '444455550004';
export const NEW_ACCOUNT = '999911112222';

export const ALICE = '4a39fd12-0c04-4961-bb50-801732aa40c2';
export const BOB = '89fe5f0f-204e-4e17-9821-deec19bd8d00';
export const PLATFORM_ADMINS = '6769e45f-521d-4d47-bf9e-5486d7d6ae4b';
export const DEVELOPERS = '5005a685-ee71-4d1b-b3a8-051c7f160f3c';
export const DATA_ENGINEERS = '4229572c-b3d9-4bd7-8bc9-39b16e1fbcb9';

/** A user the directory does not hold yet, with the attributes `sre-prod-readonly` selects. */
export const newSre = (id: string): Snapshot['users'][number] => ({
  id,
  userName: `sre-${id.slice(0, 8)}@example.com`,
  displayName: 'New SRE',
  active: true,
  title: 'SRE',
  department: 'Engineering',
});

/** A local system on the example organization and rules. */
export const exampleSystem = (options: Partial<LocalSystemOptions> = {}): Promise<LocalSystem> =>
  createLocalSystem({ snapshot: exampleSnapshot(), rules: exampleRules(), ...options });

/**
 * The access on one account as sorted `PermissionSet TYPE name` strings, names read from the same
 * snapshot (a deleted principal shows by id).
 */
export const accessOn = (snapshot: Snapshot, accountId: string): string[] => {
  const sets = new Map(snapshot.permissionSets.map((p) => [p.arn, p.name]));
  const names = new Map<string, string>([
    ...snapshot.users.map((u): [string, string] => [u.id, u.userName]),
    ...snapshot.groups.map((g): [string, string] => [g.id, g.displayName]),
  ]);
  return snapshot.assignments
    .filter((a) => a.accountId === accountId)
    .map(
      (a) =>
        `${sets.get(a.permissionSetArn) ?? a.permissionSetArn} ${a.principalType} ${names.get(a.principalId) ?? a.principalId}`,
    )
    .sort();
};

/** Every assignment of one principal, as `accountId PermissionSet`. */
export const assignmentsOf = (snapshot: Snapshot, principalId: string): string[] => {
  const sets = new Map(snapshot.permissionSets.map((p) => [p.arn, p.name]));
  return snapshot.assignments
    .filter((a) => a.principalId === principalId)
    .map((a) => `${a.accountId} ${sets.get(a.permissionSetArn) ?? a.permissionSetArn}`)
    .sort();
};

export const groupsOf = (snapshot: Snapshot, userId: string): string[] => {
  const names = new Map(snapshot.groups.map((g) => [g.id, g.displayName]));
  return snapshot.groupMemberships
    .filter((m) => m.userId === userId)
    .map((m) => names.get(m.groupId) ?? m.groupId)
    .sort();
};
