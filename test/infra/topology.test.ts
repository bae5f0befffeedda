import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../infra/config/deploy-config.js';
import { planTopology } from '../../infra/topology.js';
import { CROSS_ACCOUNT, SINGLE_ACCOUNT } from './support.js';

const plan = (input: Record<string, unknown>) => planTopology(parseDeployConfig(input));

describe('planTopology', () => {
  it('folds the forwarder into the main stack when everything lives in one account in us-east-1', () => {
    // Prepare / Act
    const topology = plan(SINGLE_ACCOUNT);

    // Assess
    expect(topology.forwarders).toEqual([]);
    expect([...topology.local].sort()).toEqual([
      'assignments',
      'controlTower',
      'identity',
      'identityNative',
      'organizations',
      'tag',
    ]);
    expect(topology.forwarded).toEqual([]);
  });

  it.each([
    [
      'Control Tower in us-east-1',
      { controlTowerHomeRegion: 'us-east-1' },
      [
        ['us-east-1', ['organizations', 'tag', 'controlTower']],
        ['eu-west-1', ['identity', 'assignments', 'identityNative']],
      ],
    ],
    [
      'Control Tower in the home Region',
      { controlTowerHomeRegion: 'eu-west-1' },
      [
        ['us-east-1', ['organizations', 'tag']],
        ['eu-west-1', ['controlTower', 'identity', 'assignments', 'identityNative']],
      ],
    ],
    [
      'no Control Tower',
      { controlTowerHomeRegion: undefined },
      [
        ['us-east-1', ['organizations', 'tag']],
        ['eu-west-1', ['identity', 'assignments', 'identityNative']],
      ],
    ],
  ])('forwards from each management-account Region that holds events (%s)', (_, overrides, expected) => {
    // Prepare / Act
    const topology = plan({ ...CROSS_ACCOUNT, ...overrides });

    // Assess
    expect(topology.forwarders.map((f) => [f.region, f.sources])).toEqual(expected);
    expect(topology.local).toEqual(['identity', 'assignments']);
  });

  it.each([
    ['the delegated administrator runs the automation', CROSS_ACCOUNT],
    ['the management account runs the automation', SINGLE_ACCOUNT],
  ])('watches assignment writes in both accounts that can make them when %s', (_, config) => {
    // Prepare / Act
    const topology = plan(config);

    // Assess: calls made from the automation account are logged there, the others in the management account.
    expect(topology.local).toContain('assignments');
    const forwardedFromHome = topology.forwarders.find((f) => f.region === config.homeRegion);
    if (config.automationAccountId !== config.managementAccountId) {
      expect(forwardedFromHome?.sources).toContain('assignments');
    } else {
      expect(topology.forwarded).not.toContain('assignments');
    }
  });

  it('puts the principal read role in the us-east-1 forwarder across accounts', () => {
    // Prepare / Act
    const topology = plan(CROSS_ACCOUNT);

    // Assess
    expect(topology.forwarders.filter((f) => f.principalReadRole).map((f) => f.region)).toEqual(['us-east-1']);
  });

  it('needs no principal read role when the management account runs the automation outside us-east-1', () => {
    // Prepare / Act
    const topology = plan({ ...SINGLE_ACCOUNT, homeRegion: 'eu-west-1', controlTowerHomeRegion: 'eu-west-1' });

    // Assess
    expect(topology.forwarders).toEqual([
      { region: 'us-east-1', sources: ['organizations', 'tag'], principalReadRole: false },
    ]);
    expect(topology.local).toEqual(['identity', 'assignments', 'identityNative', 'controlTower']);
  });
});
