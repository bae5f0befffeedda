// Builds the CLI into dist/: `idc-lifecycle.js` (the `bin`) and the chunks it loads on demand.
// Runs from `prepare` (npm ci on a clone) and `prepack` (npm pack / publish), so it is plain
// JavaScript that Node runs as it is, with esbuild (a dev dependency) as its only import.
//
// Every package stays external: npm installs the runtime dependencies next to the build, and a
// bundle of the AWS SDK would only duplicate them. Code splitting keeps each verb's heavy imports
// (the SDK, the emulator, the rules engine) out of what `--help` and `--version` load.
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { 'idc-lifecycle': 'cli/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

// An import of a package that `dependencies` does not list works in the repository (a dev
// dependency is installed there) and fails only for a user of the packed tarball: refuse it here.
const builtins = new Set(builtinModules);
const packageOf = (path) =>
  (path.startsWith('@') ? path.split('/').slice(0, 2) : path.split('/').slice(0, 1)).join('/');
const allowed = new Set(Object.keys(pkg.dependencies ?? {}));
const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || path.startsWith('node:') || builtins.has(path)) continue;
    if (!allowed.has(packageOf(path))) undeclared.add(packageOf(path));
  }
}
if (undeclared.size > 0) {
  console.error(
    `the CLI imports packages that package.json "dependencies" does not list: ${[...undeclared].join(', ')}`,
  );
  process.exit(1);
}

// What every start loads, `--version` included: the entry and the chunks it imports statically.
// Only the command-line parser and colours belong there; each verb loads the rest when it runs.
const STARTUP_PACKAGES = new Set(['commander', '@commander-js/extra-typings', 'picocolors']);
const outputs = result.metafile.outputs;
const seen = new Set();
const heavy = new Set();
const visit = (file) => {
  if (seen.has(file)) return;
  seen.add(file);
  for (const { path, kind, external } of outputs[file]?.imports ?? []) {
    if (kind !== 'import-statement') continue;
    if (!external) {
      visit(path);
    } else if (!path.startsWith('node:') && !builtins.has(path) && !STARTUP_PACKAGES.has(packageOf(path))) {
      heavy.add(path);
    }
  }
};
visit('dist/idc-lifecycle.js');
if (heavy.size > 0) {
  console.error(`the CLI loads these at every start; import them where they are used: ${[...heavy].join(', ')}`);
  process.exit(1);
}
