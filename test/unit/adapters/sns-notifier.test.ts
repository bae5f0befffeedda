import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatSummary, SnsNotifier, toSubject } from '../../../shared/adapters/sns-notifier.js';
import { emptyPlan, type Plan } from '../../../shared/domain/plan-types.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:idc-lifecycle-summary';
const sns = mockClient(SNSClient);

const plan: Plan = {
  ...emptyPlan(),
  create: [
    {
      accountId: '222233334444',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      permissionSetName: 'AdministratorAccess',
      principalType: 'GROUP',
      principalId: 'g-1',
      principalName: 'Platform Admins',
      ruleIds: ['platform-admins'],
    },
  ],
  delete: [
    {
      accountId: '222233334444',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-2',
      permissionSetName: 'ReadOnlyAccess',
      principalType: 'USER',
      principalId: 'u-1',
      principalName: 'alice@example.com',
      reason: 'user disabled',
    },
  ],
  blocked: [{ reason: 'revocation guard: 30 > maxPerRun 25', wouldDelete: 30, changes: [] }],
};

beforeEach(() => {
  sns.reset();
});

describe('SnsNotifier.notify', () => {
  it('publishes the subject and a readable summary to the topic', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    await new SnsNotifier(new SNSClient({}), TOPIC).notify('Reconcile of 222233334444', {
      scope: 'account:222233334444',
      plan,
      applied: true,
    });

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toBe('Reconcile of 222233334444');
    expect(input?.Message).toBe(formatSummary({ scope: 'account:222233334444', plan, applied: true }));
  });
});

describe('formatSummary', () => {
  it('names every change with its principal, permission set, account and rule or reason', () => {
    // Act
    const text = formatSummary({ scope: 'account:222233334444', plan, applied: true });

    // Assess
    expect(text).toContain('Scope: account:222233334444');
    expect(text).toContain('Created:');
    expect(text).toContain(
      '+ AdministratorAccess for GROUP Platform Admins (g-1) on 222233334444 [rules: platform-admins]',
    );
    expect(text).toContain('- ReadOnlyAccess for USER alice@example.com (u-1) on 222233334444: user disabled');
    expect(text).toContain('revocation guard: 30 > maxPerRun 25 (30 revocation(s) held back)');
  });

  it('says that nothing was changed in report mode', () => {
    // Act
    const text = formatSummary({ scope: 'all', plan, applied: false });

    // Assess
    expect(text).toContain('report only, nothing was changed');
    expect(text).toContain('Would create:');
    expect(text).not.toContain('Created:');
  });

  it('shows at most 100 lines per section and counts the rest', () => {
    // Prepare
    const first = plan.create[0];
    if (!first) throw new Error('fixture');
    const many: Plan = {
      ...emptyPlan(),
      create: Array.from({ length: 130 }, (_, i) => ({ ...first, principalId: `g-${i}` })),
    };

    // Act
    const text = formatSummary({ scope: 'all', plan: many, applied: true });

    // Assess
    expect(text.split('\n').filter((line) => line.startsWith('  + '))).toHaveLength(100);
    expect(text).toContain('... and 30 more');
    expect(text).toContain('Creates: 130');
  });
});

describe('toSubject', () => {
  it.each([
    ['Short subject', 'Short subject'],
    ['line one\nline two', 'line one line two'],
    ['', 'idc-lifecycle'],
  ])('turns %j into %j', (input, expected) => {
    // Act / Assess
    expect(toSubject(input)).toBe(expected);
  });

  it('cuts a long subject below SNS limit of 100 characters', () => {
    // Act
    const subject = toSubject('x'.repeat(250));

    // Assess
    expect(subject).toHaveLength(99);
    expect(subject.endsWith('...')).toBe(true);
  });
});
