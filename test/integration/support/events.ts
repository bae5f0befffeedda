import { randomUUID } from 'node:crypto';

/**
 * Synthetic events in the shapes docs/aws-facts.md §1 documents (envelope as a Lambda receives it,
 * CloudTrail record under `detail`). Every call makes a new event id, as AWS does for every event.
 */

const MANAGEMENT = '111122223333';
const IDENTITY_STORE = 'd-9067d00a12';

interface RecordParts {
  readonly requestParameters?: unknown;
  readonly responseElements?: unknown;
  readonly serviceEventDetails?: unknown;
}

const envelope = (detailType: string, source: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source,
  account: MANAGEMENT,
  time: '2026-06-01T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const record = (service: string, eventName: string, eventType: string, parts: RecordParts) => ({
  eventVersion: '1.08',
  userIdentity: { type: 'AssumedRole', accountId: MANAGEMENT },
  eventTime: '2026-06-01T09:00:00Z',
  eventSource: `${service}.amazonaws.com`,
  eventName,
  awsRegion: 'us-east-1',
  requestParameters: parts.requestParameters ?? null,
  responseElements: parts.responseElements ?? null,
  ...(parts.serviceEventDetails === undefined ? {} : { serviceEventDetails: parts.serviceEventDetails }),
  eventID: randomUUID(),
  readOnly: false,
  eventType,
  managementEvent: true,
  recipientAccountId: MANAGEMENT,
  eventCategory: 'Management',
});

export const apiCall = (service: string, eventName: string, parts: RecordParts) =>
  envelope('AWS API Call via CloudTrail', `aws.${service}`, record(service, eventName, 'AwsApiCall', parts));

export const serviceEvent = (service: string, eventName: string, serviceEventDetails: unknown) =>
  envelope(
    'AWS Service Event via CloudTrail',
    `aws.${service}`,
    record(service, eventName, 'AwsServiceEvent', { serviceEventDetails }),
  );

export const createAccountResult = (accountId: string) =>
  serviceEvent('organizations', 'CreateAccountResult', {
    createAccountStatus: {
      id: 'car-0123456789abcdef0123456789abcdef',
      state: 'SUCCEEDED',
      accountName: '****',
      accountId,
      requestedTimestamp: 'Jun 1, 2026 8:59:56 AM',
      completedTimestamp: 'Jun 1, 2026 9:00:00 AM',
    },
  });

export const moveAccount = (accountId: string, sourceParentId: string, destinationParentId: string) =>
  apiCall('organizations', 'MoveAccount', { requestParameters: { accountId, sourceParentId, destinationParentId } });

export const closeAccount = (accountId: string) =>
  apiCall('organizations', 'CloseAccount', { requestParameters: { accountId } });

/** The service event that ends a closure (docs/aws-facts.md §1.1). */
export const closeAccountResult = (accountId: string, state: 'SUCCEEDED' | 'FAILED') =>
  serviceEvent('organizations', 'CloseAccountResult', {
    closeAccountStatus: {
      accountId,
      state,
      requestedTimestamp: 'Jun 1, 2026 9:00:00 AM',
      completedTimestamp: 'Jun 1, 2026 9:05:00 AM',
    },
  });

export const removeAccountFromOrganization = (accountId: string) =>
  apiCall('organizations', 'RemoveAccountFromOrganization', { requestParameters: { accountId } });

/** Control Tower's lifecycle event for an Account Factory update, an OU move included (docs/aws-facts.md §1.2). */
export const updateManagedAccount = (accountId: string, accountName: string, ouId: string, ouName: string) =>
  serviceEvent('controltower', 'UpdateManagedAccount', {
    updateManagedAccountStatus: {
      organizationalUnit: { organizationalUnitName: ouName, organizationalUnitId: ouId },
      account: { accountName, accountId },
      state: 'SUCCEEDED',
      message: 'AWS Control Tower successfully updated an enrolled account.',
      requestedTimestamp: '2026-06-01T08:00:00+0000',
      completedTimestamp: '2026-06-01T08:40:00+0000',
    },
  });

/** Console (`sso-directory`) CreateUser: attributes masked, the id in `responseElements.user.userId`. */
export const consoleCreateUser = (userId: string) =>
  apiCall('sso-directory', 'CreateUser', {
    requestParameters: { identityStoreId: IDENTITY_STORE, userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    responseElements: { user: { userId, userName: 'HIDDEN_DUE_TO_SECURITY_REASONS', active: true } },
  });

export const consoleDisableUser = (userId: string) =>
  apiCall('sso-directory', 'DisableUser', { requestParameters: { identityStoreId: IDENTITY_STORE, userId } });

export const consoleDeleteUser = (userId: string) =>
  apiCall('sso-directory', 'DeleteUser', { requestParameters: { identityStoreId: IDENTITY_STORE, userId } });

/** SCIM DeleteUser: the Identity Store id is the SCIM resource id, `requestParameters.id`. */
export const scimDeleteUser = (userId: string) =>
  apiCall('identitystore-scim', 'DeleteUser', { requestParameters: { tenantId: IDENTITY_STORE, id: userId } });

/** Identity Store API DeleteGroup. */
export const deleteGroup = (groupId: string) =>
  apiCall('identitystore', 'DeleteGroup', { requestParameters: { identityStoreId: IDENTITY_STORE, groupId } });

/** SSM "Parameter Store Change" for one parameter; the value is never in the event. */
export const parameterChanged = (name: string, operation = 'Update') => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Parameter Store Change',
  source: 'aws.ssm',
  account: MANAGEMENT,
  time: '2026-06-01T09:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:ssm:us-east-1:${MANAGEMENT}:parameter${name}`],
  detail: { operation, name, type: 'String', description: 'rules' },
});

/** An account assignment, as CreateAccountAssignment and DeleteAccountAssignment name it. */
export interface AssignmentCall {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: 'USER' | 'GROUP';
  readonly principalId: string;
}

/**
 * The CloudTrail record of an assignment write made by the role `issuerArn` (an administrator by
 * default), as an assumed-role session: the session issuer is the role, the caller ARN adds a session name.
 */
export const assignmentWrite = (
  eventName: 'CreateAccountAssignment' | 'DeleteAccountAssignment',
  call: AssignmentCall,
  issuerArn = `arn:aws:iam::${MANAGEMENT}:role/PlatformAdmin`,
) => {
  const event = apiCall('sso', eventName, {
    requestParameters: {
      instanceArn: 'arn:aws:sso:::instance/ssoins-7223be8d4e9143ea',
      targetId: call.accountId,
      targetType: 'AWS_ACCOUNT',
      permissionSetArn: call.permissionSetArn,
      principalType: call.principalType,
      principalId: call.principalId,
    },
  });
  const roleName = issuerArn.split('/').at(-1);
  const userIdentity = {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/${roleName}/session`,
    accountId: MANAGEMENT,
    sessionContext: { sessionIssuer: { type: 'Role', arn: issuerArn, accountId: MANAGEMENT, userName: roleName } },
  };
  return { ...event, detail: { ...event.detail, userIdentity } };
};
