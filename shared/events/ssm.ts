import * as z from 'zod/mini';
import type { Envelope } from './envelope.js';
import { parseOrThrow } from './ids.js';
import { type EventContext, ignored, type ParseResult, work } from './result.js';

export const SSM_SOURCE = 'aws.ssm';
export const SSM_DETAIL_TYPE = 'Parameter Store Change';

/** Operations that can change the rules in force (a label can move which version is read). */
export const RULES_OPERATIONS = ['Create', 'Update', 'Delete', 'LabelParameterVersion'] as const;

const parameterChange = z.looseObject({ name: z.string().check(z.minLength(1)), operation: z.string() });

/** `/idc-lifecycle/rules/` and `/idc-lifecycle/rules` are the same path; `/` is the whole store. */
export const normaliseRulesPath = (rulesPath: string): string => rulesPath.replace(/\/+$/, '');

/** True for the rules path itself and every parameter below it, never for a sibling such as `/…/rulesX`. */
export const isUnderRulesPath = (name: string, rulesPath: string): boolean => {
  const base = normaliseRulesPath(rulesPath);
  return name === base || name.startsWith(`${base}/`);
};

/**
 * A change to any rules document can change the desired state of every account, so it names the
 * whole organization. The event has no value; the worker reads the documents again.
 */
export const parseParameterChange = (context: EventContext, envelope: Envelope, rulesPath: string): ParseResult => {
  const { name, operation } = parseOrThrow(context, parameterChange, envelope.detail);
  if (!isUnderRulesPath(name, rulesPath)) return ignored('parameter is outside the rules path');
  if (!(RULES_OPERATIONS as readonly string[]).includes(operation)) {
    return ignored(`parameter operation ${operation} does not change the rules`);
  }
  return work(context, [{ kind: 'all' }]);
};
