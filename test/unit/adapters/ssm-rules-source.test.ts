import { GetParameterHistoryCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckRulesDocument,
  SsmRulesSource,
  type ValidateRuleSet,
} from '../../../shared/adapters/ssm-rules-source.js';
import { RulesUnavailableError, RulesValidationError } from '../../../shared/domain/errors.js';
import type { RulesIssue } from '../../../shared/domain/rules/load.js';
import type { RuleSet } from '../../../shared/domain/rules/schema.js';

const PATH = '/idc-lifecycle/rules/';
const ssm = mockClient(SSMClient);

/**
 * Fake validators: a document is `ids: a, b`; one whose text starts with "broken" is invalid on
 * its own; the merged set is invalid when two documents share an id.
 */
const idsOf = (text: string) =>
  text
    .replace(/^ids:/, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const checkDocument: CheckRulesDocument = (source) =>
  source.text.startsWith('broken')
    ? { ok: false, issues: [{ document: source.name, path: 'assignments[0]', line: 3, message: 'unknown key' }] }
    : { ok: true };

const validate: ValidateRuleSet = (sources) => {
  const owner: Record<string, string> = {};
  const issues: RulesIssue[] = [];
  for (const source of sources) {
    for (const id of idsOf(source.text)) {
      if (owner[id] !== undefined) issues.push({ document: source.name, path: '', message: `duplicate rule id ${id}` });
      owner[id] = source.name;
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  const ruleSet: RuleSet = {
    settings: {
      managedPermissionSets: undefined,
      protected: { permissionSets: [], principals: [], accounts: [] },
      revocationGuard: { maxPerRun: 100 },
      mode: 'enforce',
      offboarding: { onUserDisabled: true, removeGroupMemberships: true },
      includeManagementAccount: false,
    },
    assignments: [],
    memberships: [],
    sources: owner,
  };
  return { ok: true, ruleSet };
};

const makeSource = () => new SsmRulesSource(new SSMClient({}), { path: PATH, validate, checkDocument });

beforeEach(() => {
  ssm.reset();
});

describe('SsmRulesSource.load', () => {
  it('pages GetParametersByPath to the end through short and empty pages', async () => {
    // Prepare
    ssm
      .on(GetParametersByPathCommand, { NextToken: undefined })
      .resolves({ Parameters: [], NextToken: 't1' })
      .on(GetParametersByPathCommand, { NextToken: 't1' })
      .resolves({ Parameters: [{ Name: `${PATH}platform`, Value: 'ids: a', Version: 1 }], NextToken: 't2' })
      .on(GetParametersByPathCommand, { NextToken: 't2' })
      .resolves({ Parameters: [], NextToken: 't3' })
      .on(GetParametersByPathCommand, { NextToken: 't3' })
      .resolves({ Parameters: [{ Name: `${PATH}teams/data`, Value: 'ids: b', Version: 4 }] });

    // Act
    const result = await makeSource().load();

    // Assess
    expect(result.ruleSet.sources).toEqual({ a: `${PATH}platform`, b: `${PATH}teams/data` });
    expect(result.rejections).toEqual([]);
    expect(ssm.commandCalls(GetParametersByPathCommand).map((c) => c.args[0].input)).toEqual(
      [undefined, 't1', 't2', 't3'].map((NextToken) => ({
        Path: PATH,
        Recursive: true,
        WithDecryption: true,
        MaxResults: 10,
        NextToken,
      })),
    );
    expect(ssm.commandCalls(GetParameterHistoryCommand)).toHaveLength(0);
  });

  it('falls back to the newest valid version of a document whose newest version is invalid', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}platform`, Value: 'broken: v5', Version: 5 },
        { Name: `${PATH}data`, Value: 'ids: d', Version: 1 },
      ],
    });
    ssm
      .on(GetParameterHistoryCommand, { NextToken: undefined })
      .resolves({
        Parameters: [
          { Name: `${PATH}platform`, Value: 'ids: a', Version: 1 },
          { Name: `${PATH}platform`, Value: 'ids: a, b', Version: 2 },
        ],
        NextToken: 'h2',
      })
      .on(GetParameterHistoryCommand, { NextToken: 'h2' })
      .resolves({
        Parameters: [
          { Name: `${PATH}platform`, Value: 'broken: v3', Version: 3 },
          { Name: `${PATH}platform`, Value: 'broken: v4', Version: 4 },
          { Name: `${PATH}platform`, Value: 'broken: v5', Version: 5 },
        ],
      });

    // Act
    const result = await makeSource().load();

    // Assess
    expect(result.ruleSet.sources).toEqual({ a: `${PATH}platform`, b: `${PATH}platform`, d: `${PATH}data` });
    expect(result.rejections).toEqual([
      { document: `${PATH}platform`, message: `${PATH}platform:3: assignments[0]: unknown key`, fallbackVersion: 2 },
    ]);
    expect(ssm.commandCalls(GetParameterHistoryCommand).map((c) => c.args[0].input)).toEqual([
      { Name: `${PATH}platform`, WithDecryption: true, MaxResults: 50, NextToken: undefined },
      { Name: `${PATH}platform`, WithDecryption: true, MaxResults: 50, NextToken: 'h2' },
    ]);
  });

  it('rejects and leaves out a document that never had a valid version', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}new`, Value: 'broken: v1', Version: 1 },
        { Name: `${PATH}platform`, Value: 'ids: a', Version: 2 },
      ],
    });
    ssm
      .on(GetParameterHistoryCommand)
      .resolves({ Parameters: [{ Name: `${PATH}new`, Value: 'broken: v1', Version: 1 }] });

    // Act
    const result = await makeSource().load();

    // Assess
    expect(result.ruleSet.sources).toEqual({ a: `${PATH}platform` });
    expect(result.rejections).toEqual([
      { document: `${PATH}new`, message: `${PATH}new:3: assignments[0]: unknown key` },
    ]);
  });

  it('throws RulesUnavailableError when no valid document remains', async () => {
    // Prepare
    ssm
      .on(GetParametersByPathCommand)
      .resolves({ Parameters: [{ Name: `${PATH}platform`, Value: 'broken', Version: 1 }] });
    ssm
      .on(GetParameterHistoryCommand)
      .resolves({ Parameters: [{ Name: `${PATH}platform`, Value: 'broken', Version: 1 }] });

    // Act
    const result = makeSource().load();

    // Assess
    await expect(result).rejects.toBeInstanceOf(RulesUnavailableError);
    await expect(result).rejects.toThrow(/unknown key/);
  });

  it('throws RulesUnavailableError, never an empty rule set, when every document was deleted', async () => {
    // Prepare
    ssm
      .on(GetParametersByPathCommand)
      .resolves({ Parameters: [], NextToken: 'still-paging' })
      .on(GetParametersByPathCommand, { NextToken: 'still-paging' })
      .resolves({ Parameters: [] });

    // Act
    const result = makeSource().load();

    // Assess
    await expect(result).rejects.toBeInstanceOf(RulesUnavailableError);
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(2);
  });

  it('steps the most recently changed clashing document back to its previous valid version', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}one`, Value: 'ids: a', Version: 1, LastModifiedDate: new Date('2026-01-01') },
        { Name: `${PATH}two`, Value: 'ids: a, c', Version: 3, LastModifiedDate: new Date('2026-02-01') },
      ],
    });
    ssm.on(GetParameterHistoryCommand, { Name: `${PATH}two` }).resolves({
      Parameters: [
        { Name: `${PATH}two`, Value: 'ids: b', Version: 1 },
        { Name: `${PATH}two`, Value: 'broken', Version: 2 },
        { Name: `${PATH}two`, Value: 'ids: a, c', Version: 3 },
      ],
    });

    // Act
    const { ruleSet, rejections } = await makeSource().load();

    // Assess
    expect(ruleSet.sources).toEqual({ a: `${PATH}one`, b: `${PATH}two` });
    expect(rejections).toEqual([
      {
        document: `${PATH}two`,
        message: expect.stringContaining('conflicts with the other rules documents'),
        fallbackVersion: 1,
      },
    ]);
  });

  it('leaves out a clashing document that has no earlier valid version', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}one`, Value: 'ids: a', Version: 1, LastModifiedDate: new Date('2026-01-01') },
        { Name: `${PATH}two`, Value: 'ids: a', Version: 1, LastModifiedDate: new Date('2026-02-01') },
      ],
    });
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [{ Name: `${PATH}two`, Value: 'ids: a', Version: 1 }] });

    // Act
    const { ruleSet, rejections } = await makeSource().load();

    // Assess
    expect(ruleSet.sources).toEqual({ a: `${PATH}one` });
    expect(rejections).toEqual([{ document: `${PATH}two`, message: expect.stringContaining('duplicate rule id a') }]);
  });

  it('throws RulesUnavailableError with the issues when no document can be stepped back', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [{ Name: `${PATH}one`, Value: 'ids: a', Version: 1 }] });
    const issues = [{ document: '(rule set)', path: '', message: 'no rules in any document' }];
    const source = new SsmRulesSource(new SSMClient({}), {
      path: PATH,
      validate: () => ({ ok: false, issues }),
      checkDocument,
    });

    // Act
    const error = await source.load().then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(RulesUnavailableError);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(RulesValidationError);
    expect((cause as RulesValidationError).issues).toEqual(issues);
  });
});
