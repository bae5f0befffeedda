import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { explain } from '../../shared/domain/explain.js';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import type { RuleSet } from '../../shared/domain/rules/schema.js';
import { type Snapshot, snapshotAssignments, snapshotView } from '../../shared/domain/snapshot.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { readSnapshotFile } from '../files.js';
import { changeCount, changesByMode } from '../local/changes.js';
import { applyEventEffect } from '../local/event-effects.js';
import { eventsFromJson } from '../local/event-files.js';
import { createLocalSystem, type DeliveryResult, type LocalSystem } from '../local/harness.js';
import { quietSdkNodeVersionWarning } from '../local/sdk-warning.js';
import { countText, formatDelivery, namesFrom } from '../local/story.js';
import { packageRoot } from '../package-root.js';
import { parameterNames } from './simulate.js';

/** The package's `examples/` (a clone's, or the installed package's), wherever the command is run from. */
const packageExamplesDir = (): string => join(packageRoot(), 'examples');
const RULES_FILES = ['birthright.yaml', 'settings.yaml', 'workloads.yaml'];

/** Two people who join during the demo. CreateUser events mask every attribute, so they are made here. */
const NINA: Snapshot['users'][number] = {
  id: '0a6c2f52-6b1e-4c8e-9a61-3f0d2b7e5c11',
  userName: 'nina@example.com',
  displayName: 'Nina Kowalski',
  active: true,
  emails: ['nina@example.com'],
  title: 'SRE',
  department: 'Engineering',
  employeeNumber: 'E1013',
  costCenter: 'CC-100',
};
const OMAR: Snapshot['users'][number] = {
  id: '5b8e1d44-2c7a-4f09-b3d2-8e6a1c9f0d22',
  userName: 'omar@example.com',
  displayName: 'Omar Haddad',
  active: true,
  emails: ['omar@example.com'],
  title: 'Software Engineer',
  department: 'Engineering',
  employeeNumber: 'E1014',
  costCenter: 'CC-100',
};
const PLATFORM_ADMINS = '6769e45f-521d-4d47-bf9e-5486d7d6ae4b';

export interface DemoStep {
  readonly title: string;
  /** What is going on, in plain words. */
  readonly story: string;
  /** The event file under `examples/events/`. */
  readonly event: string;
  /** What happens in the world that the event cannot carry (masked attributes, rules text); returns it told. */
  readonly prepare?: (system: LocalSystem, examplesDir: string) => Promise<string>;
}

export const DEMO_STEPS: readonly DemoStep[] = [
  {
    title: 'An account is vended',
    story:
      'Account vending calls CreateAccount. Organizations puts every new account in the root, and its ' +
      'CreateAccountResult event carries the account id and nothing else worth reading.',
    event: '01-create-account-result.json',
  },
  {
    title: 'The account moves into /Workloads/Prod',
    story:
      'The pipeline moves it into its OU. The worker reads the account’s parent live (never from the event), ' +
      'so it gets exactly what the rules give that OU, each grant with the rules behind it.',
    event: '02-move-account.json',
  },
  {
    title: 'Nina joins as an SRE',
    story:
      'The identity provider creates her over SCIM and puts her in Platform Admins. The event masks every ' +
      'attribute, so the worker looks her up by id; a rule selects active SREs by title and department.',
    event: '03-create-user-scim.json',
    prepare: async (system) => {
      system.world.createUser(NINA);
      system.world.addGroupMember(PLATFORM_ADMINS, NINA.id);
      return `user ${NINA.userName} created (SRE, Engineering) and added to Platform Admins`;
    },
  },
  {
    title: 'Omar joins as a software engineer',
    story:
      'An administrator creates him in the console. A birthright rule makes software engineers members of ' +
      'Developers, and the group carries their access.',
    event: '04-create-user-console.json',
    prepare: async (system) => {
      system.world.createUser(OMAR);
      return `user ${OMAR.userName} created (Software Engineer, Engineering)`;
    },
  },
  {
    title: 'Nina leaves: her user is disabled',
    story:
      'Identity providers disable people long before they delete them, so disabling offboards: every direct ' +
      'assignment and every group membership goes, whatever the rules say.',
    event: '05-disable-user.json',
  },
  {
    title: 'The rules change',
    story:
      'A new version of the workloads rules is published: SREs now also read the infrastructure accounts, and ' +
      'ml-prod joins the data platform. A rules change names the whole organization, so the fan-out also ' +
      'repairs drift that no event ever reported.',
    event: '06-rules-changed.json',
    prepare: async (system, examplesDir) => {
      const file = join(examplesDir, 'events', 'rules-update', 'workloads.yaml');
      system.publishRules(parameterNames([{ name: file, text: await readFile(file, 'utf8') }]));
      return `new version of ${system.rulesPath}workloads published (examples/events/rules-update/workloads.yaml)`;
    },
  },
  {
    title: 'The account is closed',
    story:
      'Closing takes the account to PENDING_CLOSURE. A closure can still fail, so the account keeps its access ' +
      'until the closure is done.',
    event: '07-close-account.json',
  },
  {
    title: 'Someone grants AdministratorAccess by hand',
    story:
      'An administrator gives Mallory, a marketing analyst, AdministratorAccess on payments-prod in the ' +
      'console. CloudTrail records the call, and the account it touched is reconciled at once: the ' +
      'permission set is managed and no rule wants this assignment, so it is revoked in seconds, not at ' +
      'the next sweep.',
    event: '08-console-assignment.json',
  },
  {
    title: 'The worker’s own revocation comes back',
    story:
      'CloudTrail records the worker’s deletion too. The intake knows the worker’s role and ignores its ' +
      'own writes, so a repair never queues another one.',
    event: '09-worker-revocation.json',
  },
  {
    title: 'The closure succeeds',
    story: 'CloseAccountResult reports the closure SUCCEEDED: a closed account keeps no managed assignments.',
    event: '10-close-account-result.json',
  },
];

const WIDTH = 100;

const wrap = (text: string, indent: string): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(`${indent}${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
};

const shown = (ctx: CommandContext, path: string): string => {
  const rel = relative(ctx.cwd, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};

const readEvent = async (examplesDir: string, file: string): Promise<unknown> => {
  const path = join(examplesDir, 'events', file);
  const [loaded, ...rest] = eventsFromJson(JSON.parse(await readFile(path, 'utf8')), path);
  if (loaded === undefined || rest.length > 0) throw new CliError(`${path} must hold exactly one event`);
  return loaded.event;
};

/**
 * `npm start`: a scripted story on `examples/`, told step by step. Each step makes its change
 * happen in the emulated organization, delivers the event to the real intake and worker code, and
 * prints what arrived, which scope it named, and what changed and why.
 */
export const demo = async (ctx: CommandContext, examplesDir: string = packageExamplesDir()): Promise<number> => {
  quietSdkNodeVersionWarning();
  const started = performance.now();
  const c = ctx.out;
  const out = (text = ''): void => {
    ctx.stdout.write(`${text}\n`);
  };

  const snapshotPath = join(examplesDir, 'snapshot.json');
  const snapshot = await readSnapshotFile(ctx, snapshotPath);
  const rulesFiles = RULES_FILES.map((f) => join(examplesDir, 'rules', f));
  const rules = await Promise.all(rulesFiles.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
  const loaded = loadRuleSet(rules);
  if (!loaded.ok) throw new CliError(`the example rules are invalid: ${loaded.issues[0]?.message ?? ''}`);
  const { ruleSet } = loaded;

  out(c.bold('idc-lifecycle demo'));
  for (const line of wrap(
    'Events arrive, each names a scope, and the worker brings that scope in line with the rules. Everything ' +
      'below is the real intake parsing and worker code, talking through the real AWS SDK adapters to the ' +
      'local AWS emulator.',
    '',
  ))
    out(c.dim(line));
  out();
  out(
    `${c.dim('organization')}  ${shown(ctx, snapshotPath)}: ${snapshot.accounts.length} accounts in ` +
      `${snapshot.organizationalUnits.length - 1} OUs, ${snapshot.users.length} users, ${snapshot.groups.length} groups`,
  );
  out(
    `${c.dim('rules')}         ${shown(ctx, join(examplesDir, 'rules'))}/{${RULES_FILES.map((f) => basename(f, '.yaml')).join(',')}}.yaml`,
  );
  out(
    `${' '.repeat(14)}${ruleSet.assignments.length} assignment rules, ${ruleSet.memberships.length} membership rules, ` +
      `${ruleSet.settings.mode} mode`,
  );

  const system = await createLocalSystem({ snapshot, rules: parameterNames(rules) });
  const results: DeliveryResult[] = [];
  try {
    for (const [index, step] of DEMO_STEPS.entries()) {
      out();
      out(c.bold(c.blue(`${index + 1}. ${step.title}`)));
      for (const line of wrap(step.story, '   ')) out(line);
      out();
      const event = await readEvent(examplesDir, step.event);
      const before = system.snapshot();
      const prepared = step.prepare === undefined ? undefined : await step.prepare(system, examplesDir);
      if (prepared !== undefined) out(`   ${c.dim('meanwhile'.padEnd(10))}${prepared}`);
      const effect = applyEventEffect(system.world, event);
      const result = await system.deliver(event);
      results.push(result);
      ctx.stdout.write(formatDelivery(result, effect, namesFrom(before, system.snapshot()), c, '   '));
    }
    out();
    await explainOmar(ctx, system, examplesDir, DEMO_STEPS.length + 1, out);
  } finally {
    await system.close();
  }

  const { changed: total } = changesByMode(results.flatMap((r) => r.reconciles));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const failed = results.some((r) => r.status === 'malformed' || r.failures.length > 0);
  out();
  out(
    c.bold(
      `Done: ${results.length} events in ${seconds} s; ${changeCount(total) === 0 ? 'nothing changed' : countText(total)}.`,
    ),
  );
  out('Replay any event against the example organization, or write your own:');
  out(
    c.cyan(
      '  npx idc-lifecycle simulate --snapshot examples/snapshot.json --rules examples/rules/*.yaml \\\n' +
        '    --event examples/events/02-move-account.json',
    ),
  );
  out(c.dim('How simulate works and what each event does to the organization: docs/simulate.md'));
  if (failed) {
    ctx.stderr.write(`${ctx.err.red('error: a step of the demo failed (see above)')}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
};

/** The user the closing step explains, and the account it asks about. */
export const EXPLAINED_USER = OMAR.userName;

/**
 * The closing step: the auditor's question about the organization the story left behind, answered
 * by `explain` with the rules in force after step 6.
 */
const explainOmar = async (
  ctx: CommandContext,
  system: LocalSystem,
  examplesDir: string,
  number: number,
  out: (text?: string) => void,
): Promise<void> => {
  const c = ctx.out;
  out(c.bold(c.blue(`${number}. Why does Omar have access? (idc-lifecycle explain)`)));
  for (const line of wrap(
    'An auditor asks what Omar can reach and why. explain lists every assignment he holds, directly or through ' +
      'his groups, with the rules that want it, or says it is drift that the next run revokes.',
    '   ',
  ))
    out(line);
  out();
  const files = ['birthright.yaml', 'settings.yaml'].map((f) => join(examplesDir, 'rules', f));
  files.push(join(examplesDir, 'events', 'rules-update', 'workloads.yaml'));
  const loaded = loadRuleSet(
    await Promise.all(files.map(async (name) => ({ name, text: await readFile(name, 'utf8') }))),
  );
  if (!loaded.ok) throw new CliError(`the example rules are invalid: ${loaded.issues[0]?.message ?? ''}`);
  const ruleSet: RuleSet = loaded.ruleSet;
  const snapshot = system.snapshot();
  const { assignments } = explain({
    ruleSet,
    view: snapshotView(snapshot),
    actualAssignments: snapshotAssignments(snapshot),
    query: { kind: 'user', userName: EXPLAINED_USER },
    now: (ctx.now ?? Date.now)(),
  });
  out(`   ${c.dim('$'.padEnd(10))}idc-lifecycle explain --user ${EXPLAINED_USER} --rules <rules in force> --live`);
  const width = Math.max(...assignments.map((a) => a.accountName.length));
  for (const a of assignments) {
    const holder = a.via === null ? 'directly' : `via ${a.via}`;
    const why = a.status === 'wanted' ? c.green(`wanted  rules: ${a.ruleIds.join(', ')}`) : c.red(a.status);
    out(`   ${a.accountName.padEnd(width)}  ${a.permissionSetName.padEnd(19)} ${holder.padEnd(16)} ${why}`);
  }
};
