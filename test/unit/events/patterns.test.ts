import { describe, expect, it } from 'vitest';
import { eventPatterns } from '../../../shared/events/index.js';
import {
  asDelivered,
  listJsonFiles,
  outcomeOf,
  PUBLIC_SAMPLES,
  RULES_PATH,
  readJson,
  SYNTHETIC_FIXTURES,
  withField,
} from './support.js';

/**
 * The subset of EventBridge pattern matching the patterns use: value lists (a field that is an
 * array matches when any element does), nested objects, `prefix` and `exists`.
 */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matchesValue = (rule: unknown, value: unknown): boolean => {
  if (Array.isArray(value)) return value.some((element) => matchesValue(rule, element));
  if (isObject(rule)) {
    if ('exists' in rule) return (value !== undefined) === rule.exists;
    if ('prefix' in rule)
      return typeof value === 'string' && typeof rule.prefix === 'string' && value.startsWith(rule.prefix);
    throw new Error(`the test matcher does not know ${Object.keys(rule).join(',')}`);
  }
  return value === rule;
};

const matches = (pattern: Record<string, unknown>, event: unknown): boolean =>
  isObject(event) &&
  Object.entries(pattern).every(([key, rule]) => {
    const value = event[key];
    if (Array.isArray(rule)) return rule.some((r) => matchesValue(r, value));
    return isObject(rule) && matches(rule, value);
  });

const patterns: Record<string, Record<string, unknown>> = {
  organizations: eventPatterns.organizations,
  controlTower: eventPatterns.controlTower,
  tag: eventPatterns.tag,
  identity: eventPatterns.identity,
  assignments: eventPatterns.assignments,
  identityNative: eventPatterns.identityNative,
  ssm: eventPatterns.ssm(RULES_PATH),
};

const matchingPatterns = (event: unknown): string[] =>
  Object.entries(patterns)
    .filter(([, pattern]) => matches(pattern, event))
    .map(([name]) => name);

const allEvents = (): [string, Record<string, unknown>][] => [
  ...listJsonFiles(PUBLIC_SAMPLES).map((path): [string, Record<string, unknown>] => [
    path,
    asDelivered(path, readJson(PUBLIC_SAMPLES, path)),
  ]),
  ...listJsonFiles(SYNTHETIC_FIXTURES).map((path): [string, Record<string, unknown>] => [
    path,
    readJson(SYNTHETIC_FIXTURES, path),
  ]),
];

/** A scheduled rule and a Scheduler schedule reach the intake without any pattern. */
const needsNoPattern = (event: Record<string, unknown>): boolean =>
  'idc-lifecycle' in event || event['detail-type'] === 'Scheduled Event';

/** The source abridged this record down to a few fields, `eventSource` among those it dropped. */
const ABRIDGED = 'identitystore/CreateGroupMembership.partial.json';

describe('eventPatterns', () => {
  it.each(
    allEvents().filter(([path, event]) => path !== ABRIDGED && 'work' in outcomeOf(event) && !needsNoPattern(event)),
  )('lets %s through exactly one rule', (_, event) => {
    // Prepare
    const delivered = event;

    // Act
    const matched = matchingPatterns(delivered);

    // Assess
    expect(matched).toHaveLength(1);
  });

  it.each([
    'organizations/CreateAccount.json',
    'organizations/CreateOrganizationalUnit.json',
    'organizations/InviteAccountToOrganization.json',
    'identitystore-scim/CreateGroup.failed-ConflictException.json',
    'identitystore-scim/PatchUser.failed-ValidationException.json',
    'ssm/ParameterStoreChange.Update.json',
    'tag/TagChangeOnResource.ec2-doc-example.json',
  ])('keeps out the sample %s, which names no scope', (path) => {
    // Prepare
    const event = asDelivered(path, readJson(PUBLIC_SAMPLES, path));

    // Act
    const matched = matchingPatterns(event);

    // Assess
    expect(matched).toEqual([]);
  });

  it.each(allEvents().filter(([, event]) => String(event['detail-type']).endsWith('via CloudTrail')))(
    'keeps out %s when the call failed',
    (_, event) => {
      // Prepare
      const failed = withField(event, ['detail', 'errorCode'], 'AccessDeniedException');

      // Act
      const matched = matchingPatterns(failed);

      // Assess
      expect(matched).toEqual([]);
    },
  );

  it.each([
    ['/idc-lifecycle/rules/', '/idc-lifecycle/rules', true],
    ['/idc-lifecycle/rules/', '/idc-lifecycle/rules/a', true],
    ['/idc-lifecycle/rules', '/idc-lifecycle/rules/a/b', true],
    ['/idc-lifecycle/rules/', '/idc-lifecycle/rulesX', false],
    ['/idc-lifecycle/rules/', '/idc-lifecycle/rulesX/a', false],
  ])('with rules path %s matches a change to %s: %s', (rulesPath, name, expected) => {
    // Prepare
    const event = {
      source: 'aws.ssm',
      'detail-type': 'Parameter Store Change',
      detail: { name, operation: 'Update' },
    };

    // Act
    const matched = matches(eventPatterns.ssm(rulesPath), event);

    // Assess
    expect(matched).toBe(expected);
  });
});
