import { SSMClient } from '@aws-sdk/client-ssm';
import { makeHandler, type SeedResponse } from './handler.js';

/** CloudFormation reads the response from a presigned S3 URL; the content type must be empty. */
const respond = async (url: string, response: SeedResponse): Promise<void> => {
  const body = JSON.stringify(response);
  const reply = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!reply.ok) throw new Error(`CloudFormation response rejected: HTTP ${reply.status}`);
};

export const handler = makeHandler({ ssm: new SSMClient({}), respond, logger: console });
