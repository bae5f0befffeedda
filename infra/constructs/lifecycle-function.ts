import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_BUNDLING } from '../bundling.js';

/** The repository root: entries, the lock file and esbuild are resolved from here. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The namespace and `service` dimension of the functions' EMF metrics (Powertools). */
export const METRICS_NAMESPACE = 'idc-lifecycle';
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
  }
}
