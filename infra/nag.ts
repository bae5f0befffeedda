import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
// cdk-nag's own renderer of a resource in a finding id; its index does not export it.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding. */
export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPaths: readonly string[];
}

/** The two packs the project is held to. */
export const nagPacks = (scope: IConstruct): NagPack[] => [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];

/** Registers the packs as synth-time validation plugins: an unacknowledged finding fails the synthesis. */
export const applyNagPacks = (scope: IConstruct): void => {
  Validations.of(scope).addPlugins(...nagPacks(scope));
};

/**
 * Runs both packs over a construct tree and returns what is left after acknowledgements, errors
 * and warnings alike. Call it after the stacks are complete (for example after `Template.fromStack`).
 */
export const findNagFindings = (scope: IConstruct): NagFinding[] =>
  nagPacks(scope).flatMap((pack) =>
    pack.validateScope(scope).violations.map((violation) => ({
      rule: violation.ruleName,
      severity: violation.severity ?? 'error',
      description: violation.description,
      constructPaths: violation.violatingResources.map(
        (resource) => resource.constructPath ?? resource.resourceLogicalId ?? '(unknown resource)',
      ),
    })),
  );

/**
 * Acknowledges the `AwsSolutions-IAM5` finding for one wildcard resource on `scope` (a role, or a
 * construct above it). The finding id names the resource as cdk-nag renders it (`<Ref>`,
 * `<Id.Attr>`, joins flattened), so the id is computed by cdk-nag's renderer from the very value
 * used in the statement, never spelled out by hand.
 *
 * @example
 * acknowledgeWildcardResource(role, `${queueArn}:*`, 'Every version of the one function it invokes.');
 */
export const acknowledgeWildcardResource = (scope: IConstruct, resource: string, reason: string): void => {
  const rendered = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${rendered}]`, reason });
};
