import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { APPROVAL_DETAIL_TYPE, APPROVAL_SOURCE } from '../../shared/events/approval.js';
import { TARGET_RETRY } from './event-routes.js';

/** The table name `idc-lifecycle runs` and `approve` use by default (cli/commands/runs.ts). */
export const RUN_TABLE_NAME = 'idc-lifecycle-runs';
/** The managed policy docs/deployment.md tells operators to attach to whoever may approve runs. */
export const APPROVER_POLICY_NAME = 'idc-lifecycle-approver';

export interface RunStoreProps {
  /** The lifecycle bus that carries "Run Approval" events to the fan-out. */
  readonly eventBus: IEventBus;
}

export interface ApprovalRouteProps {
  /** The fan-out, which starts the approval run. */
  readonly fanout: IFunction;
  /** Where an approval that cannot be delivered is parked. */
  readonly deadLetterQueue: IQueue;
  /** Only approvals put in this account count (the bus also admits forwarders). */
  readonly accountId: string;
}

/**
 * Where runs live (docs/design.md §1 "Runs"): one DynamoDB table for run records, the partial
 * reads of organization-wide runs, the accepted rules version and the organization totals; items
 * expire after 30 days (`expiresAt`). Also defines who may approve a blocked run: the approver
 * managed policy allows putting "Run Approval" on the bus, and reading runs, and nothing else.
 */
export class RunStore extends Construct {
  readonly table: Table;
  readonly approverPolicy: ManagedPolicy;
  readonly #eventBus: IEventBus;

  constructor(scope: Construct, id: string, props: RunStoreProps) {
    super(scope, id);
    this.#eventBus = props.eventBus;
    this.table = new Table(this, 'Table', {
      tableName: RUN_TABLE_NAME,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Run records are the audit trail of approvals: a stack deletion keeps them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.approverPolicy = new ManagedPolicy(this, 'ApproverPolicy', {
      managedPolicyName: APPROVER_POLICY_NAME,
      description: 'Approve blocked idc-lifecycle runs (idc-lifecycle approve) and list runs (idc-lifecycle runs)',
      statements: [
        new PolicyStatement({
          sid: 'PutRunApproval',
          actions: ['events:PutEvents'],
          resources: [props.eventBus.eventBusArn],
          conditions: {
            StringEquals: { 'events:source': APPROVAL_SOURCE, 'events:detail-type': APPROVAL_DETAIL_TYPE },
          },
        }),
        new PolicyStatement({
          sid: 'ReadRuns',
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: [this.table.tableArn],
        }),
      ],
    });
  }

  /** Sends "Run Approval" events put in the stack's account to the fan-out, with the house retry and DLQ. */
  routeApprovals(props: ApprovalRouteProps): Rule {
    return new Rule(this, 'ApprovalRoute', {
      description: 'An approver released a blocked run (idc-lifecycle approve): apply its held revocations',
      eventBus: this.#eventBus,
      eventPattern: { source: [APPROVAL_SOURCE], detailType: [APPROVAL_DETAIL_TYPE], account: [props.accountId] },
      targets: [new LambdaTarget(props.fanout, { deadLetterQueue: props.deadLetterQueue, ...TARGET_RETRY })],
    });
  }

  /** The reads and writes the fan-out and the worker make: items only, no scans, no deletes. */
  grantRunAccess(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
      }),
    );
  }
}
