import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.js';
import { rulesParameterArns } from '../permissions.js';

export interface RulesPublisherPolicyProps {
  readonly rulesPath: string;
}

/**
 * A ready policy for whoever publishes rules (`idc-lifecycle publish`): read and write the
 * documents under the rules path, nothing else. Whoever holds it decides access across the
 * organization within the guardrails, so attach it to the publishing pipeline's role only
 * (docs/deployment.md §5.1); the stack attaches it to nobody.
 */
export class RulesPublisherPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: RulesPublisherPolicyProps) {
    super(scope, id);
    const [path, documents] = rulesParameterArns(this, props.rulesPath);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `Publish idc-lifecycle rules documents under ${props.rulesPath} (idc-lifecycle publish)`,
      statements: [
        new PolicyStatement({
          sid: 'ReadRules',
          actions: ['ssm:GetParametersByPath', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParameterHistory'],
          resources: [path, documents],
        }),
        new PolicyStatement({
          sid: 'PublishRules',
          actions: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:DeleteParameters'],
          resources: [documents],
        }),
      ],
    });
    acknowledgeWildcardResource(
      this.policy,
      documents,
      'Publishing adds, updates and removes documents under the rules path by name; the statement goes no wider than that path.',
    );
  }
}
