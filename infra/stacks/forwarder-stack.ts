import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  EventBus,
  type IEventBus,
  type IRule,
  type IRuleTarget,
  Rule,
  type RuleTargetConfig,
} from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config/deploy-config.js';
import { AlertTopic } from '../constructs/alert-topic.js';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.js';
import { TARGET_RETRY } from '../constructs/event-routes.js';
import { SOURCE_PATTERNS, toCdkEventPattern } from '../event-patterns.js';
import { acknowledgeWildcardResource } from '../nag.js';
import { type IdentityCenterRefs, principalAssignmentReadStatements } from '../permissions.js';
import type { ForwardedSource, ForwarderPlan } from '../topology.js';

/** The name of the narrow read role in the management account; the worker assumes it by ARN. */
export const PRINCIPAL_READ_ROLE_NAME = 'idc-lifecycle-principal-read';

/**
 * The forwarding role of the stack in `region`. Fixed, so that the main stack's bus policy can
 * name it before it exists; IAM names are global to an account, hence the Region in the name.
 */
export const forwarderRoleName = (region: string): string => `idc-lifecycle-forwarder-${region}`;

export interface EventForwarderStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly plan: ForwarderPlan;
  /** The custom bus of the main stack, in the automation account and home Region. */
  readonly targetBusArn: string;
  /**
   * The worker's execution role, the only principal that may assume the principal read role.
   * @default - required when `plan.principalReadRole` is set
   */
  readonly workerRoleArn?: string;
}

/**
 * Sends an event straight to a bus in another account or Region with a retry policy and a DLQ.
 * The aws-events-targets bus target has no retry-policy option, so this wraps it.
 */
export class ForwardToBus implements IRuleTarget {
  constructor(
    private readonly bus: IEventBus,
    private readonly props: { readonly role: Role; readonly deadLetterQueue: IQueue },
  ) {}

  bind(rule: IRule, id?: string): RuleTargetConfig {
    const config = new EventBusTarget(this.bus, this.props).bind(rule, id);
    return {
      ...config,
      retryPolicy: {
        maximumRetryAttempts: TARGET_RETRY.retryAttempts,
        maximumEventAgeInSeconds: TARGET_RETRY.maxEventAge.toSeconds(),
      },
    };
  }
}

/**
 * The management-account half (docs/aws-facts.md §2): rules on the default bus where Organizations,
 * Control Tower and Identity Store events are delivered, each forwarding in one hop to the custom
 * bus; and, in the us-east-1 stack, the narrow read role for ListAccountAssignmentsForPrincipal.
 */
export class EventForwarderStack extends Stack {
  readonly forwardingRole: Role;
  readonly principalReadRole?: Role;

  constructor(scope: Construct, id: string, props: EventForwarderStackProps) {
    super(scope, id, props);
    const { config, plan } = props;

    const alerts = new AlertTopic(this, 'Alerts', {
      displayName: `idc-lifecycle forwarder alarms (${plan.region})`,
      email: config.notificationEmail,
    });
    const dlq = new DeadLetterQueue(this, 'ForwardingDeadLetterQueue', {
      purpose: 'Events the forwarder could not deliver to the idc-lifecycle bus',
      runbook: 'forwarding-dlq',
    });
    alerts.notify(dlq.depthAlarm);
    new CfnOutput(this, 'ForwardingDeadLetterQueueUrl', {
      value: dlq.queue.queueUrl,
      description: 'Events that could not be forwarded to the idc-lifecycle bus',
    });

    this.forwardingRole = new Role(this, 'ForwardingRole', {
      roleName: forwarderRoleName(plan.region),
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: 'Lets EventBridge put forwarded events on the idc-lifecycle bus, nothing else',
    });
    const bus = EventBus.fromEventBusArn(this, 'TargetBus', props.targetBusArn);
    const target = new ForwardToBus(bus, { role: this.forwardingRole, deadLetterQueue: dlq.queue });
    for (const source of plan.sources) this.#forward(source, target, config.managementAccountId);

    if (plan.principalReadRole) {
      if (!props.workerRoleArn) throw new Error(`${id}: the principal read role needs the worker role ARN`);
      const refs: IdentityCenterRefs = {
        // In discovery mode the instance ARN is only known to the main stack at deploy time; an
        // organization has one organization instance, so instance/* names the same one.
        instanceArn: config.instanceArn ?? `arn:${this.partition}:sso:::instance/*`,
        identityStoreId: config.identityStoreId ?? '*',
        managementAccountId: config.managementAccountId,
      };
      this.principalReadRole = new Role(this, 'PrincipalReadRole', {
        roleName: PRINCIPAL_READ_ROLE_NAME,
        description:
          'Lets the idc-lifecycle worker list the assignments of one principal (management-account-only API)',
        // Trusting the account with a condition on the exact role ARN does not require the worker
        // role to exist yet, so the two accounts can deploy in either order.
        assumedBy: new AccountPrincipal(config.automationAccountId).withConditions({
          ArnEquals: { 'aws:PrincipalArn': props.workerRoleArn },
        }),
        maxSessionDuration: Duration.hours(1),
      });
      for (const statement of principalAssignmentReadStatements(refs)) this.principalReadRole.addToPolicy(statement);
      if (!config.instanceArn) {
        acknowledgeWildcardResource(
          this.principalReadRole,
          refs.instanceArn,
          'Instance discovery mode: the instance ARN is discovered in the automation account at deploy time and cannot be referenced across accounts; an organization has exactly one organization instance.',
        );
      }
    }
  }

  #forward(source: ForwardedSource, target: IRuleTarget, account: string): void {
    const { id, description, raw } = SOURCE_PATTERNS[source];
    new Rule(this, `Forward${id}`, {
      description: `Forwards ${description} to the idc-lifecycle bus`,
      eventPattern: toCdkEventPattern(raw, { account: [account] }),
      targets: [target],
    });
  }
}
