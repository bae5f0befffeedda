import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The deploy configuration: everything that differs between two organizations that install
 * idc-lifecycle. It is read from a JSON file at synth time and validated before a single construct
 * is created, so a typo fails `cdk synth` with a message that names the field, instead of failing
 * a CloudFormation deployment twenty minutes later.
 */

/** Values CloudWatch Logs accepts for a log group's retention, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const required =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

const accountId = z
  .string({ error: required('a string of 12 digits') })
  .regex(/^\d{12}$/, { error: 'must be 12 digits' });

const region = z
  .string({ error: required('a Region name') })
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, { error: 'must be a Region name such as "eu-west-1"' });

const sweepSchedule = z
  .string({ error: required('an EventBridge Scheduler expression') })
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, {
    error: 'must be "rate(<n> <minutes|hours|days>)" or "cron(<six fields>)"',
  })
  .refine((value) => !/^rate\(0 /.test(value), { error: 'must not be a rate of 0' })
  .refine((value) => !value.startsWith('cron(') || value.slice(5, -1).trim().split(/\s+/).length === 6, {
    error: 'must have six fields inside cron(…): minutes hours day-of-month month day-of-week year',
  });

const rulesPath = z
  .string({ error: required('an SSM parameter path') })
  .regex(/^(\/[A-Za-z0-9_.-]+)+\/$/, {
    error: 'must be an SSM parameter path that starts and ends with "/" (for example "/idc-lifecycle/rules/")',
  })
  .refine((value) => !/^\/(aws|ssm)/i.test(value), { error: 'must not start with "/aws" or "/ssm" (reserved by AWS)' })
  .refine((value) => value.split('/').length - 2 <= 14, {
    error: 'must leave room for a document name: SSM allows 15 levels',
  });

const permissionSetArn = z
  .string({ error: required('a string') })
  .regex(/^arn:aws[a-z-]*:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/, {
    error:
      'must be a permission set ARN such as "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef"',
  });

const groupId = z
  .string({ error: required('a string') })
  .regex(/^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/, {
    error: 'must be an Identity Store group id such as "9a672b3314-1234abcd-12ab-34cd-56ef-1234567890ab"',
  });

/** Lists without repeats: a repeated entry is almost always a copy-paste slip worth pointing out. */
const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item, { error: required('a list') })
    .refine((values) => new Set(values).size === values.length, { error: 'must not list an entry twice' })
    .default([]);

/**
 * Whoever can write the rules parameters decides access across the organization. These limits are
 * enforced by IAM on the worker role, so a rules document cannot lift them (docs/deployment.md).
 */
const guardrails = z.strictObject({
  permissionSetArns: uniqueList(permissionSetArn).describe(
    'Permission sets whose account assignments the worker may never create or delete',
  ),
  accountIds: uniqueList(accountId).describe('Accounts where the worker may never create or delete an assignment'),
  groupIds: uniqueList(groupId).describe('Groups whose memberships the worker may never add or remove'),
});

export const deployConfigSchema = z
  .strictObject({
    homeRegion: region.describe('The Region where IAM Identity Center is enabled (its home Region)'),
    managementAccountId: accountId.describe('The organization management account'),
    automationAccountId: accountId.describe(
      'The account that runs the automation: the Identity Center delegated administrator or the management account',
    ),
    instanceArn: z
      .string({ error: required('a string') })
      .regex(/^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/, {
        error: 'must be an Identity Center instance ARN such as "arn:aws:sso:::instance/ssoins-1234567890abcdef"',
      })
      .optional()
      .describe('The Identity Center instance; omit it together with identityStoreId to discover both at deploy time'),
    identityStoreId: z
      .string({ error: required('a string') })
      .regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
        error: 'must be an identity store id such as "d-1234567890"',
      })
      .optional()
      .describe('The identity store of the instance; omit it together with instanceArn to discover both'),
    rulesPath: rulesPath.default('/idc-lifecycle/rules/').describe('SSM parameter path that holds the rules documents'),
    sweepSchedule: sweepSchedule
      // Drift and offboarding are event-driven, so the sweep is the safety net for lost events.
      .default('rate(1 day)')
      .describe('How often the full reconciliation sweep runs (EventBridge Scheduler expression, UTC)'),
    identityCenterRequestShare: z
      .number({ error: required('a number of requests per second') })
      .gt(0, { error: 'must be above 0' })
      .max(20, { error: 'must be at most 20: Identity Center allows 20 requests a second in all' })
      .default(10)
      .describe(
        "Identity Center requests per second the automation may use, of the organization's 20 (the console and other tools share the rest)",
      ),
    mode: z
      .enum(['enforce', 'report'], { error: 'must be "enforce" or "report"' })
      .default('report')
      .describe('"report" plans, logs and notifies but changes nothing, whatever the rules say'),
    notificationEmail: z
      .email({ error: 'must be an e-mail address' })
      .optional()
      .describe('Subscribed to the summary and alarm topic; the subscription must be confirmed from the inbox'),
    controlTowerHomeRegion: region
      .optional()
      .describe('Where Control Tower lifecycle events are delivered; omit it when Control Tower is not used'),
    logRetentionDays: z
      .number({ error: required('a number of days') })
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90)
      .describe('Retention of every log group the stacks create'),
    rulesSeedDirectory: z
      .string({ error: required('a folder path') })
      .min(1, { error: 'must not be empty' })
      .optional()
      .describe(
        'Folder whose *.yaml files seed an empty rules path on first deployment, relative to the repository; omit it to publish the rules yourself',
      ),
    guardrails: guardrails
      .default({ permissionSetArns: [], accountIds: [], groupIds: [] })
      .describe('Deploy-time limits on the worker role that no rules document can lift (explicit IAM Deny statements)'),
  })
  .superRefine((config, ctx) => {
    if ((config.instanceArn === undefined) !== (config.identityStoreId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [config.instanceArn === undefined ? 'instanceArn' : 'identityStoreId'],
        message: 'must be given together with the other one (or omit both to discover them at deploy time)',
      });
    }
    const instanceId = config.instanceArn?.split('/')[1];
    config.guardrails.permissionSetArns.forEach((arn, index) => {
      if (instanceId !== undefined && arn.split('/')[1] !== instanceId) {
        ctx.addIssue({
          code: 'custom',
          path: ['guardrails', 'permissionSetArns', index],
          message: `must be a permission set of the configured instance ${instanceId}`,
        });
      }
    });
  });

export type DeployConfig = z.output<typeof deployConfigSchema>;

/** A deploy configuration that cannot be used; the message lists every problem, one per line. */
export class DeployConfigError extends Error {
  override readonly name = 'DeployConfigError';
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid deploy configuration ${source}:\n  - ${problems.join('\n  - ')}`, options);
    this.problems = problems;
  }
}

/**
 * No configuration was named. Synthesizing with the example instead would deploy made-up account
 * ids, so this is an error that says which flag to pass and which file to start from.
 */
export class MissingDeployConfigError extends Error {
  override readonly name = 'MissingDeployConfigError';

  constructor(flag: string, example: string) {
    super(
      `No deploy configuration given: pass ${flag} with the path of your configuration file. ` +
        `To write one, copy ${example} and set your accounts, Region and instance (docs/deployment.md §3).`,
    );
  }
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown => {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
};

const describeIssue = (input: unknown, issue: z.core.$ZodIssue): string => {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against infra/config/example.config.json)`;
  }
  const field = issue.path.map(String).join('.') || '(root)';
  const value = valueAt(input, issue.path);
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return `${field} ${issue.message}${got}`;
};

/**
 * Validates a parsed configuration object and fills in the defaults.
 *
 * @example
 * parseDeployConfig({ homeRegion: 'eu-west-1', managementAccountId: '1234', automationAccountId: '111122223333' });
 * // throws DeployConfigError: managementAccountId must be 12 digits (got "1234")
 */
export const parseDeployConfig = (input: unknown, source = '(inline)'): DeployConfig => {
  const result = deployConfigSchema.safeParse(input);
  if (!result.success) {
    throw new DeployConfigError(
      source,
      result.error.issues.map((issue) => describeIssue(input, issue)),
    );
  }
  return result.data;
};

/** Reads and validates the JSON configuration file at `path`. */
export const loadDeployConfig = (path: string): DeployConfig => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeployConfigError(path, [`cannot read the file (pass another one with -c config=<path>)`], {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DeployConfigError(path, [`is not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  return parseDeployConfig(parsed, path);
};

/** True when the management account also runs the automation. */
export const automationIsManagement = (config: DeployConfig): boolean =>
  config.automationAccountId === config.managementAccountId;
