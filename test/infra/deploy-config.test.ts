import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployConfigError, loadDeployConfig, parseDeployConfig } from '../../infra/config/deploy-config.js';
import { CROSS_ACCOUNT, DISCOVERY } from './support.js';

const problemsOf = (input: unknown): readonly string[] => {
  try {
    parseDeployConfig(input);
  } catch (error) {
    if (error instanceof DeployConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('parseDeployConfig', () => {
  it.each([
    ['a short account id', { managementAccountId: '1234' }, 'managementAccountId must be 12 digits (got "1234")'],
    [
      'a numeric account id',
      { automationAccountId: 222222222222 },
      'automationAccountId must be a string of 12 digits (got 222222222222)',
    ],
    ['a missing Region', { homeRegion: undefined }, 'homeRegion is required'],
    [
      'a made-up Region',
      { homeRegion: 'europe' },
      'homeRegion must be a Region name such as "eu-west-1" (got "europe")',
    ],
    [
      'an instance id instead of an ARN',
      { instanceArn: 'ssoins-1234567890abcdef' },
      'instanceArn must be an Identity Center instance ARN',
    ],
    [
      'an identity store ARN',
      { identityStoreId: 'arn:aws:identitystore::1:identitystore/d-1234567890' },
      'identityStoreId must be an identity store id',
    ],
    [
      'a rules path without the trailing slash',
      { rulesPath: '/idc-lifecycle/rules' },
      'rulesPath must be an SSM parameter path that starts and ends with "/"',
    ],
    ['a reserved rules path', { rulesPath: '/aws/rules/' }, 'rulesPath must not start with "/aws" or "/ssm"'],
    ['a five-field cron', { sweepSchedule: 'cron(0 3 * * *)' }, 'sweepSchedule must have six fields inside cron(…)'],
    [
      'a crontab line',
      { sweepSchedule: '0 3 * * *' },
      'sweepSchedule must be "rate(<n> <minutes|hours|days>)" or "cron(<six fields>)"',
    ],
    ['a rate of zero', { sweepSchedule: 'rate(0 hours)' }, 'sweepSchedule must not be a rate of 0'],
    ['an unknown mode', { mode: 'dry-run' }, 'mode must be "enforce" or "report" (got "dry-run")'],
    [
      'a bad e-mail',
      { notificationEmail: 'platform-team' },
      'notificationEmail must be an e-mail address (got "platform-team")',
    ],
    ['an unsupported retention', { logRetentionDays: 45 }, 'logRetentionDays must be one of 1, 3, 5'],
    [
      'an instance ARN without its identity store',
      { identityStoreId: undefined },
      'identityStoreId must be given together with the other one',
    ],
    ['a misspelt field', { homeregion: 'eu-west-1' }, 'unknown field "homeregion"'],
    [
      'a guardrail account that is not an account id',
      { guardrails: { accountIds: ['12345'] } },
      'guardrails.accountIds.0 must be 12 digits (got "12345")',
    ],
    [
      'a guardrail permission set given by name',
      { guardrails: { permissionSetArns: ['AdministratorAccess'] } },
      'guardrails.permissionSetArns.0 must be a permission set ARN',
    ],
    [
      'a guardrail permission set of another instance',
      {
        guardrails: { permissionSetArns: ['arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-1234567890abcdef'] },
      },
      'guardrails.permissionSetArns.0 must be a permission set of the configured instance ssoins-1234567890abcdef',
    ],
    [
      'a guardrail group given by display name',
      { guardrails: { groupIds: ['Administrators'] } },
      'guardrails.groupIds.0 must be an Identity Store group id',
    ],
    [
      'a guardrail listed twice',
      { guardrails: { accountIds: ['333333333333', '333333333333'] } },
      'guardrails.accountIds must not list an entry twice',
    ],
    ['a misspelt guardrail list', { guardrails: { accounts: ['333333333333'] } }, 'unknown field "accounts"'],
  ])('rejects %s with an actionable message', (_, overrides, message) => {
    // Prepare
    const input = { ...CROSS_ACCOUNT, ...overrides };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.some((problem) => problem.startsWith(message))).toBe(true);
  });

  it('lists every problem at once', () => {
    // Prepare
    const input = { ...CROSS_ACCOUNT, managementAccountId: '1', automationAccountId: '2', mode: 'x' };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toHaveLength(3);
  });

  it('fills in the defaults for an instance discovered at deploy time', () => {
    // Prepare / Act
    const config = parseDeployConfig(DISCOVERY);

    // Assess
    expect(config).toMatchObject({
      rulesPath: '/idc-lifecycle/rules/',
      sweepSchedule: 'rate(1 day)',
      mode: 'report',
      logRetentionDays: 90,
      guardrails: { permissionSetArns: [], accountIds: [], groupIds: [] },
    });
    expect(config.instanceArn).toBeUndefined();
    // No seed unless the configuration names one: the example rules are never deployed by default.
    expect(config.rulesSeedDirectory).toBeUndefined();
  });

  it('accepts a six-field cron expression', () => {
    // Prepare / Act
    const config = parseDeployConfig({ ...DISCOVERY, sweepSchedule: 'cron(0 3 * * ? *)' });

    // Assess
    expect(config.sweepSchedule).toBe('cron(0 3 * * ? *)');
  });
});

describe('loadDeployConfig', () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'idc-config-')), 'config.json');
    writeFileSync(path, content);
    return path;
  };

  it('reads the example configuration', () => {
    // Prepare / Act
    const config = loadDeployConfig('infra/config/example.config.json');

    // Assess
    expect(config.homeRegion).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
  });

  it('names the file and says how to pass another one when it is missing', () => {
    // Prepare / Act / Assess
    expect(() => loadDeployConfig('/nonexistent/config.json')).toThrow(
      /\/nonexistent\/config\.json[\s\S]*-c config=<path>/,
    );
  });

  it('reports invalid JSON as a configuration error', () => {
    // Prepare
    const path = file('{ "homeRegion": ');

    // Act / Assess
    expect(() => loadDeployConfig(path)).toThrow(DeployConfigError);
  });

  it('names the file in validation errors', () => {
    // Prepare
    const path = file(JSON.stringify({ ...CROSS_ACCOUNT, managementAccountId: '1234' }));

    // Act / Assess
    expect(() => loadDeployConfig(path)).toThrow(`Invalid deploy configuration ${path}`);
  });
});
