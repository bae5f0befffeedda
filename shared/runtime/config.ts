import * as z from 'zod/mini';
import '../domain/zod-english.js';

/**
 * Function configuration, read once at cold start. This is the only module that reads
 * `process.env`; everything else receives typed values. Each variable is a `zod/mini` schema:
 * the intake bundles nothing else of zod, and zod/mini's functions tree-shake down to the checks
 * used here and in the event parsers (docs/design.md §8 bounds the cold start).
 */

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** A whole number of seconds, zero or more; `Number` reads the text as JavaScript would. */
const cacheSeconds = z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(0))), 60);

/**
 * Outstanding CreateAccountAssignment calls this process may hold: Identity Center's quota of 10,
 * divided among the worker's concurrent environments (the deployment sets it).
 */
const OUTSTANDING_CREATES = 'must be a whole number from 1 to 10 (Identity Center allows 10 outstanding creates)';
const outstandingCreates = z._default(
  z.pipe(
    z.coerce.number({ error: OUTSTANDING_CREATES }),
    z.int({ error: OUTSTANDING_CREATES }).check(z.gte(1, OUTSTANDING_CREATES), z.lte(10, OUTSTANDING_CREATES)),
  ),
  10,
);

/**
 * Identity Center requests per second this environment may send: the deployment's share of the
 * 20 TPS, divided among the environments that call Identity Center (docs/design.md §8). Unset, an
 * environment takes the default share of 10 on its own, as a hand-made single-environment
 * deployment would.
 */
const REQUEST_RATE =
  'must be a number of requests per second above 0 and at most 20 (Identity Center allows 20 in all)';
const requestRateValue = z.pipe(
  z.coerce.number({ error: REQUEST_RATE }),
  z.number({ error: REQUEST_RATE }).check(z.gt(0, REQUEST_RATE), z.lte(20, REQUEST_RATE)),
);
const requestRate = z._default(requestRateValue, 10);

/**
 * Requests an environment may send at once after a quiet spell; unset, one second's worth. At most
 * what one reconcile needs (an event lane's is 40, infra/request-share.ts): a larger burst
 * would only let a quiet environment overrun Identity Center's own bucket for longer.
 */
const MAX_REQUEST_BURST = 50;
const REQUEST_BURST = `must be a whole number of requests from 1 to ${MAX_REQUEST_BURST}`;
const requestBurst = z.optional(
  z.pipe(
    z.coerce.number({ error: REQUEST_BURST }),
    z.int({ error: REQUEST_BURST }).check(z.gte(1, REQUEST_BURST), z.lte(MAX_REQUEST_BURST, REQUEST_BURST)),
  ),
);

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));
/** An IAM role ARN, path allowed: `arn:<partition>:iam::<account>:role/<path/>name`. */
const roleArn = z
  .string()
  .check(z.regex(/^arn:[a-z-]+:iam::\d{12}:role\/(?:[^/]+\/)*[^/]+$/, 'must be an IAM role ARN'));
const optional = z.optional(z.string());

/** Each variable: its schema and where it lands in the typed config. */
const variables = {
  WORK_QUEUE_URL: z.url(),
  RULES_PATH: z._default(
    z.string().check(z.startsWith('/', 'must be an SSM path starting with "/"')),
    '/idc-lifecycle/rules/',
  ),
  EVENT_BUS_NAME: z.string(),
  SUMMARY_TOPIC_ARN: z.string().check(z.startsWith('arn:', 'must be an SNS topic ARN')),
  INSTANCE_ARN: optional,
  IDENTITY_STORE_ID: optional,
  IDC_REGION: optional,
  MANAGEMENT_ACCOUNT_ID: accountId,
  AUTOMATION_ACCOUNT_ID: accountId,
  OPTIONAL_MANAGEMENT_ACCOUNT_ID: z.optional(accountId),
  PRINCIPAL_READ_ROLE_ARN: optional,
  WORKER_ROLE_ARN: roleArn,
  RULES_CACHE_SECONDS: cacheSeconds,
  MAX_OUTSTANDING_CREATES: outstandingCreates,
  IDC_REQUEST_RATE: requestRate,
  IDC_REQUEST_BURST: requestBurst,
  EVENT_LANE_REQUEST_RATE: z.optional(requestRateValue),
  EVENT_LANE_REQUEST_BURST: requestBurst,
  EVENT_QUEUE_ARN: z.optional(
    z.string().check(z.regex(/^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/, 'must be an SQS queue ARN')),
  ),
  MODE: z._default(z.enum(['enforce', 'report']), 'enforce'),
  // The stack names the table; the default is its name, for a hand-made deployment.
  RUN_TABLE_NAME: z._default(z.string().check(z.minLength(1)), 'idc-lifecycle-runs'),
} as const satisfies Record<string, z.ZodMiniType>;

type Variable = keyof typeof variables;

/** The variables of each function, with the config key each one fills. */
const functions = {
  intake: {
    workQueueUrl: 'WORK_QUEUE_URL',
    rulesPath: 'RULES_PATH',
    managementAccountId: 'MANAGEMENT_ACCOUNT_ID',
    automationAccountId: 'AUTOMATION_ACCOUNT_ID',
    workerRoleArn: 'WORKER_ROLE_ARN',
  },
  fanout: {
    workQueueUrl: 'WORK_QUEUE_URL',
    rulesPath: 'RULES_PATH',
    eventBusName: 'EVENT_BUS_NAME',
    summaryTopicArn: 'SUMMARY_TOPIC_ARN',
    idcRegion: 'IDC_REGION',
    managementAccountId: 'OPTIONAL_MANAGEMENT_ACCOUNT_ID',
    runTableName: 'RUN_TABLE_NAME',
    mode: 'MODE',
  },
  worker: {
    workQueueUrl: 'WORK_QUEUE_URL',
    runTableName: 'RUN_TABLE_NAME',
    rulesPath: 'RULES_PATH',
    eventBusName: 'EVENT_BUS_NAME',
    summaryTopicArn: 'SUMMARY_TOPIC_ARN',
    instanceArn: 'INSTANCE_ARN',
    identityStoreId: 'IDENTITY_STORE_ID',
    idcRegion: 'IDC_REGION',
    managementAccountId: 'MANAGEMENT_ACCOUNT_ID',
    principalReadRoleArn: 'PRINCIPAL_READ_ROLE_ARN',
    rulesCacheSeconds: 'RULES_CACHE_SECONDS',
    maxOutstandingCreates: 'MAX_OUTSTANDING_CREATES',
    requestRate: 'IDC_REQUEST_RATE',
    requestBurst: 'IDC_REQUEST_BURST',
    eventQueueArn: 'EVENT_QUEUE_ARN',
    eventLaneRequestRate: 'EVENT_LANE_REQUEST_RATE',
    eventLaneRequestBurst: 'EVENT_LANE_REQUEST_BURST',
    mode: 'MODE',
  },
} as const satisfies Record<string, Record<string, Variable>>;

export type FunctionName = keyof typeof functions;
export type Config<F extends FunctionName> = {
  readonly [K in keyof (typeof functions)[F]]: (typeof functions)[F][K] extends Variable
    ? z.output<(typeof variables)[(typeof functions)[F][K]]>
    : never;
};
export type IntakeConfig = Config<'intake'>;
export type FanoutConfig = Config<'fanout'>;
export type WorkerConfig = Config<'worker'>;

/** The environment name a variable is read from (the optional management account id shares its name). */
const envName = (variable: Variable): string =>
  variable === 'OPTIONAL_MANAGEMENT_ACCOUNT_ID' ? 'MANAGEMENT_ACCOUNT_ID' : variable;

/**
 * Reads and validates the configuration of one function; throws {@link ConfigError}
 * (`Environment variable X is required`) on the first missing or invalid variable.
 *
 * @example
 * const config = loadConfig('worker'); // config.managementAccountId, config.mode, …
 */
export const loadConfig = <F extends FunctionName>(
  name: F,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config<F> => {
  const config: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(functions[name]) as [string, Variable][]) {
    // A blank value counts as unset, so that defaults apply and required variables say so.
    const raw = env[envName(variable)]?.trim() || undefined;
    const read = variables[variable].safeParse(raw);
    if (!read.success) {
      const problems = read.error.issues.map((issue) => issue.message).join('; ');
      throw new ConfigError(
        raw === undefined
          ? `Environment variable ${envName(variable)} is required`
          : `Environment variable ${envName(variable)} is invalid: ${problems}`,
        { cause: read.error },
      );
    }
    config[key] = read.data;
  }
  return config as Config<F>;
};
