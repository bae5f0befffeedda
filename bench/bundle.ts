import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { FUNCTION_BUNDLE_FILE, FUNCTION_BUNDLING } from '../infra/bundling.js';

/**
 * Bundles a function the way `cdk deploy` does. The settings come from `infra/bundling.ts`, the
 * object the `LifecycleFunction` construct is meant to spread into `NodejsFunction`'s `bundling`;
 * `toEsbuildOptions` turns them into the esbuild API options that match the CLI arguments CDK's
 * local bundling passes (`--bundle --platform=node --target … --format … --minify --sourcemap
 * --sources-content=false --banner:js=… --main-fields=…`, and no `--external` because the SDK is
 * bundled).
 */

export const REPOSITORY_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The deployed functions and their entry files, relative to the repository root. */
export const FUNCTION_ENTRIES = {
  intake: 'functions/intake/index.ts',
  fanout: 'functions/fanout/index.ts',
  worker: 'functions/worker/index.ts',
} as const;
export type FunctionName = keyof typeof FUNCTION_ENTRIES;
export const FUNCTION_NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];

/** The esbuild options for one entry, equivalent to CDK's command line for {@link FUNCTION_BUNDLING}. */
export const toEsbuildOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [entry],
  outfile,
  absWorkingDir: REPOSITORY_ROOT,
  bundle: true,
  platform: 'node',
  format: FUNCTION_BUNDLING.format,
  target: FUNCTION_BUNDLING.target,
  minify: FUNCTION_BUNDLING.minify,
  sourcemap: FUNCTION_BUNDLING.sourceMap,
  sourcesContent: FUNCTION_BUNDLING.sourcesContent,
  mainFields: [...FUNCTION_BUNDLING.mainFields],
  banner: { js: FUNCTION_BUNDLING.banner },
  // Only the SDK could be external; with `bundleAwsSDK` nothing is.
  external: [],
  logLevel: 'silent',
  metafile: true,
});

export interface FunctionBundle {
  readonly function: FunctionName;
  /** Absolute path of the bundled module (`index.mjs`). */
  readonly file: string;
  /** Size of the module, source map excluded. */
  readonly bundleBytes: number;
  /** Size of the module after gzip at the default level. */
  readonly gzipBytes: number;
  readonly metafile: Metafile;
}

const gzipAsync = promisify(gzip);

/** Bundles one function into `outDir/<name>/index.mjs` and measures it. */
export const bundleFunction = async (name: FunctionName, outDir: string): Promise<FunctionBundle> => {
  const file = join(outDir, name, FUNCTION_BUNDLE_FILE);
  const result = await build(toEsbuildOptions(join(REPOSITORY_ROOT, FUNCTION_ENTRIES[name]), file));
  if (result.metafile === undefined) throw new Error(`esbuild returned no metafile for ${name}`);
  const code = await readFile(file);
  const zipped = await gzipAsync(code);
  return {
    function: name,
    file,
    bundleBytes: code.byteLength,
    gzipBytes: zipped.byteLength,
    metafile: result.metafile,
  };
};

/** Output bytes per package (or per first-party directory), largest first: where a bundle's size comes from. */
export const bytesByPackage = (metafile: Metafile): { readonly name: string; readonly bytes: number }[] => {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((entry) => entry.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
};

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; `shared/events/ids.ts` → `shared/events`. */
const packageOf = (input: string): string => {
  const marker = 'node_modules/';
  const at = input.lastIndexOf(marker);
  if (at === -1) return input.split('/').slice(0, 2).join('/');
  const parts = input.slice(at + marker.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? input);
};
