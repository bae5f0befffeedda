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
import type { SsoAdminPort } from '../../shared/domain/ports.js';
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
// Reads share Identity Center's 20 TPS with every other worker: a burst may throttle one, and a
// reconcile that fails on a read waits out the queue's visibility timeout, so reads retry longer
// than the SDK's default 3 attempts (measured in docs/benchmarks.md). Writes retry in the adapter.
const reads = { ...region, maxAttempts: 8 };
// Only the clients this function calls: each factory pulls in one SDK package (docs/design.md §8).
const clients = {
  organizations: createOrganizationsClient(reads),
  identityStore: createIdentityStoreClient(reads),
  ssoAdmin: createSsoAdminClient(reads),
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

// Group and user name→id lookups and the permission sets are kept per environment for five
// minutes: they change rarely, every other Identity Center read would otherwise repeat them, and a
// stale answer fails safe (a name that no longer resolves makes its rule unresolved, which
// revokes nothing; DescribeGroup/DescribeUser still read live). The OU tree, accounts and tags are
// read per invocation, so that an account is always planned against its current OU.
const LOOKUP_CACHE_MS = 5 * 60 * 1000;
let lookups:
  | { readonly built: number; readonly identityStore: IdentityStoreAdapter; readonly ssoAdmin: SsoAdminPort }
  | undefined;
const currentLookups = () => {
  if (lookups === undefined || clock.now() - lookups.built >= LOOKUP_CACHE_MS) {
    lookups = {
      built: clock.now(),
      identityStore: new IdentityStoreAdapter(clients.identityStore, instance.identityStoreId),
      ssoAdmin: withPrincipalReader(
        new SsoAdminAdapter(clients.ssoAdmin, {
          instanceArn: instance.instanceArn,
          writeClient: clients.ssoAdminWrites,
          maxOutstandingCreates: config.maxOutstandingCreates,
        }),
        principalReadClient && new SsoAdminAdapter(principalReadClient, { instanceArn: instance.instanceArn }),
      ),
    };
  }
  return lookups;
};

const reconcileDeps = () => {
  const { identityStore, ssoAdmin } = currentLookups();
  return {
    organizations: new OrganizationsAdapter(clients.organizations),
    identityStore,
    ssoAdmin,
    rules,
    publisher,
    notifier,
    clock,
    managementAccountId: config.managementAccountId,
  };
};

export const handler = withStandardMiddleware(
  makeHandler({
    reconcileDeps,
    clock,
    logger,
    metrics,
    ...(config.mode === 'report' ? { modeOverride: 'report' } : {}),
  }),
);
