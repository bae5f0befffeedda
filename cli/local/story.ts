import type { OrganizationView } from '../../shared/domain/model.js';
import type { Plan, PlannedCreate, PlannedDelete } from '../../shared/domain/plan-types.js';
import { parseScopeKey } from '../../shared/domain/scope.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import { snapshotView } from '../../shared/domain/snapshot.js';
import type { Colors } from '../context.js';
import { formatPlanTable, ouPath, planSummary } from '../plan-format.js';
import { type ChangesByMode, changeCount, changesByMode } from './changes.js';
import type { EffectDescription } from './event-effects.js';
import type { DeliveryResult, ReconcileRecord } from './harness.js';

/**
 * The terminal story of a delivery: what arrived, what it did to the world, which scopes it
 * named, and what each reconcile changed and why. Shared by `simulate` and the demo.
 */

/**
 * Every name the story may need. Built from the organization before and after an event, so that
 * an account that left or a user that was deleted is still told by name.
 */
export const namesFrom = (...snapshots: readonly Snapshot[]): OrganizationView => {
  const merge = <T>(pick: (s: Snapshot) => readonly T[], key: (item: T) => string): T[] => {
    const byKey = new Map<string, T>();
    for (const s of snapshots) for (const item of pick(s)) byKey.set(key(item), item);
    return [...byKey.values()];
  };
  const last = snapshots.at(-1);
  if (last === undefined) throw new RangeError('namesFrom needs at least one snapshot');
  return {
    ...snapshotView(last),
    organizationalUnits: merge(
      (s) => s.organizationalUnits,
      (o) => o.id,
    ),
    accounts: merge(
      (s) => s.accounts,
      (a) => a.id,
    ),
    permissionSets: merge(
      (s) => s.permissionSets,
      (p) => p.arn,
    ),
    groups: merge(
      (s) => s.groups,
      (g) => g.id,
    ),
    users: merge(
      (s) => s.users,
      (u) => u.id,
    ),
  };
};

const accountText = (names: OrganizationView, accountId: string): string => {
  const account = names.accounts.find((a) => a.id === accountId);
  return account === undefined ? `account ${accountId}` : `${account.name} (${accountId})`;
};

const userText = (names: OrganizationView, userId: string): string =>
  names.users.find((u) => u.id === userId)?.userName ?? userId;

const groupText = (names: OrganizationView, groupId: string): string =>
  names.groups.find((g) => g.id === groupId)?.displayName ?? groupId;

/** `account:…` → "payments-prod (444455550001) in /Workloads/Prod", and so on. */
export const describeScope = (key: string, names: OrganizationView): string => {
  const scope = parseScopeKey(key);
  switch (scope.kind) {
    case 'all':
      return 'the whole organization';
    case 'account':
    case 'account-removed': {
      const account = names.accounts.find((a) => a.id === scope.accountId);
      if (account === undefined) return `account ${scope.accountId}`;
      return `${accountText(names, scope.accountId)} in ${ouPath(names, account.parentId)}`;
    }
    case 'principal':
      return scope.principalType === 'USER'
        ? `user ${userText(names, scope.principalId)}`
        : `group ${groupText(names, scope.principalId)}`;
  }
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "3 created, 1 deleted, 1 membership added" (only the non-zero parts), or "no change". */
export const countText = (plan: Plan): string => {
  const parts = [
    plan.create.length > 0 ? `${plural(plan.create.length, 'assignment')} created` : '',
    plan.delete.length > 0 ? `${plural(plan.delete.length, 'assignment')} deleted` : '',
    plan.memberships.add.length > 0 ? `${plural(plan.memberships.add.length, 'membership')} added` : '',
    plan.memberships.remove.length > 0 ? `${plural(plan.memberships.remove.length, 'membership')} removed` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'no change' : parts.join(', ');
};

/** "create 1 assignment, delete 3 assignments" (only the non-zero parts): what a report-mode plan would do. */
export const wouldText = (plan: Plan): string =>
  [
    plan.create.length > 0 ? `create ${plural(plan.create.length, 'assignment')}` : '',
    plan.delete.length > 0 ? `delete ${plural(plan.delete.length, 'assignment')}` : '',
    plan.memberships.add.length > 0 ? `add ${plural(plan.memberships.add.length, 'membership')}` : '',
    plan.memberships.remove.length > 0 ? `remove ${plural(plan.memberships.remove.length, 'membership')}` : '',
  ]
    .filter((p) => p !== '')
    .join(', ');

type Assignment = PlannedCreate | PlannedDelete;

/** The lines of one reconcile: its changes with their rules or reasons, blocks, errors, failure. */
const recordLines = (record: ReconcileRecord, names: OrganizationView, c: Colors): string[] => {
  const scope = parseScopeKey(record.scope);
  const onScopeAccount = (a: Assignment): boolean =>
    (scope.kind === 'account' || scope.kind === 'account-removed') && scope.accountId === a.accountId;
  const rows = [
    ...record.changes.create.map((a) => ({ sign: '+' as const, a, note: `rules: ${a.ruleIds.join(', ')}` })),
    ...record.changes.delete.map((a) => ({ sign: '-' as const, a, note: a.reason })),
  ];
  const where = (a: Assignment): string => (onScopeAccount(a) ? '' : `on ${accountText(names, a.accountId)}`);
  const psWidth = Math.max(0, ...rows.map((r) => r.a.permissionSetName.length));
  const principalWidth = Math.max(0, ...rows.map((r) => r.a.principalName.length));
  const whereWidth = Math.max(0, ...rows.map((r) => where(r.a).length));
  const lines = rows.map(({ sign, a, note }) => {
    const paint = sign === '+' ? c.green : c.red;
    const account = whereWidth === 0 ? '' : `  ${where(a).padEnd(whereWidth)}`;
    return `${paint(sign)} ${paint(a.permissionSetName.padEnd(psWidth))}  ${a.principalType.padEnd(5)}  ${a.principalName.padEnd(principalWidth)}${account}  ${c.dim(note)}`;
  });
  const members = [
    ...record.changes.memberships.add.map((m) => ({ sign: '+' as const, m, note: `rules: ${m.ruleIds.join(', ')}` })),
    ...record.changes.memberships.remove.map((m) => ({ sign: '-' as const, m, note: m.reason })),
  ];
  for (const { sign, m, note } of members) {
    const paint = sign === '+' ? c.green : c.red;
    const verb = sign === '+' ? 'joins' : 'leaves';
    lines.push(
      `${paint(sign)} ${userText(names, m.userId)} ${verb} ${paint(groupText(names, m.groupId))}  ${c.dim(note)}`,
    );
  }
  for (const b of record.changes.blocked) {
    lines.push(`${c.yellow('!')} ${b.reason} ${c.dim(`(${plural(b.wouldDelete, 'revocation')} held back)`)}`);
  }
  for (const e of record.changes.errors) lines.push(`${c.red('x')} rule ${e.ruleId}: ${e.message}`);
  if (record.outcome?.status === 'skipped') lines.push(c.dim(`skipped: ${record.outcome.reason ?? 'nothing to do'}`));
  if (record.error !== undefined) {
    lines.push(`${c.red('x')} ${c.red(`failed after ${plural(record.attempts, 'attempt')}: ${record.error.message}`)}`);
  }
  return lines;
};

const worthTelling = (record: ReconcileRecord): boolean =>
  changeCount(record.changes) + record.changes.blocked.length + record.changes.errors.length > 0 ||
  record.error !== undefined ||
  record.outcome?.status === 'skipped';

const arrivalText = (result: DeliveryResult, c: Colors): string => {
  const { source, eventName, eventId } = result.arrival;
  return `${c.bold(source ?? '(no source)')} ${c.bold(eventName ?? '(no name)')}  ${c.dim(`event ${eventId ?? '(no id)'}`)}`;
};

const LABEL_WIDTH = 10;

/**
 * Formats one delivery as labelled lines: `arrived`, `happened` (the world change, if any),
 * `ignored`/`malformed`, `scope`, `changed`, then one block per reconcile that did something.
 */
export const formatDelivery = (
  result: DeliveryResult,
  effect: EffectDescription | undefined,
  names: OrganizationView,
  c: Colors,
  indent = '  ',
): string => {
  const lines: string[] = [];
  const label = (name: string, text: string): void => {
    lines.push(`${indent}${c.dim(name.padEnd(LABEL_WIDTH))}${text}`);
  };
  const more = (text: string, depth = 0): void => {
    lines.push(`${indent}${' '.repeat(LABEL_WIDTH + depth)}${text}`);
  };

  label('arrived', arrivalText(result, c));
  if (effect !== undefined) label('happened', effect.applied ? effect.summary : c.dim(effect.summary));
  if (result.status === 'ignored') {
    label('ignored', result.reason ?? '');
    return `${lines.join('\n')}\n`;
  }
  if (result.status === 'malformed') {
    label('malformed', c.red(result.error?.problem ?? result.error?.message ?? 'unknown problem'));
    return `${lines.join('\n')}\n`;
  }

  for (const [i, key] of result.scopes.entries()) {
    const text = `${c.cyan(key)}  ${c.dim(describeScope(key, names))}`;
    if (i === 0) label('scope', text);
    else more(text);
  }
  if (result.scopes.includes('all')) {
    const accounts = result.reconciles.filter((r) => r.item.scope.kind === 'account').length;
    const users = result.reconciles.filter((r) => r.item.scope.kind === 'principal').length;
    more(c.dim(`fanned out to ${plural(accounts, 'account scope')} and ${plural(users, 'user scope')}`));
  }
  if (result.deduplicated.length > 0) {
    label('dropped', c.dim(`duplicate of a message already queued: ${result.deduplicated.join(', ')}`));
  }
  for (const rejection of result.rejections) {
    const kept =
      rejection.fallbackVersion === undefined ? '' : ` (version ${rejection.fallbackVersion} stays in force)`;
    label('rejected', `${c.yellow(rejection.document)}: ${rejection.message}${kept}`);
  }
  for (const failure of result.failures.filter((f) => f.scope === 'all')) {
    label('failed', c.red(`fan-out: ${failure.error.message}`));
  }

  const { changed, reported } = changesByMode(result.reconciles);
  if (changeCount(reported) === 0) {
    label('changed', countText(changed));
  } else {
    label('changed', changeCount(changed) === 0 ? 'nothing: the rules are in report mode' : countText(changed));
    label('reported', `would ${wouldText(reported)} ${c.dim('(mode: report, so not done)')}`);
  }
  const told = result.reconciles.filter(worthTelling);
  const single = result.reconciles.length === 1 && result.scopes.length === 1 && result.scopes[0] !== 'all';
  for (const record of told) {
    if (!single) more(`${c.cyan(record.scope)}  ${c.dim(describeScope(record.scope, names))}`);
    for (const line of recordLines(record, names, c)) more(line, single ? 0 : 2);
  }
  const quiet = result.reconciles.length - told.length;
  if (!single && quiet > 0) more(c.dim(`${plural(quiet, 'more scope')} already matched the rules`));
  return `${lines.join('\n')}\n`;
};

/** A plan as the plan table prints it (grouped by account), without the table's own summary line. */
const tableLines = (plan: Plan, names: OrganizationView, c: Colors): string[] => {
  const summary = planSummary(plan);
  const kept = formatPlanTable(plan, names, c)
    .split('\n')
    .filter((line) => !line.includes(summary) && !line.startsWith('No changes:'));
  while (kept.at(-1) === '') kept.pop();
  return kept;
};

/**
 * The totals as the plan table prints them (grouped by account, with rules and reasons), ending
 * with a count of what changed rather than of what is planned. What reconciles under
 * `mode: report` only reported comes after it, apart, as what would have changed.
 */
export const formatTotals = ({ changed, reported }: ChangesByMode, names: OrganizationView, c: Colors): string => {
  const counts = [
    `${plural(changed.create.length, 'assignment')} created, ${changed.delete.length} deleted`,
    `memberships: ${changed.memberships.add.length} added, ${changed.memberships.remove.length} removed`,
    `${changed.blocked.length} blocked`,
    plural(changed.errors.length, 'rule error'),
  ].join('; ');
  const body = tableLines(changed, names, c);
  const lines = [...body, ...(body.length > 0 ? [''] : []), c.bold(`Changed: ${counts}.`)];
  if (changeCount(reported) > 0) {
    lines.push('', c.yellow('Reported under mode: report, and not done:'), '', ...tableLines(reported, names, c), '');
    lines.push(
      c.bold(
        `Would change: ${reported.create.length} to create, ${reported.delete.length} to delete; ` +
          `memberships: ${reported.memberships.add.length} to add, ${reported.memberships.remove.length} to remove. ` +
          'Nothing of it was changed.',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
};
