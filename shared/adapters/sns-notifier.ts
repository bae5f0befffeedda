import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Plan } from '../domain/plan-types.js';
import type { NotifierPort } from '../domain/ports.js';

/** SNS requires a subject under 100 characters with no line breaks or control characters. */
const SUBJECT_MAX = 99;
/** Lines per section; the counts line still gives the totals, and SNS caps a message at 256 KB. */
const SECTION_MAX = 100;

export const toSubject = (subject: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = subject.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || 'idc-lifecycle';
  return clean.length <= SUBJECT_MAX ? clean : `${clean.slice(0, SUBJECT_MAX - 3)}...`;
};

const section = (title: string, lines: readonly string[]): string[] => {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, SECTION_MAX);
  const more = lines.length - shown.length;
  return ['', `${title}:`, ...shown, ...(more > 0 ? [`  ... and ${more} more`] : [])];
};

/**
 * A plain-text summary of one reconcile for people reading mail or chat: what changed (or, in
 * report mode, what would change), with names, ids and the rules behind each change.
 */
export const formatSummary = (summary: { readonly scope: string; readonly plan: Plan; readonly applied: boolean }) => {
  const { plan, applied } = summary;
  const verb = applied ? { create: 'Created', delete: 'Deleted' } : { create: 'Would create', delete: 'Would delete' };
  return [
    `Scope: ${summary.scope}`,
    `Mode: ${applied ? 'changes applied' : 'report only, nothing was changed'}`,
    `Creates: ${plan.create.length}, deletes: ${plan.delete.length}, memberships added: ${plan.memberships.add.length}, memberships removed: ${plan.memberships.remove.length}, blocked: ${plan.blocked.length}, errors: ${plan.errors.length}`,
    ...section(
      verb.create,
      plan.create.map(
        (c) =>
          `  + ${c.permissionSetName} for ${c.principalType} ${c.principalName} (${c.principalId}) on ${c.accountId} [rules: ${c.ruleIds.join(', ')}]`,
      ),
    ),
    ...section(
      verb.delete,
      plan.delete.map(
        (d) =>
          `  - ${d.permissionSetName} for ${d.principalType} ${d.principalName} (${d.principalId}) on ${d.accountId}: ${d.reason}`,
      ),
    ),
    ...section(
      applied ? 'Memberships added' : 'Memberships to add',
      plan.memberships.add.map((m) => `  + user ${m.userId} to group ${m.groupId} [rules: ${m.ruleIds.join(', ')}]`),
    ),
    ...section(
      applied ? 'Memberships removed' : 'Memberships to remove',
      plan.memberships.remove.map((m) => `  - user ${m.userId} from group ${m.groupId}: ${m.reason}`),
    ),
    ...section(
      'Blocked',
      plan.blocked.flatMap((b) => [
        `  ! ${b.reason} (${b.wouldDelete} revocation(s) held back)`,
        ...b.changes.map((c) =>
          'accountId' in c
            ? `      ${c.permissionSetName} for ${c.principalType} ${c.principalName} (${c.principalId}) on ${c.accountId}: ${c.reason}`
            : `      user ${c.userId} in group ${c.groupId}: ${c.reason}`,
        ),
      ]),
    ),
    ...section(
      'Errors',
      plan.errors.map((e) => `  ! rule ${e.ruleId}: ${e.message}`),
    ),
  ].join('\n');
};

/**
 * {@link NotifierPort} over an SNS topic.
 *
 * @example
 * await new SnsNotifier(clients.sns, topicArn).notify('Reconcile blocked on 111122223333', { scope, plan, applied: false });
 */
export class SnsNotifier implements NotifierPort {
  constructor(
    private readonly client: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
  ) {}

  async notify(
    subject: string,
    summary: { readonly scope: string; readonly plan: Plan; readonly applied: boolean },
  ): Promise<void> {
    await this.client.send(
      new PublishCommand({ TopicArn: this.topicArn, Subject: toSubject(subject), Message: formatSummary(summary) }),
    );
  }
}
