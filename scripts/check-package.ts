import { execFile } from 'node:child_process';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packAndInstall, REPOSITORY, readPackageJson } from './packed-cli.js';

/**
 * `npm run check:package` (part of `npm run check`): packs the CLI as a release would, installs
 * the tarball into an empty folder with no dev dependencies, and runs `--version`, `--help`,
 * `validate` and `plan` there through `npx`, as a user would. Fails on the first thing that is
 * wrong, saying what.
 */

const run = promisify(execFile);

/** The tarball holds the build, the examples and the docs; never sources, tests or tooling. */
const SHIPPED = /^(dist\/|examples\/|docs\/|package\.json$|README\.md$|LICENSE$)/;

const problems: string[] = [];
const check = (ok: boolean, problem: string): void => {
  if (!ok) problems.push(problem);
};

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const npx = async (cwd: string, args: readonly string[]): Promise<CliRun> => {
  try {
    const { stdout, stderr } = await run('npx', ['--no', '--', 'idc-lifecycle', ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
};

const pkg = await readPackageJson(REPOSITORY);
console.log('check:package: npm pack, then npm install of the tarball into an empty folder');
const installed = await packAndInstall();
try {
  console.log(`  packed in ${installed.packSeconds} s, installed in ${installed.installSeconds} s`);

  check(installed.files.includes('dist/idc-lifecycle.js'), 'the tarball has no dist/idc-lifecycle.js');
  const stray = installed.files.filter((f) => !SHIPPED.test(f));
  check(stray.length === 0, `the tarball holds files a user does not need: ${stray.slice(0, 10).join(', ')}`);
  const tests = installed.files.filter((f) => /(^|\/)test\/|\.test\.[cm]?[jt]s$/.test(f));
  check(tests.length === 0, `the tarball holds tests: ${tests.slice(0, 10).join(', ')}`);

  const modules = new Set(await readdir(join(installed.dir, 'node_modules')));
  const scoped = [...modules].filter((m) => m.startsWith('@'));
  for (const scope of scoped) {
    for (const name of await readdir(join(installed.dir, 'node_modules', scope))) modules.add(`${scope}/${name}`);
  }
  const devInstalled = Object.keys(pkg.devDependencies ?? {}).filter(
    (name) => modules.has(name) && !(name in (pkg.dependencies ?? {})),
  );
  check(devInstalled.length === 0, `dev dependencies were installed with the package: ${devInstalled.join(', ')}`);

  // The commands run on a copy of the examples in the install folder, away from the repository.
  const work = installed.dir;
  await cp(join(REPOSITORY, 'examples'), join(work, 'examples'), { recursive: true });
  const rules = ['birthright.yaml', 'settings.yaml', 'workloads.yaml'].map((f) => join('examples', 'rules', f));

  const version = await npx(work, ['--version']);
  check(
    version.code === 0 && version.stdout === `${pkg.version}\n`,
    `--version: exit ${version.code}, ${JSON.stringify(version.stdout + version.stderr)}`,
  );

  const help = await npx(work, ['--help']);
  const verbs = ['validate', 'schema', 'plan', 'simulate', 'snapshot', 'publish', 'emulator', 'demo'];
  const missing = verbs.filter((verb) => !new RegExp(`^ {2}${verb}\\b`, 'm').test(help.stdout));
  check(help.code === 0 && missing.length === 0, `--help: exit ${help.code}, verbs missing: ${missing.join(', ')}`);

  const validate = await npx(work, ['validate', ...rules]);
  check(
    validate.code === 0 && /: valid$/m.test(validate.stdout),
    `validate: exit ${validate.code}, ${JSON.stringify(validate.stdout + validate.stderr)}`,
  );

  const plan = await npx(work, ['plan', '--rules', ...rules, '--snapshot', 'examples/snapshot.json']);
  check(
    plan.code === 0 && /^Plan: \d+ to create, \d+ to delete;/m.test(plan.stdout),
    `plan: exit ${plan.code}, ${JSON.stringify(plan.stderr || plan.stdout.slice(-400))}`,
  );
} finally {
  await installed.remove();
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check:package: ${problem}`);
  process.exit(1);
}
console.log('  the installed CLI runs --version, --help, validate and plan with runtime dependencies only');
