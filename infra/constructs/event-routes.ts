import { Duration } from 'aws-cdk-lib';
import { EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { rulesChangedPattern, SOURCE_PATTERNS, toCdkEventPattern } from '../event-patterns.js';
import type { ForwardedSource } from '../topology.js';

/** EventBridge's own ceilings for a target's retry policy: keep trying for a full day. */
export const TARGET_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) } as const;

export interface EventRoutesProps {
  readonly intake: IFunction;
  readonly fanout: IFunction;
  /** The custom bus the forwarders put management-account events on. */
  readonly eventBus: IEventBus;
  /** Where an event goes once EventBridge has given up delivering it. */
  readonly deadLetterQueue: IQueue;
  /** Sources delivered to this account and Region, matched on its default bus. */
  readonly localSources: readonly ForwardedSource[];
  /** Sources forwarded from the management account onto the custom bus. */
  readonly forwardedSources: readonly ForwardedSource[];
  readonly managementAccountId: string;
  /** The account this stack runs in: local events and rules changes come from it. */
  readonly automationAccountId: string;
  readonly rulesPath: string;
}

/**
 * The EventBridge rules of the main stack. Every rule names the account its events come from, so
 * an event put on a bus by anyone else does not match; every target retries for a day and then
 * parks the event in the delivery DLQ.
 */
export class EventRoutes extends Construct {
  constructor(scope: Construct, id: string, props: EventRoutesProps) {
    super(scope, id);
    const toFunction = (fn: IFunction) =>
      new LambdaTarget(fn, { deadLetterQueue: props.deadLetterQueue, ...TARGET_RETRY });
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const route = (bus: IEventBus, prefix: string, source: ForwardedSource, account: string) => {
      const { id: sourceId, description, raw } = SOURCE_PATTERNS[source];
      new Rule(this, `${prefix}${sourceId}`, {
        description: `${description} to the intake function`,
        eventBus: bus,
        eventPattern: toCdkEventPattern(raw, { account: [account] }),
        targets: [toFunction(props.intake)],
      });
    };
    for (const source of props.localSources) route(defaultBus, 'Local', source, props.automationAccountId);
    for (const source of props.forwardedSources) {
      route(props.eventBus, 'Forwarded', source, props.managementAccountId);
    }
    new Rule(this, 'RulesChanged', {
      description: 'A rules document under the rules path changed: validate and reconcile everything',
      eventPattern: rulesChangedPattern(props.rulesPath, { account: [props.automationAccountId] }),
      targets: [toFunction(props.fanout)],
    });
  }
}
