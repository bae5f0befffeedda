import { EventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** The custom bus: forwarded events come in, the worker's outcome events go out. */
export const EVENT_BUS_NAME = 'idc-lifecycle';

export interface LifecycleBusProps {
  /** The account the forwarders run in. */
  readonly managementAccountId: string;
  /**
   * The forwarders' roles, the only principals of that account that may put events on the bus.
   * @default - no forwarders: no resource policy, only this account's own principals can put events
   */
  readonly forwarderRoleArns?: readonly string[];
}

/**
 * The `idc-lifecycle` custom event bus. Anyone who can put events on it can make the intake
 * enqueue work, so its resource policy names the forwarder roles themselves, not their account:
 * no other principal of the management account can put an event on it.
 */
export class LifecycleBus extends EventBus {
  constructor(scope: Construct, id: string, props: LifecycleBusProps) {
    super(scope, id, { eventBusName: EVENT_BUS_NAME });
    const roles = props.forwarderRoleArns ?? [];
    if (roles.length === 0) return;
    // Trusting the account with a condition on the role ARNs works before those roles exist, so
    // the two accounts can deploy in either order.
    this.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ForwarderRolesPutEvents',
        principals: [new AccountPrincipal(props.managementAccountId)],
        actions: ['events:PutEvents'],
        resources: [this.eventBusArn],
        conditions: { ArnEquals: { 'aws:PrincipalArn': [...roles] } },
      }),
    );
  }
}
