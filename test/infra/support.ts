import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildStacks, type LifecycleStacks } from '../../infra/build-app.js';
import { type DeployConfig, parseDeployConfig } from '../../infra/config/deploy-config.js';
import { cdkJsonContext } from '../../infra/feature-flags.js';

/** A delegated-administrator deployment: automation and management accounts differ. */
export const CROSS_ACCOUNT = {
  homeRegion: 'eu-west-1',
  managementAccountId: '111111111111',
  automationAccountId: '222222222222',
  instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
  identityStoreId: 'd-1234567890',
  rulesPath: '/idc-lifecycle/rules/',
  sweepSchedule: 'rate(6 hours)',
  mode: 'enforce',
  notificationEmail: 'platform@example.com',
  controlTowerHomeRegion: 'eu-west-1',
  logRetentionDays: 30,
} as const;

/** Everything in the management account in us-east-1: the forwarder folds into the main stack. */
export const SINGLE_ACCOUNT = {
  ...CROSS_ACCOUNT,
  homeRegion: 'us-east-1',
  automationAccountId: CROSS_ACCOUNT.managementAccountId,
  controlTowerHomeRegion: 'us-east-1',
} as const;

/** Guardrails on a permission set, two accounts and a group (merge into a configuration). */
export const GUARDED = {
  guardrails: {
    permissionSetArns: ['arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-aaaaaaaaaaaaaaaa'],
    accountIds: ['111111111111', '333333333333'],
    groupIds: ['9a672b3314-1234abcd-12ab-34cd-56ef-1234567890ab'],
  },
} as const;

/** The instance ARN and identity store id are discovered at deploy time. */
export const DISCOVERY = {
  homeRegion: 'eu-west-1',
  managementAccountId: '111111111111',
  automationAccountId: '222222222222',
} as const;

/** A folder with one small rules document, so the tests never depend on examples/rules. */
export const rulesFolder = (files: Record<string, string> = { platform: 'version: 1\nassignments: []\n' }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'idc-rules-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, `${name}.yaml`), body);
  return dir;
};

export interface Synthesized {
  readonly app: App;
  readonly config: DeployConfig;
  readonly stacks: LifecycleStacks;
  readonly main: Template;
  forwarder(region: string): Template;
}

const cache = new Map<string, Synthesized>();

/** An app with the feature flags of cdk.json and bundling skipped (no function code needed). */
export const testApp = (): App =>
  // CloudFormation schema validation runs in `npm run synth`; here it would only add seconds per app.
  new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });

/**
 * Builds the app for one configuration with bundling skipped (no function code needed) and
 * synthesizes every stack once; repeated calls with the same input share the result.
 */
export const synthesize = (input: Record<string, unknown>): Synthesized => {
  const key = JSON.stringify(input);
  const hit = cache.get(key);
  if (hit) return hit;
  const config = parseDeployConfig(input);
  const app = testApp();
  const stacks = buildStacks(app, { config, rulesSeedDirectory: rulesFolder() });
  // One synthesis for all stacks: Template.fromStack would synthesize the whole app once per stack.
  const assembly = app.synth();
  const templateOf = (stackName: string) => Template.fromJSON(assembly.getStackByName(stackName).template);
  const main = templateOf(stacks.main.stackName);
  const forwarders = new Map(stacks.forwarders.map((stack) => [stack.region, templateOf(stack.stackName)]));
  const result: Synthesized = {
    app,
    config,
    stacks,
    main,
    forwarder(region) {
      const template = forwarders.get(region);
      if (!template) throw new Error(`no forwarder stack in ${region}`);
      return template;
    },
  };
  cache.set(key, result);
  return result;
};

/** The logical id of the only resource of `type` whose properties match `predicate`. */
export const logicalIdOf = (
  template: Template,
  type: string,
  predicate: (properties: Record<string, unknown>) => boolean = () => true,
): string => {
  const matches = Object.entries(template.findResources(type)).filter(([, resource]) =>
    predicate((resource as { Properties?: Record<string, unknown> }).Properties ?? {}),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length}`);
  return matches[0]?.[0] ?? '';
};
