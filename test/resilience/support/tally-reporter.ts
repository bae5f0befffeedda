import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the resilience suite's score after a run that included it: how many scenarios ran, and
 * the wrong revocations and lost work items they counted (both must stay 0; see tally.ts).
 */
export default class ResilienceTallyReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let scenarios = 0;
    let scored = 0;
    let wrongRevocations = 0;
    let lostItems = 0;
    for (const module of testModules) {
      if (!module.moduleId.includes('/test/resilience/')) continue;
      for (const test of module.children.allTests()) {
        scenarios += 1;
        const tally = test.meta().resilience;
        if (tally === undefined) continue;
        scored += 1;
        wrongRevocations += tally.wrongRevocations;
        lostItems += tally.lostItems;
      }
    }
    if (scenarios === 0) return;
    process.stdout.write(
      `\nResilience suite: ${scenarios} scenarios (${scored} against the emulator), ${wrongRevocations} wrong revocations, ${lostItems} lost work items\n`,
    );
  }
}
