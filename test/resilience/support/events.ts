/**
 * EventBridge events as the intake and fan-out functions receive them, shaped like the samples in
 * test/fixtures/events/samples (CloudTrail records in the EventBridge envelope). Each takes the event id,
 * since duplicates and redeliveries are told apart by it.
 */

const envelope = (id: string, detailType: string, source: string, detail: Record<string, unknown>) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source,
  account: '111111111111',
  time: '2026-06-02T09:15:30Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const cloudTrail = (
  id: string,
  eventSource: string,
  eventName: string,
  fields: Record<string, unknown>,
  type: 'AwsApiCall' | 'AwsServiceEvent' = 'AwsApiCall',
) =>
  envelope(
    id,
    type === 'AwsApiCall' ? 'AWS API Call via CloudTrail' : 'AWS Service Event via CloudTrail',
    `aws.${eventSource.replace('.amazonaws.com', '')}`,
    {
      eventVersion: '1.11',
      eventTime: '2026-06-02T09:15:30Z',
      eventSource,
      eventName,
      awsRegion: 'us-east-1',
      eventID: `ct-${id}`,
      eventType: type,
      readOnly: false,
      ...fields,
    },
  );

export const moveAccount = (id: string, accountId: string, sourceParentId: string, destinationParentId: string) =>
  cloudTrail(id, 'organizations.amazonaws.com', 'MoveAccount', {
    requestParameters: { accountId, sourceParentId, destinationParentId },
    responseElements: null,
  });

export const closeAccountResult = (id: string, accountId: string, state: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') =>
  cloudTrail(
    id,
    'organizations.amazonaws.com',
    'CloseAccountResult',
    {
      requestParameters: null,
      responseElements: null,
      serviceEventDetails: { closeAccountStatus: { accountId, state } },
    },
    'AwsServiceEvent',
  );

/** The API call that starts a closure; CloseAccountResult ends it. */
export const closeAccount = (id: string, accountId: string) =>
  cloudTrail(id, 'organizations.amazonaws.com', 'CloseAccount', {
    requestParameters: { accountId },
    responseElements: null,
  });

export const removeAccountFromOrganization = (id: string, accountId: string) =>
  cloudTrail(id, 'organizations.amazonaws.com', 'RemoveAccountFromOrganization', {
    requestParameters: { accountId },
    responseElements: null,
  });

/** An Identity Store API call about one user (CreateUser, UpdateUser, DeleteUser, …). */
export const userEvent = (id: string, eventName: string, userId: string) =>
  cloudTrail(id, 'identitystore.amazonaws.com', eventName, {
    requestParameters: { identityStoreId: 'd-90670000a1', userId },
    responseElements: null,
  });

/** An Identity Store API call about one group (CreateGroup, UpdateGroup, DeleteGroup). */
export const groupEvent = (id: string, eventName: string, groupId: string) =>
  cloudTrail(id, 'identitystore.amazonaws.com', eventName, {
    requestParameters: { identityStoreId: 'd-90670000a1', groupId },
    responseElements: null,
  });

/** The console's DisableUser, which arrives from sso-directory. */
export const disableUser = (id: string, userId: string) =>
  cloudTrail(id, 'sso-directory.amazonaws.com', 'DisableUser', {
    requestParameters: { identityStoreId: 'd-90670000a1', userId },
    responseElements: null,
  });

export const parameterChange = (id: string, name: string, operation: 'Create' | 'Update' | 'Delete') =>
  envelope(id, 'Parameter Store Change', 'aws.ssm', { operation, name, type: 'String' });

export const scheduledSweep = (id: string) => envelope(id, 'Scheduled Event', 'aws.events', {});
