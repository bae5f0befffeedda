import { CustomResource } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { rulesSeed } from '../permissions.js';
import type { RulesSeedDocument } from '../rules-seed.js';
import type { SeedProperties } from '../rules-seeder/handler.js';
import { LifecycleFunction } from './lifecycle-function.js';

export interface RulesSeedProps {
  readonly rulesPath: string;
  /** The documents named by the configuration's `rulesSeedDirectory`. */
  readonly documents: readonly RulesSeedDocument[];
  readonly failureQueue: IQueue;
  readonly logRetention: RetentionDays;
}

/**
 * Seeds the rules path on first deployment, and only if it is empty (infra/rules-seeder/handler.ts).
 * A later deployment never writes a rules document, whatever the seed files say, and removing the
 * stack leaves the documents in place: after the first deployment the rules belong to publishing.
 */
export class RulesSeed extends Construct {
  readonly function: LifecycleFunction;

  constructor(scope: Construct, id: string, props: RulesSeedProps) {
    super(scope, id);
    this.function = new LifecycleFunction(this, 'Seeder', {
      entry: 'infra/rules-seeder/index.ts',
      description:
        'idc-lifecycle rules seed: creates the seed documents when the rules path is empty, never overwrites',
      failureQueue: props.failureQueue,
      logRetention: props.logRetention,
    });
    this.function.allow(rulesSeed(this, props.rulesPath));
    const properties: SeedProperties = {
      RulesPath: props.rulesPath,
      Documents: props.documents.map(({ name, body, tier }) => ({ name, body, tier })),
    };
    new CustomResource(this, 'Resource', {
      serviceToken: this.function.function.functionArn,
      resourceType: 'Custom::IdcLifecycleRulesSeed',
      properties: { ...properties },
    });
  }
}
