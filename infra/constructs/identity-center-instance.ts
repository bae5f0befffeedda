import { Stack, Validations } from 'aws-cdk-lib';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { type IdentityCenterRefs, instanceDiscoveryStatements } from '../permissions.js';

export interface IdentityCenterInstanceProps {
  /** The organization management account, which owns the instance and its identity store. */
  readonly managementAccountId: string;
  /**
   * The instance ARN and identity store id from the configuration.
   * @default - both are discovered at deploy time with `sso:ListInstances`
   */
  readonly configured?: { readonly instanceArn: string; readonly identityStoreId: string };
}

/**
 * The Identity Center instance the automation manages: taken from the configuration, or discovered
 * once per deployment by a CDK-provided custom resource.
 */
export class IdentityCenterInstance extends Construct {
  readonly refs: IdentityCenterRefs;

  constructor(scope: Construct, id: string, props: IdentityCenterInstanceProps) {
    super(scope, id);
    if (props.configured) {
      this.refs = { ...props.configured, managementAccountId: props.managementAccountId };
      return;
    }
    const call = {
      service: 'SSOAdmin',
      action: 'listInstances',
      physicalResourceId: PhysicalResourceId.of('idc-lifecycle-instance'),
      outputPaths: ['Instances.0.InstanceArn', 'Instances.0.IdentityStoreId', 'Instances.0.OwnerAccountId'],
    };
    const discovery = new AwsCustomResource(this, 'Discovery', {
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromStatements(instanceDiscoveryStatements()),
      installLatestAwsSdk: false,
    });
    Validations.of(discovery).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'sso:ListInstances supports no resource type: "*" is required (infra/permissions.ts).',
    });
    this.#acknowledgeProvider();
    this.refs = {
      instanceArn: discovery.getResponseField('Instances.0.InstanceArn'),
      identityStoreId: discovery.getResponseField('Instances.0.IdentityStoreId'),
      managementAccountId: discovery.getResponseField('Instances.0.OwnerAccountId'),
    };
  }

  /** The provider function is a CDK singleton at the stack's root, with settings this project does not control. */
  #acknowledgeProvider(): void {
    const stack = Stack.of(this);
    const provider = stack.node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!provider) throw new Error('the AwsCustomResource provider function was not found');
    const reasons: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The CDK-owned provider of AwsCustomResource uses the basic execution policy; it runs once per deployment to read the instance ARN.',
      'Serverless-LambdaDLQ':
        'Invoked synchronously by CloudFormation, which reports a failure as a failed deployment.',
      'Serverless-LambdaDefaultMemorySize': 'The CDK-owned provider runs one ListInstances call per deployment.',
      'Serverless-LambdaTracing':
        'The CDK-owned provider runs one ListInstances call per deployment; nothing to trace.',
    };
    for (const [ackId, reason] of Object.entries(reasons)) Validations.of(provider).acknowledge({ id: ackId, reason });
  }
}
