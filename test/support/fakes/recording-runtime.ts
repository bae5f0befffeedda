import type { HandlerLogger } from '../../../shared/runtime/logger.js';
import type { MetricName, MetricsRecorder, MetricUnitName } from '../../../shared/runtime/metrics.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: readonly Record<string, unknown>[];
}

/** Keeps log entries so that a test can assert what a handler said, and with which keys. */
export class RecordingLogger implements HandlerLogger {
  readonly entries: LogEntry[] = [];
  readonly keys: Record<string, unknown> = {};

  debug(message: string, ...attributes: Record<string, unknown>[]): void {
    this.entries.push({ level: 'debug', message, attributes });
  }
  info(message: string, ...attributes: Record<string, unknown>[]): void {
    this.entries.push({ level: 'info', message, attributes });
  }
  warn(message: string, ...attributes: Record<string, unknown>[]): void {
    this.entries.push({ level: 'warn', message, attributes });
  }
  error(message: string, ...attributes: Record<string, unknown>[]): void {
    this.entries.push({ level: 'error', message, attributes });
  }
  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.keys, keys);
  }
  removeKeys(keys: string[]): void {
    for (const key of keys) delete this.keys[key];
  }

  messages(level?: LogEntry['level']): string[] {
    return this.entries.filter((e) => level === undefined || e.level === level).map((e) => e.message);
  }
}

export class RecordingMetrics implements MetricsRecorder {
  readonly values: { readonly name: MetricName; readonly unit: MetricUnitName; readonly value: number }[] = [];

  addMetric(name: MetricName, unit: MetricUnitName, value: number): void {
    this.values.push({ name, unit, value });
  }

  total(name: MetricName): number {
    return this.values.filter((v) => v.name === name).reduce((sum, v) => sum + v.value, 0);
  }
}
