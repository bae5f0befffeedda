/**
 * EventBridge events as the intake and fan-out functions receive them, shaped like the samples in
 * the repository's event fixtures (CloudTrail records for Organizations and the Identity Center
 * directory, "Parameter Store Change", "Scheduled Event"). Only the fields the parsers read vary.
 */

let sequence = 0;
const eventId = (): string => {
  sequence += 1;
  return `bench-${sequence.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
};

const envelope = (source: string, detailType: string, detail: Record<string, unknown>, region = 'us-east-1') => ({
  version: '0',
  id: eventId(),
  'detail-type': detailType,
  source,
  account: '111111111111',
  time: new Date().toISOString(),
  region,
  resources: [],
  detail,
});

const cloudTrail = (source: string, eventSource: string, eventName: string, detail: Record<string, unknown>) =>
  envelope(source, 'AWS API Call via CloudTrail', {
    eventVersion: '1.08',
    eventSource,
    eventName,
    eventType: 'AwsApiCall',
    readOnly: false,
    eventID: eventId(),
    ...detail,
  });

export const createAccountResultEvent = (accountId: string) =>
  envelope('aws.organizations', 'AWS Service Event via CloudTrail', {
    eventVersion: '1.08',
    eventSource: 'organizations.amazonaws.com',
    eventName: 'CreateAccountResult',
    eventType: 'AwsServiceEvent',
    readOnly: false,
    eventID: eventId(),
    requestParameters: null,
    responseElements: null,
    serviceEventDetails: {
      createAccountStatus: { id: 'car-0123456789abcdef', state: 'SUCCEEDED', accountName: '****', accountId },
    },
  });

export const moveAccountEvent = (accountId: string, sourceParentId: string, destinationParentId: string) =>
  cloudTrail('aws.organizations', 'organizations.amazonaws.com', 'MoveAccount', {
    requestParameters: { accountId, sourceParentId, destinationParentId },
    responseElements: null,
  });

export const disableUserEvent = (identityStoreId: string, userId: string) =>
  cloudTrail('aws.sso-directory', 'sso-directory.amazonaws.com', 'DisableUser', {
    requestParameters: { identityStoreId, userId },
    responseElements: null,
  });

export const parameterChangeEvent = (name: string) => ({
  ...envelope('aws.ssm', 'Parameter Store Change', { operation: 'Update', name, type: 'String' }),
  resources: [`arn:aws:ssm:us-east-1:111111111111:parameter${name}`],
});

export const scheduledSweepEvent = () => ({
  ...envelope('aws.events', 'Scheduled Event', {}),
  resources: ['arn:aws:events:us-east-1:111111111111:rule/idc-lifecycle-sweep'],
});
