// Triggered by: CloudFormation, for the RulesSeed custom resource of the main stack (create, update, delete).
// Changes: creates the seed documents under the rules path, only when that path holds no parameter at all.
import {
  GetParametersByPathCommand,
  ParameterAlreadyExists,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';

/** One document to create, as the construct passes it in the resource properties. */
export interface SeedDocument {
  readonly name: string;
  readonly body: string;
  readonly tier: 'Standard' | 'Advanced';
}

/** The resource properties CloudFormation passes (every value arrives as a string or list of objects). */
export interface SeedProperties {
  readonly RulesPath: string;
  readonly Documents: readonly SeedDocument[];
}

/** The fields of a CloudFormation custom-resource request this handler reads. */
export interface SeedRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: SeedProperties;
  readonly OldResourceProperties?: SeedProperties;
}

/** The body CloudFormation expects at the presigned response URL. */
export interface SeedResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

export interface SeedDeps {
  readonly ssm: Pick<SSMClient, 'send'>;
  /** Sends the response to CloudFormation; a request without one leaves the stack waiting an hour. */
  readonly respond: (url: string, response: SeedResponse) => Promise<void>;
  readonly logger: Pick<Console, 'info' | 'error'>;
}

/** What one request did. */
export type SeedOutcome =
  | { readonly kind: 'seeded'; readonly names: readonly string[] }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

const base = (rulesPath: string): string => rulesPath.replace(/\/+$/, '');

/**
 * True when any parameter exists under the path. Pages may be short or even empty while a
 * `NextToken` remains (docs/aws-facts.md §3.5), so an empty page alone proves nothing.
 */
const pathHoldsAnything = async (ssm: SeedDeps['ssm'], rulesPath: string): Promise<boolean> => {
  let nextToken: string | undefined;
  do {
    const page = await ssm.send(
      new GetParametersByPathCommand({ Path: base(rulesPath), Recursive: true, MaxResults: 10, NextToken: nextToken }),
    );
    if ((page.Parameters ?? []).length > 0) return true;
    nextToken = page.NextToken;
  } while (nextToken);
  return false;
};

/**
 * Creates the seed documents when, and only when, the rules path is empty. It never overwrites:
 * a path that holds any parameter (published rules, or the last installation's retained ones) is
 * left alone, and each document is created without `Overwrite`, so a document published in the
 * meantime wins over the seed.
 *
 * @example
 * await seedEmptyPath(ssm, { RulesPath: '/idc-lifecycle/rules/', Documents: [{ name: 'base', body, tier: 'Standard' }] });
 * // { kind: 'seeded', names: ['/idc-lifecycle/rules/base'] }
 */
export const seedEmptyPath = async (ssm: SeedDeps['ssm'], properties: SeedProperties): Promise<SeedOutcome> => {
  if (await pathHoldsAnything(ssm, properties.RulesPath)) {
    return { kind: 'skipped', reason: `${properties.RulesPath} already holds rules documents` };
  }
  const names: string[] = [];
  for (const document of properties.Documents) {
    const name = `${base(properties.RulesPath)}/${document.name}`;
    try {
      await ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: document.body,
          Type: 'String',
          Tier: document.tier,
          Description: `idc-lifecycle rules document "${document.name}" (seeded on first deployment; publish with idc-lifecycle publish)`,
        }),
      );
      names.push(name);
    } catch (error) {
      // Published between the check and this write: the published document stays.
      if (!(error instanceof ParameterAlreadyExists)) throw error;
    }
  }
  return { kind: 'seeded', names };
};

const physicalIdOf = (rulesPath: string): string => `idc-lifecycle-rules-seed:${base(rulesPath)}`;

/**
 * The custom-resource handler. Create seeds an empty path; Update seeds only when the rules path
 * itself changed (a new, empty path); Delete leaves every document in place, since the rules
 * outlive the stack. Whatever happens, CloudFormation gets an answer.
 */
export const makeHandler =
  (deps: SeedDeps) =>
  async (request: SeedRequest): Promise<SeedOutcome> => {
    const properties = request.ResourceProperties;
    const answer = (response: Omit<SeedResponse, 'StackId' | 'RequestId' | 'LogicalResourceId'>) =>
      deps.respond(request.ResponseURL, {
        ...response,
        StackId: request.StackId,
        RequestId: request.RequestId,
        LogicalResourceId: request.LogicalResourceId,
      });
    const physicalResourceId = request.PhysicalResourceId ?? physicalIdOf(properties.RulesPath);
    let outcome: SeedOutcome;
    try {
      const newPath =
        request.RequestType === 'Create' ||
        (request.RequestType === 'Update' && request.OldResourceProperties?.RulesPath !== properties.RulesPath);
      outcome = newPath
        ? await seedEmptyPath(deps.ssm, properties)
        : { kind: 'skipped', reason: `${request.RequestType} never changes published rules` };
    } catch (error) {
      // CloudFormation is the caller: a FAILED answer fails the deployment with this reason. A
      // rethrow would only make Lambda run the request again after the deployment has moved on.
      deps.logger.error('Rules seed failed', error);
      const reason = `Seeding ${properties.RulesPath} failed: ${error instanceof Error ? error.message : String(error)}`;
      await answer({ Status: 'FAILED', Reason: reason, PhysicalResourceId: physicalResourceId });
      return { kind: 'failed', reason };
    }
    deps.logger.info('Rules seed', outcome);
    await answer({
      Status: 'SUCCESS',
      PhysicalResourceId: request.RequestType === 'Delete' ? physicalResourceId : physicalIdOf(properties.RulesPath),
    });
    return outcome;
  };
