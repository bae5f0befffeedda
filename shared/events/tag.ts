import * as z from 'zod/mini';
import type { Envelope } from './envelope.js';
import { parseOrThrow } from './ids.js';
import { type EventContext, ignored, MalformedEventError, type ParseResult, work } from './result.js';

export const TAG_SOURCE = 'aws.tag';
export const TAG_DETAIL_TYPE = 'Tag Change on Resource';

/** `arn:<partition>:organizations::<management>:account/o-<org>/<accountId>` */
const ACCOUNT_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:account\/o-[a-z0-9]+\/(\d{12})$/;

const tagDetail = z.looseObject({ service: z.string(), 'resource-type': z.string() });

/**
 * Maps a "Tag Change on Resource" event for an Organizations account to that account. The tag
 * values in the event are not used: tags are read live when the account is reconciled.
 */
export const parseTagChange = (context: EventContext, envelope: Envelope): ParseResult => {
  const detail = parseOrThrow(context, tagDetail, envelope.detail);
  if (detail.service !== 'organizations' || detail['resource-type'] !== 'account') {
    return ignored(`tag change on ${detail.service} ${detail['resource-type']} is not an account`);
  }
  const arn = envelope.resources?.[0];
  const accountId = typeof arn === 'string' ? ACCOUNT_ARN.exec(arn)?.[1] : undefined;
  if (accountId === undefined) {
    throw new MalformedEventError(context, 'resources[0] is not an Organizations account ARN');
  }
  return work(context, [{ kind: 'account', accountId }]);
};
