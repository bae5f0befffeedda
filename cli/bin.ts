#!/usr/bin/env node
// The `idc-lifecycle` binary. `npm run build` bundles it into dist/idc-lifecycle.js, which the
// package's `bin` names; from a clone, `npm run cli -- <args>` runs these sources directly.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
