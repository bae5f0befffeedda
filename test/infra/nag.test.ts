import { App, Aws, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { acknowledgeWildcardResource, findNagFindings } from '../../infra/nag.js';
import { CROSS_ACCOUNT, DISCOVERY, GUARDED, SINGLE_ACCOUNT, synthesize } from './support.js';

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  it.each([
    ['a delegated-administrator deployment', CROSS_ACCOUNT],
    ['a single account in us-east-1', SINGLE_ACCOUNT],
    ['instance discovery', DISCOVERY],
    ['the management account outside us-east-1', { ...SINGLE_ACCOUNT, homeRegion: 'eu-central-1' }],
    ['guardrails', { ...CROSS_ACCOUNT, ...GUARDED }],
  ])('leaves no unacknowledged finding for %s', (_, input) => {
    // Prepare
    const { app } = synthesize(input);

    // Act
    const findings = findNagFindings(app);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports a finding on a resource that breaks a rule', () => {
    // Prepare
    const app = new App();
    new Queue(new Stack(app, 'Plain'), 'Unencrypted');

    // Act
    const rules = findNagFindings(app).map((finding) => finding.rule);

    // Assess
    expect(rules).toContain('AwsSolutions-SQS4');
  });

  it('gives every acknowledgement a reason', () => {
    // Prepare
    const { app } = synthesize(CROSS_ACCOUNT);

    // Act
    const reasons = app.node
      .findAll()
      .flatMap((node) =>
        node.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
      )
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));

    // Assess
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.filter((reason) => reason.trim().length < 20)).toEqual([]);
  });

  it.each([
    ['a literal ARN', (queue: Queue) => `arn:aws:sqs:eu-west-1:222222222222:${queue.node.id}*`],
    ['an ARN built from a resource attribute', (queue: Queue) => `${queue.queueArn}*`],
    ['an ARN with the partition pseudo parameter', () => `arn:${Aws.PARTITION}:sqs:eu-west-1:222222222222:work*`],
  ])('acknowledges the wildcard finding of %s under the id cdk-nag gives it', (_, resourceOf) => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Acknowledged', { env: { account: '222222222222', region: 'eu-west-1' } });
    const queue = new Queue(stack, 'Work', { enforceSSL: true });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'Not under test: only the role is.' });
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const resource = resourceOf(queue);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [resource] }));
    const wildcardFindings = () =>
      findNagFindings(app).filter((finding) => finding.rule.startsWith('AwsSolutions-IAM5[Resource::'));
    const before = wildcardFindings();

    // Act
    acknowledgeWildcardResource(role, resource, 'The queue and its versions, for this test.');

    // Assess
    expect(before).toHaveLength(1);
    expect(wildcardFindings()).toEqual([]);
  });
});
