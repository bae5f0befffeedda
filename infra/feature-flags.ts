import { readFileSync } from 'node:fs';
import { REPOSITORY_ROOT } from './constructs/lifecycle-function.js';

/**
 * The `context` of cdk.json: the feature flags `cdk synth` and `cdk deploy` apply. `npm run synth`
 * and the infra tests build their App with the same values, so what is checked is what deploys.
 */
export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(`${REPOSITORY_ROOT}cdk.json`, 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...cdkJson.context };
};
