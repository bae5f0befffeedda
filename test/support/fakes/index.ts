export { FakeNotFoundError, InMemoryOrganization, type OrganizationSeed } from './in-memory-organization.js';
export { InMemoryRunStore } from './in-memory-run-store.js';
export {
  FixedClock,
  InMemoryQueue,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from './recording-ports.js';
export { RecordingLogger, RecordingMetrics } from './recording-runtime.js';
export { makeRuleSet } from './rule-set.js';
