import { z } from 'zod';
import { USER_ATTRIBUTES } from '../model.js';

/**
 * The rules language v1 (DESIGN §3). This one schema validates documents, gives the TypeScript
 * types, and generates the JSON Schema that editors use for completion (`idc-lifecycle schema`).
 * Every object is strict: an unknown key is an error, because a typo must never silently widen or
 * narrow access.
 */

const nonEmpty = z.string().trim().min(1);
const accountId = z.string().regex(/^\d{12}$/, 'an account id is 12 digits');
const ouRef = z
  .string()
  .regex(
    /^(\/.*|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
    'an OU is a path from the root ("/Workloads/Prod", "/" for the root) or an id ("ou-ab12-cdef5678", "r-ab12")',
  );
const ruleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a rule id is letters, digits, ".", "_" and "-" (up to 128)');

const attributeValue = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
/** `{ department: Engineering, title: [SRE, SWE] }`: every key must match one of its values. */
export const attributeSelectorSchema = z
  .partialRecord(z.enum(USER_ATTRIBUTES), attributeValue)
  .refine((sel) => Object.keys(sel).length > 0, 'a selector needs at least one attribute')
  .describe(`User attributes to match (${USER_ATTRIBUTES.join(', ')}); every key must match one listed value`);

export const principalRefSchema = z.union([
  z.strictObject({ group: nonEmpty.describe('Identity Store group DisplayName (case-sensitive)') }),
  z.strictObject({ user: nonEmpty.describe('Identity Store UserName (case-sensitive)') }),
  z.strictObject({
    users: z.strictObject({ where: attributeSelectorSchema }).describe('One USER assignment per active matching user'),
  }),
]);

export const targetsSchema = z.strictObject({
  organizationalUnits: z
    .array(ouRef)
    .optional()
    .describe('OU paths or ids; nested OUs are included; "/" is every account'),
  accounts: z.array(accountId).optional(),
  accountTags: z
    .record(nonEmpty, z.array(z.string()).min(1))
    .optional()
    .describe('Filters the base set: every key must match one listed value'),
  exclude: z
    .strictObject({
      organizationalUnits: z.array(ouRef).optional(),
      accounts: z.array(accountId).optional(),
    })
    .optional()
    .describe('Always wins over the base set'),
});

export const assignmentRuleSchema = z.strictObject({
  id: ruleId,
  description: z.string().optional(),
  principals: z.array(principalRefSchema).min(1),
  permissionSets: z.array(nonEmpty.describe('Permission set name')).min(1),
  targets: targetsSchema,
});

export const membershipRuleSchema = z.strictObject({
  id: ruleId,
  description: z.string().optional(),
  where: attributeSelectorSchema,
  groups: z.array(nonEmpty.describe('Identity Store group DisplayName')).min(1),
  policy: z
    .enum(['additive', 'authoritative'])
    .default('additive')
    .describe('authoritative also removes members who no longer match'),
});

export const settingsSchema = z.strictObject({
  managedPermissionSets: z
    .union([z.literal('all'), z.array(nonEmpty).min(1)])
    .optional()
    .describe('Permission sets the engine owns; default: every permission set the rules name'),
  protected: z
    .strictObject({
      permissionSets: z.array(nonEmpty).optional(),
      principals: z
        .array(z.union([z.strictObject({ group: nonEmpty }), z.strictObject({ user: nonEmpty })]))
        .optional(),
      accounts: z.array(accountId).optional(),
    })
    .optional(),
  revocationGuard: z
    .strictObject({
      maxPerRun: z.number().int().min(0).default(100),
      maxFraction: z.number().gt(0).max(1).optional(),
    })
    .optional(),
  mode: z.enum(['enforce', 'report']).default('enforce'),
  offboarding: z
    .strictObject({
      onUserDisabled: z.boolean().default(true),
      removeGroupMemberships: z.boolean().default(true),
    })
    .optional(),
  includeManagementAccount: z.boolean().default(false),
});

/** One rules document (one SSM parameter or one file). */
export const rulesDocumentSchema = z.strictObject({
  version: z.literal(1),
  settings: settingsSchema.optional(),
  assignments: z.array(assignmentRuleSchema).optional(),
  memberships: z.array(membershipRuleSchema).optional(),
});

export type AttributeSelector = z.infer<typeof attributeSelectorSchema>;
export type PrincipalRef = z.infer<typeof principalRefSchema>;
export type Targets = z.infer<typeof targetsSchema>;
export type AssignmentRule = z.infer<typeof assignmentRuleSchema>;
export type MembershipRule = z.infer<typeof membershipRuleSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export type RulesDocument = z.infer<typeof rulesDocumentSchema>;

/** Settings with every default applied. */
export interface Settings {
  readonly managedPermissionSets: 'all' | readonly string[] | undefined;
  readonly protected: {
    readonly permissionSets: readonly string[];
    readonly principals: readonly ({ readonly group: string } | { readonly user: string })[];
    readonly accounts: readonly string[];
  };
  readonly revocationGuard: { readonly maxPerRun: number; readonly maxFraction?: number };
  readonly mode: 'enforce' | 'report';
  readonly offboarding: { readonly onUserDisabled: boolean; readonly removeGroupMemberships: boolean };
  readonly includeManagementAccount: boolean;
}

/** Several documents merged: what evaluation and planning consume. */
export interface RuleSet {
  readonly settings: Settings;
  readonly assignments: readonly AssignmentRule[];
  readonly memberships: readonly MembershipRule[];
  /** Rule id → the name of the document that defines it, for messages. */
  readonly sources: Readonly<Record<string, string>>;
}
