/** Minimal EventBridge events for the function tests, shaped like the samples in test/fixtures/events/samples. */

const cloudTrail = (eventName: string, detail: Record<string, unknown>, id = 'evt-move-1') => ({
  version: '0',
  id,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.organizations',
  account: '111111111111',
  time: '2025-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventSource: 'organizations.amazonaws.com', eventName, eventType: 'AwsApiCall', ...detail },
});

export const moveAccountEvent = (accountId = '222222222222') =>
  cloudTrail('MoveAccount', {
    requestParameters: { accountId, destinationParentId: 'ou-ab12-prodprod', sourceParentId: 'r-ab12' },
  });

export const failedMoveAccountEvent = () =>
  cloudTrail('MoveAccount', {
    errorCode: 'AccessDeniedException',
    requestParameters: { accountId: '222222222222', destinationParentId: 'ou-ab12-prodprod' },
  });

export const malformedMoveAccountEvent = () => cloudTrail('MoveAccount', { requestParameters: {} });

export const rulesChangeEvent = (name = '/idc-lifecycle/rules/base') => ({
  version: '0',
  id: 'evt-ssm-1',
  'detail-type': 'Parameter Store Change',
  source: 'aws.ssm',
  account: '111111111111',
  time: '2025-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [`arn:aws:ssm:eu-west-1:111111111111:parameter${name}`],
  detail: { operation: 'Update', name, type: 'String' },
});

export const scheduledEvent = () => ({
  version: '0',
  id: 'evt-sweep-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111111111111',
  time: '2025-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:111111111111:rule/sweep'],
  detail: {},
});
