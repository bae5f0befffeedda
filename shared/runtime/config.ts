/**
 * Function configuration, read once at cold start (STYLE §6). This is the only module that
 * reads `process.env`; everything else receives typed values.
 */

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/*
 * Each variable is read by a small function instead of a zod schema: config is read at every cold
 * start, and zod was the only reason the intake bundled a validation library (docs/design.md §8). The
 * problems keep zod's wording, which the messages below have always quoted.
 */

/** A variable's value, or what is wrong with it; `raw` is trimmed, and `undefined` when unset or blank. */
type Read<T> = { readonly value: T } | { readonly problem: string };
type Reader<T> = (raw: string | undefined) => Read<T>;

const ok = <T>(value: T): Read<T> => ({ value });
const problem = (message: string): { readonly problem: string } => ({ problem: message });
const MISSING = problem('Invalid input: expected string, received undefined');

const required: Reader<string> = (raw) => (raw === undefined ? MISSING : ok(raw));
const optional: Reader<string | undefined> = (raw) => ok(raw);
const matching =
  (test: (value: string) => boolean, message: string): Reader<string> =>
  (raw) => {
    if (raw === undefined) return MISSING;
    return test(raw) ? ok(raw) : problem(message);
  };
const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role ARN, path allowed: `arn:<partition>:iam::<account>:role/<path/>name`. */
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/(?:[^/]+\/)*[^/]+$/;
const accountId = matching((value) => ACCOUNT_ID.test(value), 'must be a 12-digit account id');

/** What `URL` can parse; tabs and line breaks inside are dropped, as the URL parser itself does. */
const url: Reader<string> = (raw) => {
  if (raw === undefined) return MISSING;
  return URL.canParse(raw) ? ok(raw.replace(/[\t\n\r]/g, '')) : problem('Invalid URL');
};

/** A whole number of seconds, zero or more. */
const cacheSeconds: Reader<number> = (raw) => {
  if (raw === undefined) return ok(60);
  const seconds = Number(raw);
  if (!Number.isFinite(seconds)) return problem(`Invalid input: expected number, received ${seconds}`);
  if (!Number.isInteger(seconds)) return problem('Invalid input: expected int, received number');
  if (seconds > Number.MAX_SAFE_INTEGER) return problem(`Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
  if (seconds < Number.MIN_SAFE_INTEGER) return problem(`Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`);
  return seconds < 0 ? problem('Too small: expected number to be >=0') : ok(seconds);
};

/**
 * Outstanding CreateAccountAssignment calls this process may hold: Identity Center's quota of 10,
 * divided among the worker's concurrent environments (the deployment sets it).
 */
const outstandingCreates: Reader<number> = (raw) => {
  if (raw === undefined) return ok(10);
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1 && value <= 10
    ? ok(value)
    : problem('must be a whole number from 1 to 10 (Identity Center allows 10 outstanding creates)');
};

/**
 * Identity Center requests per second this environment may send: the deployment's share of the
 * 20 TPS, divided among the environments that call Identity Center (docs/design.md §8). Unset, an
 * environment takes the default share of 10 on its own, as a hand-made single-environment
 * deployment would.
 */
const requestRate: Reader<number> = (raw) => {
  if (raw === undefined) return ok(10);
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 && value <= 20
    ? ok(value)
    : problem('must be a number of requests per second above 0 and at most 20 (Identity Center allows 20 in all)');
};

/** Requests an environment may send at once after a quiet spell; unset, one second's worth. */
const requestBurst: Reader<number | undefined> = (raw) => {
  if (raw === undefined) return ok(undefined);
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1 && value <= 20
    ? ok(value)
    : problem('must be a whole number of requests from 1 to 20');
};

const MODES = ['enforce', 'report'] as const;
const mode: Reader<(typeof MODES)[number]> = (raw) => {
  if (raw === undefined) return ok('enforce');
  const found = MODES.find((candidate) => candidate === raw);
  return found === undefined
    ? problem(`Invalid option: expected one of ${MODES.map((m) => `"${m}"`).join('|')}`)
    : ok(found);
};

/** Each variable: how it is read and where it lands in the typed config. */
const variables = {
  WORK_QUEUE_URL: url,
  RULES_PATH: (raw) =>
    raw === undefined || raw.startsWith('/')
      ? ok(raw ?? '/idc-lifecycle/rules/')
      : problem('must be an SSM path starting with "/"'),
  EVENT_BUS_NAME: required,
  SUMMARY_TOPIC_ARN: matching((value) => value.startsWith('arn:'), 'must be an SNS topic ARN'),
  INSTANCE_ARN: optional,
  IDENTITY_STORE_ID: optional,
  IDC_REGION: optional,
  MANAGEMENT_ACCOUNT_ID: accountId,
  OPTIONAL_MANAGEMENT_ACCOUNT_ID: (raw) => (raw === undefined ? ok(undefined) : accountId(raw)),
  AUTOMATION_ACCOUNT_ID: accountId,
  PRINCIPAL_READ_ROLE_ARN: optional,
  WORKER_ROLE_ARN: matching((value) => ROLE_ARN.test(value), 'must be an IAM role ARN'),
  RULES_CACHE_SECONDS: cacheSeconds,
  MAX_OUTSTANDING_CREATES: outstandingCreates,
  IDC_REQUEST_RATE: requestRate,
  IDC_REQUEST_BURST: requestBurst,
  EVENT_LANE_REQUEST_RATE: (raw) => (raw === undefined ? ok(undefined) : requestRate(raw)),
  EVENT_LANE_REQUEST_BURST: requestBurst,
  EVENT_QUEUE_ARN: (raw) =>
    raw === undefined || /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/.test(raw)
      ? ok(raw)
      : problem('must be an SQS queue ARN'),
  MODE: mode,
} as const satisfies Record<string, Reader<unknown>>;

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
    instanceArn: 'INSTANCE_ARN',
    identityStoreId: 'IDENTITY_STORE_ID',
    idcRegion: 'IDC_REGION',
    managementAccountId: 'OPTIONAL_MANAGEMENT_ACCOUNT_ID',
    requestRate: 'IDC_REQUEST_RATE',
    requestBurst: 'IDC_REQUEST_BURST',
  },
  worker: {
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
type ValueOf<R> = R extends Reader<infer T> ? T : never;
export type Config<F extends FunctionName> = {
  readonly [K in keyof (typeof functions)[F]]: (typeof functions)[F][K] extends Variable
    ? ValueOf<(typeof variables)[(typeof functions)[F][K]]>
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
    const read: Read<unknown> = variables[variable](raw);
    if ('problem' in read) {
      throw new ConfigError(
        raw === undefined
          ? `Environment variable ${envName(variable)} is required`
          : `Environment variable ${envName(variable)} is invalid: ${read.problem}`,
      );
    }
    config[key] = read.value;
  }
  return config as Config<F>;
};
