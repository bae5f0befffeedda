import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './errors.js';
import type { RequestInput, ServiceDefinition } from './service.js';
import type { EmulatedEvent, EmulatedMessage } from './types.js';

/**
 * EventBridge `PutEvents` and SNS `Publish`: the two ways the functions tell the world what they
 * did. The emulator keeps what was delivered (the outbox) so that a test can read it, and serves
 * them so that faults can be injected into the real publisher and notifier adapters.
 */

export interface Outbox {
  readonly events: EmulatedEvent[];
  readonly messages: EmulatedMessage[];
}

export const createOutbox = (): Outbox => ({ events: [], messages: [] });

/** PutEvents takes 1 to 10 entries, each at most 256 KB. */
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

export const createEventBridgeService = (outbox: Outbox, now: () => number): ServiceDefinition => ({
  targetPrefix: 'AWSEvents',
  family: 'events',
  operations: {
    PutEvents: (input: RequestInput) => {
      const entries = input.raw('Entries');
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
        throw input.fail(`Entries must hold 1 to ${MAX_ENTRIES} entries`);
      }
      const accepted = entries.map((entry: unknown) => {
        const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
        const text = typeof e.Detail === 'string' ? e.Detail : '';
        if (typeof e.Source !== 'string' || typeof e.DetailType !== 'string' || text === '') {
          throw input.fail('Each entry needs Source, DetailType and Detail');
        }
        if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) throw input.fail('An entry is larger than 256 KB');
        let detail: unknown;
        try {
          detail = JSON.parse(text);
        } catch (error) {
          throw new AwsServiceError('ValidationException', 'Detail is not valid JSON', { cause: error });
        }
        const id = randomUUID();
        outbox.events.push({
          id,
          source: e.Source,
          detailType: e.DetailType,
          eventBusName: typeof e.EventBusName === 'string' ? e.EventBusName : 'default',
          detail,
          time: now(),
        });
        return { EventId: id };
      });
      return { FailedEntryCount: 0, Entries: accepted };
    },
  },
});

/** SNS caps a subject at 100 characters and a message at 256 KB. */
const MAX_SUBJECT = 100;
const MAX_MESSAGE_BYTES = 256 * 1024;

export const createSnsService = (outbox: Outbox, now: () => number): ServiceDefinition => ({
  targetPrefix: 'AmazonSNS',
  family: 'sns',
  operations: {
    Publish: (input: RequestInput) => {
      const topicArn = input.string('TopicArn');
      const message = input.string('Message');
      const subject = input.optionalString('Subject');
      if (subject !== undefined && (subject.length >= MAX_SUBJECT || /[\r\n]/.test(subject))) {
        throw input.fail('Subject must be under 100 characters, on one line');
      }
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw input.fail('Message too long');
      const id = randomUUID();
      outbox.messages.push({ id, topicArn, message, ...(subject === undefined ? {} : { subject }), time: now() });
      return { MessageId: id };
    },
  },
});
