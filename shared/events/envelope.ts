import * as z from 'zod/mini';

/** EventBridge `detail-type` of CloudTrail-delivered events. */
export const API_CALL = 'AWS API Call via CloudTrail';
export const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
export const CLOUDTRAIL_DETAIL_TYPES: readonly string[] = [API_CALL, SERVICE_EVENT];

/**
 * The EventBridge envelope as a Lambda receives it. Only the fields the parser reads are named;
 * everything else passes through untouched.
 */
const nonEmpty = () => z.string().check(z.minLength(1));

export const envelopeSchema = z.looseObject({
  id: nonEmpty(),
  'detail-type': nonEmpty(),
  source: nonEmpty(),
  // Read only by the handlers that need it, so a broken `resources` cannot spoil other events.
  resources: z.catch(z.optional(z.array(z.unknown())), undefined),
  detail: z.optional(z.unknown()),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** The part of a CloudTrail record every handler reads first. */
export const cloudTrailRecordSchema = z.looseObject({
  eventSource: z.optional(z.string()),
  eventName: z.optional(z.string()),
  errorCode: z.optional(z.unknown()),
  readOnly: z.optional(z.unknown()),
});

const recordForWrapping = z.looseObject({
  eventID: z.optional(z.string()),
  eventSource: z.optional(z.string()),
  eventType: z.optional(z.string()),
  awsRegion: z.optional(z.string()),
  recipientAccountId: z.optional(z.string()),
  eventTime: z.optional(z.string()),
});

/**
 * Wraps a bare CloudTrail record (what the CloudTrail console and most documentation show) in the
 * EventBridge envelope that a Lambda would receive, so that such samples can be fed to
 * `parseEvent` (tests, `simulate`). `source` is `aws.<service>` taken from `eventSource` unless given.
 *
 * @example
 * parseEvent(toEventBridgeEvent(JSON.parse(cloudTrailRecordText)), { rulesPath: '/idc-lifecycle/rules/' })
 */
export const toEventBridgeEvent = (
  record: Readonly<Record<string, unknown>>,
  overrides: { readonly id?: string; readonly source?: string } = {},
): Record<string, unknown> => {
  const parsed = recordForWrapping.safeParse(record);
  const fields = parsed.success ? parsed.data : {};
  const service = fields.eventSource?.replace(/\.amazonaws\.com$/, '');
  return {
    version: '0',
    id: overrides.id ?? fields.eventID ?? 'wrapped-cloudtrail-record',
    'detail-type': fields.eventType === 'AwsServiceEvent' ? SERVICE_EVENT : API_CALL,
    source: overrides.source ?? (service === undefined ? 'aws.unknown' : `aws.${service}`),
    account: fields.recipientAccountId ?? '000000000000',
    time: fields.eventTime ?? '1970-01-01T00:00:00Z',
    region: fields.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  };
};
