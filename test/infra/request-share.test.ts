import { Match } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../infra/config/deploy-config.js';
import { DEFAULT_REQUEST_SHARE, EVENT_LANE_MAX_CONCURRENCY, splitRequestShare } from '../../infra/request-share.js';
import { WORKER_MAX_CONCURRENCY } from '../../infra/stacks/main-stack.js';
import { CROSS_ACCOUNT, synthesize } from './support.js';

const cross = () => synthesize(CROSS_ACCOUNT);

/** The sustained rate of every environment that may call Identity Center at once. */
const sustained = (share: number, workers: number, eventWorkers: number): number => {
  const split = splitRequestShare(share, { workers, eventWorkers });
  return workers * split.worker.perSecond + eventWorkers * split.eventWorker.perSecond;
};

type Resource = { Properties: Record<string, unknown> };
const functionNamed = (description: string) => {
  const functions = cross().main.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(`^${description}`) },
  }) as Record<string, Resource>;
  const [entry] = Object.entries(functions);
  if (entry === undefined) throw new Error(`no function ${description}`);
  return {
    id: entry[0],
    environment: (entry[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables,
  };
};

describe('request share', () => {
  it('keeps every environment together under the share, whatever the share and the concurrency', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 2, max: 10 }),
        (share, workers, eventWorkers) => {
          expect(sustained(share, workers, eventWorkers)).toBeLessThanOrEqual(share + 1e-9);
        },
      ),
    );
  });

  it.each([0, -1, 20.5])('refuses a share of %s', (share) => {
    expect(() => splitRequestShare(share, { workers: 10, eventWorkers: 2 })).toThrow(RangeError);
  });

  it('defaults the deploy config to half of Identity Center’s 20 requests a second', () => {
    expect(parseDeployConfig(CROSS_ACCOUNT).identityCenterRequestShare).toBe(DEFAULT_REQUEST_SHARE);
    expect(DEFAULT_REQUEST_SHARE).toBe(10);
  });

  it('refuses a deploy config share above what Identity Center allows', () => {
    expect(() => parseDeployConfig({ ...CROSS_ACCOUNT, identityCenterRequestShare: 25 })).toThrow(/at most 20/);
  });

  it('gives the worker its parts of the share as the split computes them, and the fan-out, which calls no Identity Center, none', () => {
    // Prepare
    const split = splitRequestShare(DEFAULT_REQUEST_SHARE, {
      workers: WORKER_MAX_CONCURRENCY,
      eventWorkers: EVENT_LANE_MAX_CONCURRENCY,
    });

    // Act
    const worker = functionNamed('idc-lifecycle worker').environment;
    const fanout = functionNamed('idc-lifecycle fan-out').environment;

    // Assess
    expect(worker).toMatchObject({
      IDC_REQUEST_RATE: String(split.worker.perSecond),
      EVENT_LANE_REQUEST_RATE: String(split.eventWorker.perSecond),
    });
    expect(fanout).not.toHaveProperty('IDC_REQUEST_RATE');
  });
});

describe('event lane', () => {
  it('has the intake write to the event queue and the worker tell its records apart by that queue', () => {
    // Prepare
    const { main } = cross();
    const queues = main.findResources('AWS::SQS::Queue', {
      Properties: { FifoQueue: true, RedrivePolicy: Match.anyValue() },
    }) as Record<string, Resource>;
    const eventQueue = Object.keys(queues).find((id) => id.startsWith('EventLane'));

    // Act
    const intake = functionNamed('idc-lifecycle intake').environment;
    const worker = functionNamed('idc-lifecycle worker').environment;

    // Assess
    expect(eventQueue).toBeDefined();
    expect(intake.WORK_QUEUE_URL).toEqual({ Ref: eventQueue });
    expect(worker.EVENT_QUEUE_ARN).toEqual({ 'Fn::GetAtt': [eventQueue, 'Arn'] });
  });

  it('is read by the worker through its own mapping, two environments at most, with partial batch failures', () => {
    // Prepare
    const { main } = cross();
    const worker = functionNamed('idc-lifecycle worker');

    // Act / Assess
    main.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker.id },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventLane'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: EVENT_LANE_MAX_CONCURRENCY },
    });
  });

  it('sends what keeps failing to the work dead-letter queue, after as many receives as the work queue', () => {
    // Prepare
    const { main } = cross();

    // Act
    const queues = main.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    const [, eventQueue] = Object.entries(queues).find(([id]) => id.startsWith('EventLane')) ?? [];

    // Assess
    expect(eventQueue?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^WorkDeadLetterQueue/), 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('alarms on the notification topic when an event has waited over an hour', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventLane'), 'QueueName'] } }],
      MetricName: 'ApproximateAgeOfOldestMessage',
      AlarmActions: [Match.anyValue()],
    });
  });
});
