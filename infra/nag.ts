import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
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
