import type { AccountAssignment, PrincipalType } from '../shared/domain/model.js';
import type { AssignmentRequest, AssignmentRequestKind, AssignmentRequests } from './assignment-requests.js';
import { epochSeconds } from './clock.js';
import { AwsServiceError } from './errors.js';
import type { FaultInjector } from './faults.js';
import { paginate } from './pagination.js';
import { accountBusy, type QuotaSettings, tooManyOutstandingCreates } from './quota.js';
import { compact, type RequestInput, type ServiceDefinition, type ServiceSettings } from './service.js';
import type { WorldState } from './world.js';

/** IAM Identity Center admin (`SWBExternalService`): the instance, permission sets and account assignments. */

const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const ACCOUNT_ID = /^\d{12}$/;

const validation = (message: string) => new AwsServiceError('ValidationException', message);
const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message);

export interface SsoAdminDependencies {
  readonly requests: AssignmentRequests;
  readonly faults: FaultInjector;
  readonly quotas: QuotaSettings;
  readonly delegatedAdministrator: boolean;
}

export const createSsoAdminService = (
  world: WorldState,
  settings: ServiceSettings,
  deps: SsoAdminDependencies,
): ServiceDefinition => {
  const checkInstance = (input: RequestInput): void => {
    const arn = input.string('InstanceArn');
    if (!INSTANCE_ARN.test(arn)) {
      throw validation(`1 validation error detected: Value '${arn}' at 'instanceArn' failed to satisfy constraint`);
    }
    if (arn !== world.instanceArn) throw notFound(`Instance ${arn} does not exist.`);
  };

  const permissionSet = (input: RequestInput) => {
    const arn = input.string('PermissionSetArn');
    const record = world.permissionSets.get(arn);
    if (record === undefined) throw notFound(`Could not find PermissionSet with arn ${arn}.`);
    return record;
  };

  const accountId = (input: RequestInput, name: string): string => {
    const id = input.string(name);
    if (!ACCOUNT_ID.test(id)) {
      throw validation(`1 validation error detected: Value '${id}' at '${name}' failed to satisfy constraint`);
    }
    return id;
  };

  const principalType = (input: RequestInput): PrincipalType => {
    const type = input.string('PrincipalType');
    if (type !== 'USER' && type !== 'GROUP') throw validation(`PrincipalType must be USER or GROUP, got ${type}`);
    return type;
  };

  const page = <T>(input: RequestInput, items: readonly T[], scope: string) =>
    paginate(items, {
      scope,
      nextToken: input.raw('NextToken'),
      maxResults: input.raw('MaxResults'),
      pageSize: settings.pageSize,
      maxAllowed: 100,
      invalidToken: (message, cause) => new AwsServiceError('ValidationException', message, { cause }),
      invalidInput: validation,
    });

  const statusShape = (r: AssignmentRequest) =>
    compact({
      Status: r.status,
      RequestId: r.requestId,
      FailureReason: r.failureReason,
      TargetId: r.assignment.accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: r.assignment.permissionSetArn,
      PrincipalType: r.assignment.principalType,
      PrincipalId: r.assignment.principalId,
      CreatedDate: epochSeconds(r.createdAt),
    });

  const assignmentShape = (a: AccountAssignment) => ({
    AccountId: a.accountId,
    PermissionSetArn: a.permissionSetArn,
    PrincipalType: a.principalType,
    PrincipalId: a.principalId,
  });

  /** Validation first, then the per-account rule, then the outstanding-create quota. */
  const submit = (input: RequestInput, kind: AssignmentRequestKind): AssignmentRequest => {
    checkInstance(input);
    const targetType = input.string('TargetType');
    if (targetType !== 'AWS_ACCOUNT') throw validation(`TargetType must be AWS_ACCOUNT, got ${targetType}`);
    const assignment: AccountAssignment = {
      accountId: accountId(input, 'TargetId'),
      permissionSetArn: permissionSet(input).arn,
      principalType: principalType(input),
      principalId: input.string('PrincipalId'),
    };
    if (kind === 'create' && !world.principalExists(assignment.principalType, assignment.principalId)) {
      throw notFound(`${assignment.principalType === 'USER' ? 'User' : 'Group'} ${assignment.principalId} not found.`);
    }
    if (deps.requests.inFlightOnAccount(assignment.accountId)) throw accountBusy(assignment.accountId);
    if (kind === 'create' && deps.requests.outstandingCreates() >= deps.quotas.outstandingCreates) {
      throw tooManyOutstandingCreates(deps.quotas.outstandingCreates);
    }
    return deps.requests.submit(kind, assignment, deps.faults.failsAssignmentsOn(assignment.accountId));
  };

  const describeStatus = (input: RequestInput, kind: AssignmentRequestKind, idMember: string) => {
    checkInstance(input);
    const requestId = input.string(idMember);
    const request = deps.requests.get(requestId);
    if (request === undefined || request.kind !== kind) {
      throw notFound(
        `Account assignment ${kind === 'create' ? 'creation' : 'deletion'} request ${requestId} not found.`,
      );
    }
    return statusShape(request);
  };

  return {
    targetPrefix: 'SWBExternalService',
    family: 'sso-admin',
    operations: {
      ListInstances: (input) => {
        const result = page(input, [world.instanceArn], 'ListInstances');
        return compact({
          Instances: result.items.map((InstanceArn) => ({
            InstanceArn,
            IdentityStoreId: world.identityStoreId,
            OwnerAccountId: world.managementAccountId,
            CreatedDate: epochSeconds(world.createdAt),
            Status: 'ACTIVE',
          })),
          NextToken: result.nextToken,
        });
      },
      ListPermissionSets: (input) => {
        checkInstance(input);
        const result = page(input, [...world.permissionSets.keys()], 'ListPermissionSets');
        return compact({ PermissionSets: result.items, NextToken: result.nextToken });
      },
      DescribePermissionSet: (input) => {
        checkInstance(input);
        const record = permissionSet(input);
        return {
          PermissionSet: {
            Name: record.name,
            PermissionSetArn: record.arn,
            CreatedDate: epochSeconds(record.createdAt),
            SessionDuration: 'PT1H',
          },
        };
      },
      DeletePermissionSet: (input) => {
        checkInstance(input);
        const arn = permissionSet(input).arn;
        if (world.deletePermissionSet(arn) === 'assigned') {
          throw new AwsServiceError(
            'ConflictException',
            `Could not delete because PermissionSet ${arn} is assigned to accounts.`,
          );
        }
        return {};
      },
      ListPermissionSetsProvisionedToAccount: (input) => {
        checkInstance(input);
        const account = accountId(input, 'AccountId');
        const status = input.optionalString('ProvisioningStatus');
        const onAccount = new Set(world.listAssignments((a) => a.accountId === account).map((a) => a.permissionSetArn));
        // Every assigned permission set is kept at its latest version by the emulator.
        const arns =
          status === 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
            ? []
            : [...world.permissionSets.keys()].filter((arn) => onAccount.has(arn));
        const result = page(input, arns, `ListPermissionSetsProvisionedToAccount:${account}:${status ?? ''}`);
        return compact({ PermissionSets: result.items, NextToken: result.nextToken });
      },
      ListAccountAssignments: (input) => {
        checkInstance(input);
        const account = accountId(input, 'AccountId');
        const arn = permissionSet(input).arn;
        const assignments = world.listAssignments((a) => a.accountId === account && a.permissionSetArn === arn);
        const result = page(input, assignments, `ListAccountAssignments:${account}:${arn}`);
        return compact({ AccountAssignments: result.items.map(assignmentShape), NextToken: result.nextToken });
      },
      ListAccountAssignmentsForPrincipal: (input) => {
        checkInstance(input);
        const type = principalType(input);
        const principalId = input.string('PrincipalId');
        const filterAccount = input.optionalObject('Filter')?.optionalString('AccountId');
        if (deps.delegatedAdministrator) {
          throw new AwsServiceError(
            'AccessDeniedException',
            'ListAccountAssignmentsForPrincipal can only be called from the management account.',
          );
        }
        const assignments = world.listAssignments(
          (a) =>
            a.principalType === type &&
            a.principalId === principalId &&
            (filterAccount === undefined || a.accountId === filterAccount),
        );
        const result = page(
          input,
          assignments,
          `ListAccountAssignmentsForPrincipal:${type}:${principalId}:${filterAccount ?? ''}`,
        );
        return compact({ AccountAssignments: result.items.map(assignmentShape), NextToken: result.nextToken });
      },
      CreateAccountAssignment: (input) => ({ AccountAssignmentCreationStatus: statusShape(submit(input, 'create')) }),
      DeleteAccountAssignment: (input) => ({ AccountAssignmentDeletionStatus: statusShape(submit(input, 'delete')) }),
      DescribeAccountAssignmentCreationStatus: (input) => ({
        AccountAssignmentCreationStatus: describeStatus(input, 'create', 'AccountAssignmentCreationRequestId'),
      }),
      DescribeAccountAssignmentDeletionStatus: (input) => ({
        AccountAssignmentDeletionStatus: describeStatus(input, 'delete', 'AccountAssignmentDeletionRequestId'),
      }),
    },
  };
};
