import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertIsError } from '../../shared/domain/errors.js';
import { importRules } from '../../shared/domain/import-rules.js';
import { plan } from '../../shared/domain/plan.js';
import { formatIssues, loadRuleSet } from '../../shared/domain/rules/load.js';
import { snapshotAssignments, snapshotView } from '../../shared/domain/snapshot.js';
import { evaluationTime } from '../command.js';
import type { ImportCommandOptions } from '../commands/import.js';
import type { CommandContext } from '../context.js';
import { CliError, CliUsageError, EXIT_OK } from '../errors.js';
import { writeOutputFile } from '../files.js';
import { renderImport } from '../import-documents.js';
import { loadOrganization } from './plan.js';

const MAX_LISTED = 50;
const IMPORTED_NAME = /^(settings|adopted-\d+)\.yaml$/;

/**
 * Writes a draft rule set that reproduces today's assignments, then proves it: the documents are
 * loaded with the same loader as `validate`, and planned against the same organization. A plan
 * with deletions would break the import's promise, so it fails the command instead of being
 * written off as a warning.
 */
export const importCommandAction = async (ctx: CommandContext, options: ImportCommandOptions): Promise<number> => {
  const snapshot = await loadOrganization(ctx, options);
  const view = snapshotView(snapshot);
  const assignments = snapshotAssignments(snapshot);
  const known = new Set(snapshot.permissionSets.map((p) => p.name));
  const unknown = [...(options.permissionSet ?? []), ...(options.excludePermissionSet ?? [])].filter(
    (name) => !known.has(name),
  );
  if (unknown.length > 0) throw new CliUsageError(`no such permission set: ${unknown.join(', ')}`);

  const result = importRules(view, assignments, {
    ...(options.permissionSet === undefined ? {} : { permissionSets: options.permissionSet }),
    ...(options.excludePermissionSet === undefined ? {} : { excludePermissionSets: options.excludePermissionSet }),
    ...(options.protectGroup === undefined ? {} : { protectedGroups: options.protectGroup }),
    ...(options.protectUser === undefined ? {} : { protectedUsers: options.protectUser }),
    ...(options.protectAccount === undefined ? {} : { protectedAccounts: options.protectAccount }),
  });
  if (result.rules.length === 0) {
    writeNotImported(ctx, result.notImported, result.unmanagedPermissionSets);
    throw new CliError('nothing to adopt: no assignment could be expressed as a rule');
  }

  const source = options.snapshot ?? 'the live organization';
  const documents = renderImport(result, source);
  const loaded = loadRuleSet(documents.map((d) => ({ name: d.name, text: d.text })));
  if (!loaded.ok) {
    throw new CliError(`the imported rules do not validate (a defect of import):\n${formatIssues(loaded.issues)}`);
  }
  const check = plan({
    ruleSet: loaded.ruleSet,
    view,
    actualAssignments: assignments,
    actualMemberships: snapshot.groupMemberships,
    includeMemberships: false,
    now: evaluationTime(ctx, undefined),
  });
  if (check.delete.length > 0 || check.errors.length > 0) {
    throw new CliError(
      `planning with the imported rules would revoke ${check.delete.length} assignment(s) (${check.errors.length} rule error(s)); nothing was written`,
    );
  }

  await prepareDirectory(ctx, options.out, options.force === true);
  for (const doc of documents) await writeOutputFile(ctx, join(options.out, doc.name), doc.text);

  const adopted = result.rules.reduce((n, r) => n + r.assignments, 0);
  ctx.stdout.write(
    `${ctx.out.green(
      `wrote ${documents.length} rules documents to ${options.out}: ${result.rules.length} rules adopting ${adopted} assignments in ${result.managedPermissionSets.length} permission sets`,
    )}\n`,
  );
  ctx.stdout.write(
    `plan with these rules against the same organization: ${check.create.length} to create, 0 to delete\n`,
  );
  writeNotImported(ctx, result.notImported, result.unmanagedPermissionSets);
  ctx.stdout.write(
    `next: idc-lifecycle validate ${join(options.out, '*.yaml')}, review, then publish (docs/rules.md, "Adopting an existing organization")\n`,
  );
  return EXIT_OK;
};

const writeNotImported = (
  ctx: CommandContext,
  notImported: ReturnType<typeof importRules>['notImported'],
  unmanaged: ReturnType<typeof importRules>['unmanagedPermissionSets'],
): void => {
  if (unmanaged.length > 0) {
    ctx.stdout.write(`${ctx.out.yellow('permission sets left unmanaged:')}\n`);
    for (const p of unmanaged) ctx.stdout.write(`  ${p.name}: ${p.reason}\n`);
  }
  if (notImported.length === 0) return;
  ctx.stdout.write(`${ctx.out.yellow(`${notImported.length} assignments not expressed as rules:`)}\n`);
  for (const n of notImported.slice(0, MAX_LISTED)) {
    const what = `${n.accountId} ${n.permissionSetName} ${n.principalType} ${n.principalName}`;
    ctx.stdout.write(`  ${what}: ${n.reason}${n.leftAlone ? '' : ' (its permission set stays unmanaged)'}\n`);
  }
  if (notImported.length > MAX_LISTED) ctx.stdout.write(`  … and ${notImported.length - MAX_LISTED} more\n`);
};

const prepareDirectory = async (ctx: CommandContext, dir: string, force: boolean): Promise<void> => {
  const path = resolve(ctx.cwd, dir);
  try {
    await mkdir(path, { recursive: true });
    const existing = (await readdir(path)).filter((f) => f.endsWith('.yaml'));
    const ours = existing.filter((f) => IMPORTED_NAME.test(f));
    const others = existing.filter((f) => !IMPORTED_NAME.test(f));
    // A stale adopted-NN.yaml from a bigger earlier import would be published with the new ones.
    if (others.length > 0)
      throw new CliUsageError(`${dir} holds other rules documents (${others.join(', ')}); choose an empty directory`);
    if (ours.length > 0 && !force) {
      throw new CliUsageError(`${dir} already holds an import (${ours.join(', ')}); use --force to replace it`);
    }
    for (const f of ours) await rm(join(path, f));
  } catch (error) {
    assertIsError(error);
    if (error instanceof CliUsageError) throw error;
    throw new CliError(`cannot prepare ${dir}: ${error.message}`, { cause: error });
  }
};
