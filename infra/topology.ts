import { automationIsManagement, type DeployConfig } from './config/deploy-config.js';

/**
 * Where each kind of event is delivered (docs/aws-facts.md §2) and therefore where its rule must live.
 * Organizations (and account tag changes) reach only the management account's default bus in
 * us-east-1; Control Tower lifecycle events its home Region; Identity Store notifications and
 * SCIM/console CloudTrail records (Identity Store and account assignment changes) the account that
 * made the call, in the Identity Center home Region.
 */
export type ForwardedSource = 'organizations' | 'tag' | 'controlTower' | 'identity' | 'assignments' | 'identityNative';

export const ORGANIZATIONS_EVENTS_REGION = 'us-east-1';

export interface ForwarderPlan {
  /** Region of the management account whose default bus holds the events. */
  readonly region: string;
  readonly sources: readonly ForwardedSource[];
  /** The narrow read role for ListAccountAssignmentsForPrincipal lives in this forwarder stack. */
  readonly principalReadRole: boolean;
}

export interface Topology {
  /** Sources matched on the automation account's default bus in the home Region (no forwarding). */
  readonly local: readonly ForwardedSource[];
  /** Sources forwarded from the management account onto the custom bus. */
  readonly forwarded: readonly ForwardedSource[];
  /** One forwarder stack per management-account Region that needs rules. */
  readonly forwarders: readonly ForwarderPlan[];
}

/**
 * Decides which rules live where. Everything that is already delivered to the main stack's own
 * account and Region is matched there; the rest is forwarded in one hop, straight to the custom bus.
 *
 * @example
 * planTopology({ ...config, automationAccountId: config.managementAccountId, homeRegion: 'us-east-1' }).forwarders
 * // [] : the forwarder folds into the main stack
 */
export const planTopology = (config: DeployConfig): Topology => {
  const sameAccount = automationIsManagement(config);
  const wanted = new Map<string, ForwardedSource[]>();
  const want = (region: string, ...sources: ForwardedSource[]) =>
    wanted.set(region, [...(wanted.get(region) ?? []), ...sources]);

  want(ORGANIZATIONS_EVENTS_REGION, 'organizations', 'tag');
  if (config.controlTowerHomeRegion) want(config.controlTowerHomeRegion, 'controlTower');
  // Native notifications and SCIM records land in the account that owns the identity store, and
  // console or API changes made from the management account (assignments included) are logged there.
  if (!sameAccount) want(config.homeRegion, 'identity', 'assignments', 'identityNative');

  // Changes made from the automation account itself (console, API) are recorded there.
  const local: ForwardedSource[] = sameAccount
    ? ['identity', 'assignments', 'identityNative']
    : ['identity', 'assignments'];
  const forwarded: ForwardedSource[] = [];
  const forwarders: ForwarderPlan[] = [];
  for (const [region, sources] of wanted) {
    if (sameAccount && region === config.homeRegion) {
      local.push(...sources.filter((source) => !local.includes(source)));
      continue;
    }
    forwarded.push(...sources);
    forwarders.push({ region, sources, principalReadRole: false });
  }
  if (!sameAccount) {
    // IAM is global: the role goes into the us-east-1 forwarder, which always exists across accounts.
    const index = forwarders.findIndex((plan) => plan.region === ORGANIZATIONS_EVENTS_REGION);
    const plan = forwarders[index];
    if (plan) forwarders[index] = { ...plan, principalReadRole: true };
  }
  return { local, forwarded, forwarders };
};
