import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE as EMF_NAMESPACE } from '../../shared/runtime/metrics.js';
import { FUNCTION_BUNDLING } from '../bundling.js';
import { acknowledgeWildcardResource } from '../nag.js';
import type { Permission } from '../permissions.js';

/** The repository root: entries, the lock file and esbuild are resolved from here. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The namespace and `service` dimension of the functions' EMF metrics (Powertools). */
export const METRICS_NAMESPACE = EMF_NAMESPACE;
export const SERVICE_NAME = 'idc-lifecycle';

export interface LifecycleFunctionProps {
  /** Path of the function's `index.ts` (which exports `handler`), relative to the repository root. */
  readonly entry: string;
  /** Shown in the Lambda console: what triggers the function and what it changes. */
  readonly description: string;
  /** Where an asynchronous invocation goes once Lambda has given up retrying it. */
  readonly failureQueue: IQueue;
  /**
   * Variables added to the Powertools defaults.
   * @default - only POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL and POWERTOOLS_METRICS_NAMESPACE
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * How long the function may run before Lambda stops it.
   * @default - 30 seconds, enough to parse an event and enqueue its scopes
   */
  readonly timeout?: Duration;
  /**
   * Memory (and, proportionally, CPU) of each instance, in MiB.
   * @default - 256 MiB
   */
  readonly memorySize?: number;
  /**
   * Retention of the function's log group.
   * @default - three months
   */
  readonly logRetention?: RetentionDays;
  /**
   * How many times Lambda retries a failed asynchronous invocation before sending it to `failureQueue`.
   * @default - 2, Lambda's maximum
   */
  readonly retryAttempts?: number;
  /**
   * How long an asynchronous event may wait (throttles included) before it goes to `failureQueue`.
   * @default - 6 hours, Lambda's maximum
   */
  readonly maxEventAge?: Duration;
  /**
   * Log level of the Powertools logger.
   * @default - INFO
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * A fixed name for the execution role, for trust policies in other accounts that name it.
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * One Lambda function with the house defaults: Node.js 22 on arm64, an ESM bundle that prefers the
 * SDK's ES modules (half the cold start, docs/design.md §8), an explicit log group with retention, active
 * tracing, an explicit timeout and memory size, retries and an on-failure destination for
 * asynchronous invocations, and an errors alarm.
 */
export class LifecycleFunction extends Construct {
  readonly function: IFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LifecycleFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      // Logs record who gained and lost access: they outlive the stack and expire by retention.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    // Written out instead of the AWS managed basic-execution policy: only this function's log group.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const common = {
      role,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
      onFailure: new SqsDestination(props.failureQueue),
    };

    const entry = `${REPOSITORY_ROOT}${props.entry}`;
    const fn =
      existsSync(entry) || Stack.of(this).bundlingRequired
        ? new NodejsFunction(this, 'Function', {
            ...common,
            entry,
            handler: 'handler',
            projectRoot: REPOSITORY_ROOT,
            depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
            // Shared with the cold-start bench (infra/bundling.ts), so what is measured is what ships.
            bundling: {
              ...FUNCTION_BUNDLING,
              mainFields: [...FUNCTION_BUNDLING.mainFields],
              format: OutputFormat.ESM,
              forceDockerBundling: false,
            },
          })
        : // Only reached when bundling is skipped (tests) before the function code exists.
          new LambdaFunction(this, 'Function', {
            ...common,
            handler: 'index.handler',
            code: Code.fromInline('export const handler = async () => { throw new Error("not bundled"); };'),
          });

    this.function = fn;
    this.role = role;

    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${props.description} failed. Runbook: docs/deployment.md#function-errors`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.#acknowledgeHouseDefaults();
  }

  /** Adds the statements to the execution role and acknowledges each wildcard with its reason. */
  allow(permission: Permission): void {
    for (const statement of permission.statements) this.role.addToPrincipalPolicy(statement);
    const reasons = new Map(permission.wildcards.map(({ resource, reason }) => [resource, reason]));
    for (const [resource, reason] of reasons) acknowledgeWildcardResource(this.role, resource, reason);
  }

  /** The findings that every function of the house has, by the choices made above. */
  #acknowledgeHouseDefaults(): void {
    const ack = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    ack(
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the project targets and measures (bundle target node22, docs/design.md §8); moving on is a one-line change in LifecycleFunction.',
    );
    ack(
      'Serverless-LambdaLatestVersion',
      'Node.js 22 is the runtime the project targets and measures (bundle target node22, docs/design.md §8).',
    );
    ack(
      'Serverless-LambdaDLQ',
      'Asynchronous failures go to an on-failure destination (the invocation failure queue), which records the error as well as the event; a function DLQ would duplicate it.',
    );
    ack(
      'AwsSolutions-IAM5[Resource::*]',
      'Only for actions that support no resource type: X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) and the Organizations list calls of infra/permissions.ts.',
    );
    ack(
      'Serverless-LambdaStarPermissions',
      'The only wildcards are resources of actions without resource-level permissions (X-Ray, organizations:List*) and ARNs whose ids are data, each acknowledged with its reason where the statement is added (infra/permissions.ts).',
    );
  }
}
