import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  createEventBridgeClient,
  createIdentityStoreClient,
  createOrganizationsClient,
  createSnsClient,
  createSsmClient,
  createSsoAdminClient,
  createSsoAdminWritesClient,
} from '../../shared/adapters/clients.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { IdentityStoreAdapter } from '../../shared/adapters/identity-store.js';
import { OrganizationsAdapter } from '../../shared/adapters/organizations.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SsmRulesSource } from '../../shared/adapters/ssm-rules-source.js';
import { discoverInstance, SsoAdminAdapter } from '../../shared/adapters/sso-admin.js';
import { RulesCache } from '../../shared/domain/reconcile/rules-cache.js';
import { loadRuleSet, parseRulesDocument } from '../../shared/domain/rules/load.js';
import { loadConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { metrics } from '../../shared/runtime/metrics.js';
import { withStandardMiddleware } from '../../shared/runtime/middleware.js';
import { withPrincipalReader } from '../../shared/runtime/principal-reader.js';
import { makeHandler } from './handler.js';

const config = loadConfig('worker');
const region = config.idcRegion === undefined ? {} : { region: config.idcRegion };
// Only the clients this function calls: each factory pulls in one SDK package (DESIGN §8).
const clients = {
  organizations: createOrganizationsClient(region),
  identityStore: createIdentityStoreClient(region),
  ssoAdmin: createSsoAdminClient(region),
  ssoAdminWrites: createSsoAdminWritesClient(region),
  ssm: createSsmClient(region),
  eventBridge: createEventBridgeClient(region),
  sns: createSnsClient(region),
};
const instance =
  config.instanceArn !== undefined && config.identityStoreId !== undefined
    ? { instanceArn: config.instanceArn, identityStoreId: config.identityStoreId }
    : await discoverInstance(clients.ssoAdmin);
const principalReadClient = config.principalReadRoleArn
  ? new SSOAdminClient({
      ...region,
      credentials: fromTemporaryCredentials({ params: { RoleArn: config.principalReadRoleArn } }),
    })
  : undefined;
const clock = { now: () => Date.now() };
const ssmRules = new SsmRulesSource(clients.ssm, {
  path: config.rulesPath,
  validate: loadRuleSet,
  checkDocument: parseRulesDocument,
});
const rules = new RulesCache(ssmRules, clock, config.rulesCacheSeconds * 1000);
const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName);
const notifier = new SnsNotifier(clients.sns, config.summaryTopicArn);

// Directory adapters cache names, the OU tree and permission sets: one set per invocation.
const reconcileDeps = () => ({
  organizations: new OrganizationsAdapter(clients.organizations),
  identityStore: new IdentityStoreAdapter(clients.identityStore, instance.identityStoreId),
  ssoAdmin: withPrincipalReader(
    new SsoAdminAdapter(clients.ssoAdmin, {
      instanceArn: instance.instanceArn,
      writeClient: clients.ssoAdminWrites,
      maxOutstandingCreates: config.maxOutstandingCreates,
    }),
    principalReadClient && new SsoAdminAdapter(principalReadClient, { instanceArn: instance.instanceArn }),
  ),
  rules,
  publisher,
  notifier,
  clock,
  managementAccountId: config.managementAccountId,
});

export const handler = withStandardMiddleware(
  makeHandler({
    reconcileDeps,
    clock,
    logger,
    metrics,
    ...(config.mode === 'report' ? { modeOverride: 'report' } : {}),
  }),
);
