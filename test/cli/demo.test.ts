import { describe, expect, it } from 'vitest';
import { DEMO_STEPS } from '../../cli/actions/demo.js';
import { runCli, stripAnsi } from './support/run-cli.js';

describe('idc-lifecycle demo', () => {
  it('tells every step: its heading, what arrived, the scope it named and what changed and why', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['demo']);

    // Assess
    const text = stripAnsi(stdout);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const [index, step] of DEMO_STEPS.entries()) expect(text).toContain(`${index + 1}. ${step.title}`);
    expect(text.match(/^ {3}arrived /gm)).toHaveLength(DEMO_STEPS.length);
    // Every step names a scope but the last, whose event is the worker's own write.
    expect(text.match(/^ {3}scope /gm)).toHaveLength(DEMO_STEPS.length - 1);
    expect(text).toMatch(/scope +account:999900001111 +account-999900001111 \(999900001111\) in \/$/m);
    expect(text).toMatch(/\+ ViewOnlyAccess +GROUP +Security Auditors +rules: security-auditors/);
    expect(text).toMatch(/\+ AdministratorAccess +GROUP +Platform Admins +rules: platform-admins/);
    expect(text).toMatch(/\+ omar@example\.com joins Developers +rules: engineering-developers/);
    expect(text).toMatch(/- ReadOnlyAccess +USER +nina@example\.com +on ml-prod \(444455550004\) +user is disabled/);
    expect(text).toMatch(/- nina@example\.com leaves Platform Admins +user is disabled/);
    expect(text).toMatch(/\+ PowerUserAccess +GROUP +Data Engineers +rules: data-engineers/);
    expect(text).toMatch(/- AdministratorAccess +GROUP +Platform Admins +account is suspended/);
    expect(text).toMatch(
      /- AdministratorAccess +USER +mallory@example\.com +no rule grants AdministratorAccess to USER mallory@example\.com/,
    );
    expect(text).toMatch(/^ {3}ignored +the worker's own change, not drift$/m);
    expect(text).toMatch(/^Done: 10 events in [\d.]+ s;/m);
    expect(text).toContain(`${DEMO_STEPS.length + 1}. Why does Omar have access? (idc-lifecycle explain)`);
    expect(text).toMatch(/^ {3}sandbox-bob +AdministratorAccess +via Developers +wanted +rules: sandbox-developers$/m);
    // Ten events through the emulator in a child process: about 8 s on an idle machine, so the
    // suite's 30 s default is too close on a loaded one.
  }, 120_000);
});
