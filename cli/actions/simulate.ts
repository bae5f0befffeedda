import { basename } from 'node:path';
import { assertIsError } from '../../shared/domain/errors.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import type { SimulateOptions } from '../commands/simulate.js';
import type { CommandContext } from '../context.js';
import { CliError, CliUsageError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { readInputFile, readSnapshotFile } from '../files.js';
import { changesByMode, sumPlans } from '../local/changes.js';
import { applyEventEffect, type EffectDescription } from '../local/event-effects.js';
import { eventsFromJson, type LoadedEvent } from '../local/event-files.js';
import { createLocalSystem, type DeliveryResult, type LocalRulesDocument } from '../local/harness.js';
import { quietSdkNodeVersionWarning } from '../local/sdk-warning.js';
import { formatDelivery, formatTotals, namesFrom } from '../local/story.js';
import { planJson } from '../plan-format.js';
import { loadRulesFiles, readRulesFiles } from '../rules-files.js';

const RULES_FILE_EXTENSION = /\.(ya?ml|json)$/i;

/** `examples/rules/workloads.yaml` is the parameter `<rules path>workloads`, as `publish` and `emulator` name it. */
export const parameterNames = (files: readonly { readonly name: string; readonly text: string }[]) => {
  const seen = new Set<string>();
  return files.map((file): LocalRulesDocument => {
    const name = basename(file.name).replace(RULES_FILE_EXTENSION, '');
    if (seen.has(name)) throw new CliUsageError(`two rules files are named ${name}; their parameters would clash`);
    seen.add(name);
    return { name, text: file.text };
  });
};

export const readEventFiles = async (ctx: CommandContext, files: readonly string[]): Promise<LoadedEvent[]> => {
  const events: LoadedEvent[] = [];
  for (const file of files) {
    const text = await readInputFile(ctx, file, 'event file');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      assertIsError(error);
      throw new CliError(`event file ${file} is not valid JSON (${error.message})`, { cause: error });
    }
    events.push(...eventsFromJson(value, file));
  }
  return events;
};

interface Step {
  readonly label: string;
  readonly effect: EffectDescription | undefined;
  readonly result: DeliveryResult;
}

const problemsOf = (steps: readonly Step[]): string[] =>
  steps.flatMap(({ label, result }) => [
    ...(result.status === 'malformed'
      ? [`event ${label} is malformed: ${result.error?.problem ?? 'unknown problem'}`]
      : []),
    ...result.failures.map((f) => `event ${label}: reconciling ${f.scope} failed: ${f.error.message}`),
    ...result.rejections.map((r) => `event ${label}: rules document ${r.document} was rejected: ${r.message}`),
  ]);

/**
 * Runs events through the real intake parsing and worker code against the emulator seeded from a
 * snapshot, and prints what the system changed in response. Each event first happens in the
 * emulated world (see `applyEventEffect`), then is delivered. Exit 1 when an event is malformed, a
 * reconcile fails or a rules document is rejected, after printing everything that did happen.
 */
export const simulate = async (ctx: CommandContext, options: SimulateOptions): Promise<number> => {
  const snapshot: Snapshot = await readSnapshotFile(ctx, options.snapshot);
  const { sources } = await loadRulesFiles(ctx, options.rules);
  const rules = parameterNames(sources);
  // Updates are not validated here: an invalid one is a case worth simulating (the worker rejects it).
  const updates =
    options.rulesUpdate === undefined ? [] : parameterNames(await readRulesFiles(ctx, options.rulesUpdate));
  const events = await readEventFiles(ctx, options.event);
  if (events.length === 0) throw new CliUsageError('the event files hold no events');

  const table = options.format === 'table';
  const c = ctx.out;
  quietSdkNodeVersionWarning();
  const system = await createLocalSystem({ snapshot, rules, rulesPath: options.rulesPath });
  const snapshots: Snapshot[] = [system.snapshot()];
  const steps: Step[] = [];
  try {
    system.publishRules(updates);
    if (table && updates.length > 0) {
      const names = updates.map((u) => `${system.rulesPath}${u.name}`).join(', ');
      ctx.stdout.write(`${c.dim(`Published before the events: ${names}`)}\n\n`);
    }
    for (const [index, { label, event }] of events.entries()) {
      const before = system.snapshot();
      const effect = applyEventEffect(system.world, event);
      const result = await system.deliver(event);
      const after = system.snapshot();
      snapshots.push(after);
      steps.push({ label, effect, result });
      if (table) {
        ctx.stdout.write(`${c.bold(`Event ${index + 1} of ${events.length}`)}  ${c.dim(label)}\n`);
        ctx.stdout.write(`${formatDelivery(result, effect, namesFrom(before, after), c)}\n`);
      }
    }
  } finally {
    await system.close();
  }

  const total = sumPlans(steps.map((s) => s.result.changes));
  if (table) {
    ctx.stdout.write(`${c.bold(`Over all ${events.length === 1 ? 'one event' : `${events.length} events`}`)}\n\n`);
    ctx.stdout.write(
      formatTotals(changesByMode(steps.flatMap((s) => s.result.reconciles)), namesFrom(...snapshots), c),
    );
  } else {
    ctx.stdout.write(`${JSON.stringify(planJson(total), null, 2)}\n`);
  }

  const problems = problemsOf(steps);
  for (const problem of problems) ctx.stderr.write(`${ctx.err.red(`error: ${problem}`)}\n`);
  return problems.length > 0 ? EXIT_FAILURE : EXIT_OK;
};
