import type { OrganizationView } from '../shared/domain/model.js';
import type { HeldChange, Plan, PlannedCreate, PlannedDelete } from '../shared/domain/plan-types.js';
import type { Colors } from './context.js';

/**
 * The docs/design.md §6 plan object with exactly its keys, in its order, so that `--format json` output is
 * a stable contract even if the planner carries more fields internally.
 */
export const planJson = (plan: Plan): Plan => ({
  create: plan.create.map((c) => ({
    accountId: c.accountId,
    permissionSetArn: c.permissionSetArn,
    permissionSetName: c.permissionSetName,
    principalType: c.principalType,
    principalId: c.principalId,
    principalName: c.principalName,
    ruleIds: [...c.ruleIds],
  })),
  delete: plan.delete.map((d) => ({
    accountId: d.accountId,
    permissionSetArn: d.permissionSetArn,
    permissionSetName: d.permissionSetName,
    principalType: d.principalType,
    principalId: d.principalId,
    principalName: d.principalName,
    reason: d.reason,
  })),
  memberships: {
    add: plan.memberships.add.map((m) => ({ groupId: m.groupId, userId: m.userId, ruleIds: [...m.ruleIds] })),
    remove: plan.memberships.remove.map((m) => ({ groupId: m.groupId, userId: m.userId, reason: m.reason })),
  },
  blocked: plan.blocked.map((b) => ({
    reason: b.reason,
    wouldDelete: b.wouldDelete,
    changes: b.changes.map((c) =>
      'accountId' in c
        ? {
            accountId: c.accountId,
            permissionSetArn: c.permissionSetArn,
            permissionSetName: c.permissionSetName,
            principalType: c.principalType,
            principalId: c.principalId,
            principalName: c.principalName,
            reason: c.reason,
          }
        : { groupId: c.groupId, userId: c.userId, reason: c.reason },
    ),
  })),
  errors: plan.errors.map((e) => ({ ruleId: e.ruleId, message: e.message })),
});

/** `/Workloads/Prod` for an OU id, `/` for the root; unknown ids are shown as they are. */
export const ouPath = (view: Pick<OrganizationView, 'organizationalUnits'>, ouId: string): string => {
  const byId = new Map(view.organizationalUnits.map((o) => [o.id, o]));
  const names: string[] = [];
  let current = byId.get(ouId);
  if (current === undefined) return ouId;
  while (current !== undefined && current.parentId !== null && names.length < 10) {
    names.unshift(current.name);
    current = byId.get(current.parentId);
  }
  return `/${names.join('/')}`;
};

// A table is read by a person; the JSON form carries every held change for machines.
const MAX_HELD_LISTED = 20;

const heldText = (change: HeldChange, view: Pick<OrganizationView, 'groups' | 'users'>): string => {
  if ('accountId' in change) {
    return `${change.accountId}  ${change.permissionSetName}  ${change.principalType} ${change.principalName}  (${change.reason})`;
  }
  const group = view.groups.find((g) => g.id === change.groupId)?.displayName ?? change.groupId;
  const user = view.users.find((u) => u.id === change.userId)?.userName ?? change.userId;
  return `${user} from ${group}  (${change.reason})`;
};

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The one-line total that ends the table. */
export const planSummary = (plan: Plan): string => {
  const parts = [
    `${plan.create.length} to create, ${plan.delete.length} to delete`,
    `memberships: ${plan.memberships.add.length} to add, ${plan.memberships.remove.length} to remove`,
    `${plan.blocked.length} blocked`,
    plural(plan.errors.length, 'error', 'errors'),
  ];
  return `Plan: ${parts.join('; ')}.`;
};

type Change = { readonly sign: '+' | '-'; readonly item: PlannedCreate | PlannedDelete; readonly note: string };

/**
 * The human-readable plan: changes grouped by account (name, id, OU path), then group memberships,
 * then blocks and errors, then a total. Colour only when `colors` has it enabled.
 */
export const formatPlanTable = (plan: Plan, view: OrganizationView, c: Colors): string => {
  const lines: string[] = [];
  const accounts = new Map(view.accounts.map((a) => [a.id, a]));
  const groups = new Map(view.groups.map((g) => [g.id, g.displayName]));
  const users = new Map(view.users.map((u) => [u.id, u.userName]));

  const byAccount = new Map<string, Change[]>();
  const add = (accountId: string, change: Change): void => {
    const list = byAccount.get(accountId) ?? [];
    list.push(change);
    byAccount.set(accountId, list);
  };
  for (const item of plan.create) add(item.accountId, { sign: '+', item, note: `rules: ${item.ruleIds.join(', ')}` });
  for (const item of plan.delete) add(item.accountId, { sign: '-', item, note: `reason: ${item.reason}` });

  const all = [...byAccount.values()].flat();
  const psWidth = Math.max(0, ...all.map((ch) => ch.item.permissionSetName.length));
  const principalText = (ch: Change): string => ch.item.principalName;
  const principalWidth = Math.max(0, ...all.map((ch) => principalText(ch).length));

  const header = (accountId: string): { key: string; text: string } => {
    const account = accounts.get(accountId);
    if (account === undefined) return { key: `~${accountId}`, text: c.bold(`(unknown account) ${accountId}`) };
    const path = ouPath(view, account.parentId);
    return {
      key: `${path}\u0000${account.name}`,
      text: `${c.bold(account.name)} (${account.id})  ${c.cyan(path)}`,
    };
  };
  const sections = [...byAccount.entries()]
    .map(([accountId, changes]) => ({ ...header(accountId), changes }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  if (sections.length > 0) lines.push(c.bold('Account assignments'), '');
  for (const section of sections) {
    lines.push(section.text);
    const ordered = [...section.changes].sort(
      (a, b) =>
        (a.sign === b.sign ? 0 : a.sign === '+' ? -1 : 1) ||
        a.item.permissionSetName.localeCompare(b.item.permissionSetName) ||
        a.item.principalType.localeCompare(b.item.principalType) ||
        a.item.principalName.localeCompare(b.item.principalName),
    );
    for (const ch of ordered) {
      const paint = ch.sign === '+' ? c.green : c.red;
      lines.push(
        `  ${paint(ch.sign)} ${paint(ch.item.permissionSetName.padEnd(psWidth))}  ${ch.item.principalType.padEnd(5)}  ` +
          `${principalText(ch).padEnd(principalWidth)}  ${c.dim(ch.note)}`,
      );
    }
    lines.push('');
  }

  const { add: adds, remove: removes } = plan.memberships;
  if (adds.length + removes.length > 0) {
    lines.push(c.bold('Group memberships'), '');
    // Ids only stand in when the view does not know the name; `--format json` always has them.
    const groupText = (id: string): string => groups.get(id) ?? id;
    const userText = (id: string): string => users.get(id) ?? id;
    const rows = [
      ...adds.map((m) => ({ sign: '+' as const, m, note: `rules: ${m.ruleIds.join(', ')}` })),
      ...removes.map((m) => ({ sign: '-' as const, m, note: `reason: ${m.reason}` })),
    ];
    const gw = Math.max(...rows.map((r) => groupText(r.m.groupId).length));
    const uw = Math.max(...rows.map((r) => userText(r.m.userId).length));
    for (const r of rows) {
      const paint = r.sign === '+' ? c.green : c.red;
      lines.push(
        `  ${paint(r.sign)} ${paint(groupText(r.m.groupId).padEnd(gw))}  ${userText(r.m.userId).padEnd(uw)}  ${c.dim(r.note)}`,
      );
    }
    lines.push('');
  }

  if (plan.blocked.length > 0) {
    lines.push(c.bold(c.yellow('Blocked')), '');
    for (const b of plan.blocked) {
      lines.push(
        `  ${c.yellow('!')} ${b.reason} ${c.dim(`(${plural(b.wouldDelete, 'revocation', 'revocations')} held back)`)}`,
      );
      for (const change of b.changes.slice(0, MAX_HELD_LISTED)) lines.push(`      ${c.dim(heldText(change, view))}`);
      if (b.changes.length > MAX_HELD_LISTED) {
        lines.push(`      ${c.dim(`… and ${b.changes.length - MAX_HELD_LISTED} more (--format json lists all)`)}`);
      }
    }
    lines.push('');
  }

  if (plan.errors.length > 0) {
    lines.push(c.bold(c.red('Errors')), '');
    for (const e of plan.errors) lines.push(`  ${c.red('x')} ${e.ruleId}: ${e.message}`);
    lines.push('');
  }

  const empty = sections.length === 0 && adds.length + removes.length === 0;
  if (empty && plan.blocked.length === 0) lines.push('No changes: the organization matches the rules.');
  lines.push(c.bold(planSummary(plan)));
  return `${lines.join('\n')}\n`;
};
