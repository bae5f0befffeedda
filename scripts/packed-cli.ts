import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Packs the repository as `npm pack` does for a release and installs the tarball into an empty
 * folder, as a user would. Shared by `npm run check:package` (does the installed CLI work?) and
 * the start-up benchmark (how fast does it start?). Needs the npm registry, or npm's cache, for
 * the runtime dependencies; nothing else.
 */

const run = promisify(execFile);

export const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));

export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export const readPackageJson = async (dir: string): Promise<PackageJson> =>
  JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;

export interface PackedInstall {
  /** The folder the tarball was installed into (it has its own package.json and node_modules). */
  readonly dir: string;
  /** `node_modules/.bin/idc-lifecycle`, as npm linked it. */
  readonly bin: string;
  /** Every path in the tarball, relative to the package root (`dist/idc-lifecycle.js`, …). */
  readonly files: readonly string[];
  /** Seconds that `npm pack` and `npm install` took. */
  readonly packSeconds: number;
  readonly installSeconds: number;
  /** Removes the folder. */
  remove(): Promise<void>;
}

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

const seconds = (start: number): number => Math.round((performance.now() - start) / 100) / 10;

/**
 * `npm pack` (which runs `prepare`, the build) into a temporary folder, then `npm install` of the
 * tarball into an empty project there. Only the tarball's `dependencies` are installed, never its
 * dev dependencies: that is what a user gets.
 */
export const packAndInstall = async (): Promise<PackedInstall> => {
  const dir = await mkdtemp(join(tmpdir(), 'idc-lifecycle-package-'));
  try {
    const packStart = performance.now();
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: REPOSITORY,
      maxBuffer: 16 * 1024 * 1024,
    });
    const packSeconds = seconds(packStart);
    // `prepare` prints the build's own output before npm's JSON array.
    const packed = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as readonly PackResult[];
    const result = packed[0];
    if (result === undefined) throw new Error('npm pack printed no result');

    const project = join(dir, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'idc-lifecycle-install-check', private: true }, null, 2)}\n`,
    );
    const installStart = performance.now();
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(dir, result.filename)],
      { cwd: project, maxBuffer: 16 * 1024 * 1024 },
    );
    return {
      dir: project,
      bin: join(project, 'node_modules', '.bin', 'idc-lifecycle'),
      files: result.files.map((f) => f.path),
      packSeconds,
      installSeconds: seconds(installStart),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
};
