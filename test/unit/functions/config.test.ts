import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/runtime/config.js';

const workerEnv = {
  WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo',
  EVENT_BUS_NAME: 'idc-lifecycle',
  SUMMARY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:summary',
  MANAGEMENT_ACCOUNT_ID: '111111111111',
};

describe('loadConfig', () => {
  it('applies the defaults and leaves optional settings out', () => {
    // Act
    const config = loadConfig('worker', workerEnv);

    // Assess
    expect(config).toEqual({
      workQueueUrl: workerEnv.WORK_QUEUE_URL,
      runTableName: 'idc-lifecycle-runs',
      rulesPath: '/idc-lifecycle/rules/',
      eventBusName: 'idc-lifecycle',
      summaryTopicArn: workerEnv.SUMMARY_TOPIC_ARN,
      instanceArn: undefined,
      identityStoreId: undefined,
      idcRegion: undefined,
      managementAccountId: '111111111111',
      principalReadRoleArn: undefined,
      rulesCacheSeconds: 60,
      maxOutstandingCreates: 10,
      requestRate: 10,
      requestBurst: undefined,
      eventQueueArn: undefined,
      eventLaneRequestRate: undefined,
      eventLaneRequestBurst: undefined,
      mode: 'enforce',
    });
  });

  it('reads every variable it is given', () => {
    // Act
    const config = loadConfig('worker', {
      ...workerEnv,
      RULES_PATH: '/custom/rules',
      INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-1111111111111111',
      IDENTITY_STORE_ID: 'd-1111111111',
      IDC_REGION: 'eu-west-1',
      PRINCIPAL_READ_ROLE_ARN: 'arn:aws:iam::111111111111:role/reader',
      RULES_CACHE_SECONDS: '5',
      MAX_OUTSTANDING_CREATES: '5',
      IDC_REQUEST_RATE: '0.75',
      IDC_REQUEST_BURST: '5',
      EVENT_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:111111111111:events.fifo',
      EVENT_LANE_REQUEST_RATE: '1',
      EVENT_LANE_REQUEST_BURST: '20',
      MODE: 'report',
    });

    // Assess
    expect(config).toMatchObject({
      rulesPath: '/custom/rules',
      rulesCacheSeconds: 5,
      maxOutstandingCreates: 5,
      requestRate: 0.75,
      requestBurst: 5,
      eventQueueArn: 'arn:aws:sqs:eu-west-1:111111111111:events.fifo',
      eventLaneRequestRate: 1,
      eventLaneRequestBurst: 20,
      mode: 'report',
      idcRegion: 'eu-west-1',
    });
  });

  it('reads the accounts the intake accepts events from', () => {
    // Act
    const config = loadConfig('intake', {
      WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/222222222222/work.fifo',
      MANAGEMENT_ACCOUNT_ID: '111111111111',
      AUTOMATION_ACCOUNT_ID: '222222222222',
      WORKER_ROLE_ARN: 'arn:aws:iam::222222222222:role/idc-lifecycle-worker',
    });

    // Assess
    expect(config).toMatchObject({
      managementAccountId: '111111111111',
      automationAccountId: '222222222222',
      workerRoleArn: 'arn:aws:iam::222222222222:role/idc-lifecycle-worker',
    });
  });

  it.each([
    [undefined, 'Environment variable WORKER_ROLE_ARN is required'],
    ['idc-lifecycle-worker', 'Environment variable WORKER_ROLE_ARN is invalid: must be an IAM role ARN'],
    [
      'arn:aws:sts::222222222222:assumed-role/idc-lifecycle-worker/fn',
      'Environment variable WORKER_ROLE_ARN is invalid',
    ],
  ])('refuses to run the intake without the worker role it ignores the writes of (%s)', (value, message) => {
    // Prepare
    const env = {
      WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/222222222222/work.fifo',
      MANAGEMENT_ACCOUNT_ID: '111111111111',
      AUTOMATION_ACCOUNT_ID: '222222222222',
      WORKER_ROLE_ARN: value,
    };

    // Act + Assess
    expect(() => loadConfig('intake', env)).toThrow(message);
  });

  it.each([
    ['worker', { ...workerEnv, EVENT_BUS_NAME: undefined }, 'Environment variable EVENT_BUS_NAME is required'],
    ['worker', { ...workerEnv, MANAGEMENT_ACCOUNT_ID: '  ' }, 'Environment variable MANAGEMENT_ACCOUNT_ID is required'],
    ['intake', {}, 'Environment variable WORK_QUEUE_URL is required'],
    [
      'intake',
      { WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q.fifo', MANAGEMENT_ACCOUNT_ID: '111111111111' },
      'Environment variable AUTOMATION_ACCOUNT_ID is required',
    ],
  ] as const)('throws for the %s function when %j', (name, env, message) => {
    // Act + Assess
    expect(() => loadConfig(name, env)).toThrow(new ConfigError(message));
  });

  it.each([
    ['worker', { MODE: 'delete-everything' }, 'MODE', 'Invalid option: expected one of "enforce"|"report"'],
    ['worker', { MANAGEMENT_ACCOUNT_ID: '123' }, 'MANAGEMENT_ACCOUNT_ID', 'must be a 12-digit account id'],
    ['intake', { WORK_QUEUE_URL: 'not a url' }, 'WORK_QUEUE_URL', 'Invalid URL'],
    ['worker', { RULES_PATH: 'rules' }, 'RULES_PATH', 'must be an SSM path starting with "/"'],
    ['worker', { SUMMARY_TOPIC_ARN: 'summary' }, 'SUMMARY_TOPIC_ARN', 'must be an SNS topic ARN'],
    ['worker', { RULES_CACHE_SECONDS: 'soon' }, 'RULES_CACHE_SECONDS', 'Invalid input: expected number, received NaN'],
    ['worker', { RULES_CACHE_SECONDS: '2.5' }, 'RULES_CACHE_SECONDS', 'Invalid input: expected int, received number'],
    ['worker', { RULES_CACHE_SECONDS: '-1' }, 'RULES_CACHE_SECONDS', 'Too small: expected number to be >=0'],
    ...['0', '21', 'fast'].flatMap((value) =>
      (['IDC_REQUEST_RATE', 'EVENT_LANE_REQUEST_RATE'] as const).map(
        (variable) =>
          [
            'worker',
            { [variable]: value },
            variable,
            'must be a number of requests per second above 0 and at most 20 (Identity Center allows 20 in all)',
          ] as const,
      ),
    ),
    ['worker', { IDC_REQUEST_BURST: '0.5' }, 'IDC_REQUEST_BURST', 'must be a whole number of requests from 1 to 50'],
    [
      'worker',
      { EVENT_LANE_REQUEST_BURST: '51' },
      'EVENT_LANE_REQUEST_BURST',
      'must be a whole number of requests from 1 to 50',
    ],
    ['worker', { EVENT_QUEUE_ARN: 'events.fifo' }, 'EVENT_QUEUE_ARN', 'must be an SQS queue ARN'],
    ...['11', '0', '2.5', 'ten'].map(
      (value) =>
        [
          'worker',
          { MAX_OUTSTANDING_CREATES: value },
          'MAX_OUTSTANDING_CREATES',
          'must be a whole number from 1 to 10 (Identity Center allows 10 outstanding creates)',
        ] as const,
    ),
  ] as const)('says why the %s function refuses %j', (name, invalid, variable, reason) => {
    // Prepare
    const env = { ...(name === 'worker' ? workerEnv : {}), ...invalid };

    // Act + Assess
    expect(() => loadConfig(name, env)).toThrow(
      new ConfigError(`Environment variable ${variable} is invalid: ${reason}`),
    );
  });

  it('lets the fan-out run without the management account id', () => {
    // Act
    const config = loadConfig('fanout', {
      WORK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo',
      EVENT_BUS_NAME: 'bus',
      SUMMARY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:summary',
    });

    // Assess
    expect(config.managementAccountId).toBeUndefined();
  });
});
