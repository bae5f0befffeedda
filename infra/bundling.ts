/**
 * The esbuild settings every Lambda function is deployed with (docs/design.md §8), in one place so that the
 * `LifecycleFunction` construct and the cold-start bench (`bench/cold-start.ts`) cannot drift apart.
 *
 * Plain values only: this module imports nothing, so the bench can read it without loading
 * aws-cdk-lib. The construct maps `format` to `OutputFormat.ESM` (the enum's value is `'esm'`) and
 * spreads the rest into `NodejsFunction`'s `bundling`.
 *
 * @example
 * bundling: { ...FUNCTION_BUNDLING, format: OutputFormat.ESM, forceDockerBundling: false }
 */
export interface FunctionBundling {
  readonly format: 'esm';
  readonly target: string;
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly sourcesContent: boolean;
  /** Mutable only because CDK's `BundlingOptions.mainFields` is typed `string[]`. */
  readonly mainFields: string[];
  readonly banner: string;
  readonly bundleAwsSDK: boolean;
}

export const FUNCTION_BUNDLING: FunctionBundling = {
  format: 'esm',
  /** Lambda's Node.js 22 runtime. */
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  /**
   * The SDK's ES-module build tree-shakes far better than its CommonJS build: about half the bundle
   * and init time of the default `main`-first order (docs/design.md §8).
   */
  mainFields: ['module', 'main'],
  /** Bundled CommonJS dependencies still call require(); ESM output has none. */
  banner:
    "import { createRequire as __idcCreateRequire } from 'node:module'; const require = __idcCreateRequire(import.meta.url);",
  /** Pin the SDK we tested with instead of whatever version the runtime ships (no `@aws-sdk/*` externals). */
  bundleAwsSDK: true,
};

/** The file name CDK gives an ESM bundle, and so the name the bench gives its own. */
export const FUNCTION_BUNDLE_FILE = 'index.mjs';
