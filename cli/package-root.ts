import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'idc-lifecycle';

const isOurPackage = (dir: string): boolean => {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === PACKAGE_NAME;
};

let found: string | undefined;

/**
 * The folder that holds the CLI's own package.json (and `examples/`). It is searched upward from
 * this module because the sources (`cli/`) and the build (`dist/`, `dist/chunks/`) sit at
 * different depths below it, and a bundler moves this code into whichever file imports it.
 */
export const packageRoot = (): string => {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isOurPackage(dir)) {
      found = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${import.meta.url}`);
    dir = parent;
  }
};

/** The version in the CLI's package.json. */
export const packageVersion = (): string => {
  const pkg: unknown = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : '0.0.0';
};
