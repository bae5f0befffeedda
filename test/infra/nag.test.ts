import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { findNagFindings } from '../../infra/nag.js';
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
});
