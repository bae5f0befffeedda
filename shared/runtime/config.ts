import { en } from 'zod/locales';
import * as z from 'zod/mini';

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

// zod/mini (tree-shakable, DESIGN §8 cold start) ships no messages; the English locale gives the
// same "is invalid: …" details as classic zod. The setting is global and idempotent.
z.config(en());

const required = z.string().check(z.minLength(1));
const optional = z.optional(z.string());
const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));

/** Each variable: its schema and where it lands in the typed config. */
const variables = {
  WORK_QUEUE_URL: z.pipe(required, z.url()),
  RULES_PATH: z.pipe(
    z._default(z.string(), '/idc-lifecycle/rules/'),
    z.string().check(z.regex(/^\/.*/, 'must be an SSM path starting with "/"')),
  ),
  EVENT_BUS_NAME: required,
  SUMMARY_TOPIC_ARN: z.pipe(required, z.string().check(z.startsWith('arn:', 'must be an SNS topic ARN'))),
  INSTANCE_ARN: optional,
  IDENTITY_STORE_ID: optional,
  IDC_REGION: optional,
  MANAGEMENT_ACCOUNT_ID: accountId,
  OPTIONAL_MANAGEMENT_ACCOUNT_ID: z.pipe(optional, z.optional(accountId)),
  PRINCIPAL_READ_ROLE_ARN: optional,
  RULES_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 60),
  MODE: z._default(z.enum(['enforce', 'report']), 'enforce'),
} as const;

type Variable = keyof typeof variables;

/** The variables of each function, with the config key each one fills. */
const functions = {
  intake: { workQueueUrl: 'WORK_QUEUE_URL', rulesPath: 'RULES_PATH' },
  fanout: {
    workQueueUrl: 'WORK_QUEUE_URL',
    rulesPath: 'RULES_PATH',
    eventBusName: 'EVENT_BUS_NAME',
    summaryTopicArn: 'SUMMARY_TOPIC_ARN',
    instanceArn: 'INSTANCE_ARN',
    identityStoreId: 'IDENTITY_STORE_ID',
    idcRegion: 'IDC_REGION',
    managementAccountId: 'OPTIONAL_MANAGEMENT_ACCOUNT_ID',
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
    const result = variables[variable].safeParse(raw);
    if (!result.success) {
      const missing = raw === undefined;
      throw new ConfigError(
        missing
          ? `Environment variable ${envName(variable)} is required`
          : `Environment variable ${envName(variable)} is invalid: ${result.error.issues[0]?.message ?? 'bad value'}`,
        { cause: result.error },
      );
    }
    config[key] = result.data;
  }
  return config as Config<F>;
};
