import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesJsonSchema } from '../../shared/domain/rules/json-schema.js';
import { runCli } from './support/run-cli.js';

describe('idc-lifecycle schema', () => {
  it('prints the rules JSON Schema on stdout', async () => {
    // Act
    const run = await runCli(['schema']);

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(rulesJsonSchema());
  });

  it('writes the schema to --out and says so on stderr', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'idc-cli-schema-'));

    // Act
    const run = await runCli(['schema', '--out', 'rules.schema.json'], { cwd: dir });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/rules\.schema\.json/);
    expect(JSON.parse(await readFile(join(dir, 'rules.schema.json'), 'utf8'))).toEqual(rulesJsonSchema());
  });

  it('exits 1 naming the file when --out cannot be written', async () => {
    // Act
    const run = await runCli(['schema', '--out', 'no-such-dir/rules.schema.json'], { cwd: tmpdir() });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: cannot write no-such-dir\/rules\.schema\.json/);
  });
});
