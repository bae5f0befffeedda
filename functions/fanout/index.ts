import {
  createEventBridgeClient,
  createIdentityStoreClient,
  createOrganizationsClient,
  createSnsClient,
  createSqsClient,
  createSsmClient,
  createSsoAdminClient,
} from '../../shared/adapters/clients.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { IdentityStoreAdapter } from '../../shared/adapters/identity-store.js';
import { OrganizationsAdapter } from '../../shared/adapters/organizations.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { discoverInstance } from '../../shared/adapters/sso-admin.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
import { loadConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { metrics } from '../../shared/runtime/metrics.js';
import { withStandardMiddleware } from '../../shared/runtime/middleware.js';
import { makeHandler } from './handler.js';

const config = loadConfig('fanout');
const region = config.idcRegion === undefined ? {} : { region: config.idcRegion };
// Only the clients this function calls: each factory pulls in one SDK package (docs/design.md §8).
const clients = {
  organizations: createOrganizationsClient(region),
  identityStore: createIdentityStoreClient(region),
  ssm: createSsmClient(region),
  sqs: createSqsClient(region),
  eventBridge: createEventBridgeClient(region),
  sns: createSnsClient(region),
};
// The stack always sets IDENTITY_STORE_ID; discovery is the fallback for a hand-made deployment.
const identityStoreId =
  config.identityStoreId ?? (await discoverInstance(createSsoAdminClient(region))).identityStoreId;
const rules = new SsmRulesSource(clients.ssm, {
  path: config.rulesPath,
  validate: loadRuleSet,
  checkDocument: parseRulesDocument,
});

// Directory adapters cache what they read; a fresh pair per invocation keeps each sweep current.
export const handler = withStandardMiddleware((event: unknown) =>
  makeHandler({
    rules,
    organizations: new OrganizationsAdapter(clients.organizations),
    identityStore: new IdentityStoreAdapter(clients.identityStore, identityStoreId),
    queue: new SqsWorkQueue(clients.sqs, config.workQueueUrl),
    publisher: new EventBridgePublisher(clients.eventBridge, config.eventBusName),
    notifier: new SnsNotifier(clients.sns, config.summaryTopicArn),
    ...(config.managementAccountId === undefined ? {} : { managementAccountId: config.managementAccountId }),
    rulesPath: config.rulesPath,
    logger,
    metrics,
  })(event),
);
