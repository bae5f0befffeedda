import { epochSeconds } from './clock.js';
import { AwsServiceError } from './errors.js';
import { bestEffortPageLength, paginate } from './pagination.js';
import { compact, type RequestInput, type ServiceDefinition, type ServiceSettings } from './service.js';
import {
  ADVANCED_VALUE_LIMIT,
  type ParameterTier,
  type ParameterVersion,
  STANDARD_VALUE_LIMIT,
  type WorldState,
} from './world.js';

/** SSM Parameter Store (`AmazonSSM`): the parameter operations the rules source and `publish` use. */

const REGION = 'us-east-1';
const PARAMETER_TYPES = new Set(['String', 'StringList', 'SecureString']);

const validation = (message: string) => new AwsServiceError('ValidationException', message);
const parameterNotFound = (name: string) => new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);

/** `name` or `name:version` (labels are not modeled). */
const parseSelector = (reference: string): { name: string; version?: number } => {
  const match = /^(.*):(\d+)$/.exec(reference);
  if (match?.[1] === undefined || match[2] === undefined) return { name: reference };
  return { name: match[1], version: Number(match[2]) };
};

const resolveTier = (
  requested: string | undefined,
  previous: ParameterVersion | undefined,
  value: string,
): ParameterTier => {
  if (requested === undefined) return previous?.tier === 'Advanced' ? 'Advanced' : 'Standard';
  if (requested === 'Intelligent-Tiering') {
    return previous?.tier === 'Advanced' || value.length > STANDARD_VALUE_LIMIT ? 'Advanced' : 'Standard';
  }
  if (requested !== 'Standard' && requested !== 'Advanced') {
    throw validation(`Tier must be Standard, Advanced or Intelligent-Tiering, got ${requested}`);
  }
  if (requested === 'Standard' && previous?.tier === 'Advanced') {
    throw validation(
      'This parameter uses the advanced-parameter tier. You cannot downgrade a parameter to the standard tier.',
    );
  }
  return requested;
};

const checkName = (name: string): void => {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (/^(aws|ssm)/i.test(bare)) {
    throw validation(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation(
      'Parameter name must be a fully qualified name: hierarchical names begin with a forward slash (/).',
    );
  }
  if (name.length > 1011) throw validation('Parameter name must be at most 1011 characters long.');
};

export const createSsmService = (world: WorldState, settings: ServiceSettings): ServiceDefinition => {
  const arn = (name: string) =>
    `arn:aws:ssm:${REGION}:${world.managementAccountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

  const parameterShape = (name: string, v: ParameterVersion, selector?: string) =>
    compact({
      Name: name,
      Type: v.type,
      Value: v.value,
      Version: v.version,
      Selector: selector,
      LastModifiedDate: epochSeconds(v.lastModified),
      ARN: arn(name),
      DataType: v.dataType,
    });

  const lookup = (reference: string) => {
    const { name, version } = parseSelector(reference);
    const versions = world.parameters.get(name);
    if (versions === undefined) return undefined;
    if (version === undefined) {
      const latest = versions.at(-1);
      return latest === undefined ? undefined : parameterShape(name, latest);
    }
    const found = versions.find((v) => v.version === version);
    if (found === undefined) {
      throw new AwsServiceError('ParameterVersionNotFound', `Version ${version} of parameter ${name} not found.`);
    }
    return parameterShape(name, found, `:${version}`);
  };

  const invalidToken = (message: string, cause?: unknown) =>
    new AwsServiceError('InvalidNextToken', message, { cause });

  return {
    targetPrefix: 'AmazonSSM',
    family: 'ssm',
    operations: {
      GetParameter: (input) => {
        const reference = input.string('Name');
        const parameter = lookup(reference);
        if (parameter === undefined) throw parameterNotFound(reference);
        return { Parameter: parameter };
      },
      GetParameters: (input) => {
        const names = input.stringList('Names');
        if (names.length > 10) throw validation('Names may hold at most 10 parameter names.');
        const found: ReturnType<typeof parameterShape>[] = [];
        const invalid: string[] = [];
        for (const reference of names) {
          const parameter = lookup(reference);
          if (parameter === undefined) invalid.push(reference);
          else found.push(parameter);
        }
        return { Parameters: found, InvalidParameters: invalid };
      },
      GetParametersByPath: (input) => {
        const path = input.string('Path');
        if (!path.startsWith('/')) throw validation('The parameter path must begin with a forward slash (/).');
        const recursive = input.optionalBoolean('Recursive') ?? false;
        const filters = input.raw('ParameterFilters');
        if (Array.isArray(filters) && filters.length > 0) {
          throw validation('ParameterFilters are not supported by the emulator.');
        }
        const prefix = path.endsWith('/') ? path : `${path}/`;
        const names = [...world.parameters.keys()]
          .filter((name) => name.startsWith(prefix) && (recursive || !name.slice(prefix.length).includes('/')))
          .sort();
        const result = paginate(names, {
          scope: `GetParametersByPath:${prefix}:${recursive}`,
          nextToken: input.raw('NextToken'),
          maxResults: input.raw('MaxResults'),
          pageSize: settings.pageSize,
          maxAllowed: 10,
          pageLength: bestEffortPageLength,
          invalidToken,
          invalidInput: validation,
        });
        const parameters = result.items.flatMap((name) => {
          const latest = world.parameters.get(name)?.at(-1);
          return latest === undefined ? [] : [parameterShape(name, latest)];
        });
        return compact({ Parameters: parameters, NextToken: result.nextToken });
      },
      GetParameterHistory: (input) => {
        const name = input.string('Name');
        const versions = world.parameters.get(name);
        if (versions === undefined) throw parameterNotFound(name);
        const result = paginate(versions, {
          scope: `GetParameterHistory:${name}`,
          nextToken: input.raw('NextToken'),
          maxResults: input.raw('MaxResults'),
          pageSize: settings.pageSize,
          maxAllowed: 50,
          invalidToken,
          invalidInput: validation,
        });
        return compact({
          Parameters: result.items.map((v) =>
            compact({
              Name: name,
              Type: v.type,
              LastModifiedDate: epochSeconds(v.lastModified),
              LastModifiedUser: `arn:aws:iam::${world.managementAccountId}:user/emulator`,
              Description: v.description,
              Value: v.value,
              Version: v.version,
              Labels: [],
              Tier: v.tier,
              Policies: [],
              DataType: v.dataType,
            }),
          ),
          NextToken: result.nextToken,
        });
      },
      PutParameter: (input) => put(input),
      DeleteParameter: (input) => {
        const name = input.string('Name');
        if (!world.parameters.delete(name)) throw parameterNotFound(name);
        return {};
      },
    },
  };

  function put(input: RequestInput) {
    const name = input.string('Name');
    const value = input.string('Value');
    checkName(name);
    const previous = world.parameters.get(name)?.at(-1);
    if (previous !== undefined && input.optionalBoolean('Overwrite') !== true) {
      throw new AwsServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const type = input.optionalString('Type') ?? previous?.type ?? 'String';
    if (!PARAMETER_TYPES.has(type)) throw validation(`Type must be String, StringList or SecureString, got ${type}`);
    const tier = resolveTier(input.optionalString('Tier'), previous, value);
    if (tier === 'Standard' && value.length > STANDARD_VALUE_LIMIT) {
      throw validation(
        `Standard tier parameters support a maximum parameter value of ${STANDARD_VALUE_LIMIT} characters. ` +
          'Use the advanced tier for a larger value.',
      );
    }
    if (value.length > ADVANCED_VALUE_LIMIT) {
      throw validation(
        `Advanced tier parameters support a maximum parameter value of ${ADVANCED_VALUE_LIMIT} characters.`,
      );
    }
    const description = input.optionalString('Description');
    const dataType = input.optionalString('DataType');
    const version = world.putParameterVersion(name, value, {
      type,
      tier,
      ...(dataType === undefined ? {} : { dataType }),
      ...(description === undefined ? {} : { description }),
      now: settings.clock.now(),
    });
    return { Version: version.version, Tier: version.tier };
  }
};
