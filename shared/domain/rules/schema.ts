import * as z from 'zod';
import { USER_ATTRIBUTES } from '../model.js';
import { tagPatternProblem } from '../tag-pattern.js';

/**
 * The rules language v1 (docs/design.md §3). This one schema validates documents, gives the TypeScript
 * types, and generates the JSON Schema that editors use for completion (`idc-lifecycle schema`).
 * Every object is strict: an unknown key is an error, because a typo must never silently widen or
 * narrow access.
 */

const nonEmpty = z.string().trim().min(1);
const accountId = z
  .string()
  .regex(/^\d{12}$/, 'an account id is 12 digits')
  .describe('AWS account id: 12 digits, quoted');
const ouRef = z
  .string()
  .regex(
    /^(\/.*|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
    'an OU is a path from the root ("/Workloads/Prod", "/" for the root) or an id ("ou-ab12-cdef5678", "r-ab12")',
  );
const ruleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a rule id is letters, digits, ".", "_" and "-" (up to 128)');

const instant = z.iso
  .datetime({ offset: true, error: 'a time is ISO 8601 with seconds and a time zone, e.g. 2026-03-01T09:00:00Z' })
  .describe('ISO 8601 date and time with a time zone ("2026-03-01T09:00:00Z", "2026-03-01T10:00:00+01:00")');
const validFrom = instant.optional().describe('The rule grants nothing before this time (inclusive start)');
const validUntil = instant
  .optional()
  .describe('The rule grants nothing from this time on; what it granted becomes drift and is revoked');

/** `validUntil` must come after `validFrom`; an ended window is only a warning (`rulesOutOfWindow`). */
const checkWindow = (
  rule: { readonly validFrom?: string | undefined; readonly validUntil?: string | undefined },
  ctx: z.RefinementCtx,
): void => {
  if (rule.validFrom === undefined || rule.validUntil === undefined) return;
  if (Date.parse(rule.validUntil) <= Date.parse(rule.validFrom)) {
    ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'validUntil must be after validFrom', input: rule });
  }
};

const attributeValue = z.union([nonEmpty, z.array(nonEmpty).min(1)], {
  error: 'an attribute value is a non-empty text or a non-empty list of texts',
});
/** `{ department: Engineering, title: [SRE, SWE] }`: every key must match one of its values. */
export const attributeSelectorSchema = z
  .partialRecord(z.enum(USER_ATTRIBUTES), attributeValue)
  .refine((sel) => Object.keys(sel).length > 0, 'a selector needs at least one attribute')
  .describe(`User attributes to match (${USER_ATTRIBUTES.join(', ')}); every key must match one listed value`);

export const principalRefSchema = z
  .union(
    [
      z.strictObject({ group: nonEmpty.describe('Identity Store group DisplayName (case-sensitive)') }),
      z.strictObject({ user: nonEmpty.describe('Identity Store UserName (case-sensitive)') }),
      z.strictObject({
        users: z
          .strictObject({ where: attributeSelectorSchema })
          .describe('One USER assignment per active matching user'),
      }),
    ],
    {
      error:
        'a principal is exactly one of { group: <DisplayName> }, { user: <UserName> } or { users: { where: {…} } }',
    },
  )
  .describe('Who receives the permission sets: a group, a user, or every active user matching attributes');

export const tagPatternSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = tagPatternProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  })
  .describe('An exact tag value, a prefix ending in * ("prod-*"), or "*" for any value of the key');
const accountTagsSchema = z.record(nonEmpty, z.array(tagPatternSchema).min(1));

export const targetsSchema = z.strictObject({
  organizationalUnits: z
    .array(ouRef)
    .optional()
    .describe('OU paths or ids; nested OUs are included; "/" is every account'),
  accounts: z.array(accountId).optional().describe('Account ids added to the base set'),
  accountTags: accountTagsSchema
    .optional()
    .describe(
      'Filters the base set: every key must match one listed value (exact, a prefix ending in *, or * for any value)',
    ),
  exclude: z
    .strictObject({
      organizationalUnits: z.array(ouRef).optional(),
      accounts: z.array(accountId).optional(),
      accountTags: accountTagsSchema
        .optional()
        .describe('Excludes accounts whose tags match: every key must match one listed value'),
    })
    .optional()
    .describe('Always wins over the base set'),
});

export const assignmentRuleSchema = z
  .strictObject({
    id: ruleId.describe('Unique across every rules document (assignments and memberships share one id space)'),
    description: z.string().optional().describe('Free text for people; ignored by the engine'),
    principals: z.array(principalRefSchema).min(1),
    permissionSets: z
      .array(nonEmpty.describe('Permission set name (case-sensitive)'))
      .min(1)
      .describe('Permission sets to grant; each must be managed and not protected'),
    targets: targetsSchema.describe(
      'Accounts to grant on: OUs and accounts form the base set (every account when both are absent), accountTags filters it, exclude wins',
    ),
    validFrom,
    validUntil,
  })
  .superRefine(checkWindow)
  .describe('Grants every principal every permission set on every target account');

export const membershipRuleSchema = z
  .strictObject({
    id: ruleId.describe('Unique across every rules document (assignments and memberships share one id space)'),
    description: z.string().optional().describe('Free text for people; ignored by the engine'),
    where: attributeSelectorSchema,
    groups: z.array(nonEmpty.describe('Identity Store group DisplayName')).min(1),
    policy: z
      .enum(['additive', 'authoritative'])
      .default('additive')
      .describe('authoritative also removes members who no longer match'),
    validFrom,
    validUntil,
  })
  .superRefine(checkWindow)
  .describe('Birthright group membership: active users matching `where` are added to `groups`');

export const settingsSchema = z
  .strictObject({
    managedPermissionSets: z
      .union([z.literal('all'), z.array(nonEmpty).min(1)], {
        error: 'managedPermissionSets is "all" or a non-empty list of permission set names',
      })
      .optional()
      .describe('Permission sets the engine owns; default: every permission set the rules name'),
    protected: z
      .strictObject({
        permissionSets: z
          .array(nonEmpty)
          .optional()
          .describe('Permission sets no rule may grant and the engine never revokes'),
        principals: z
          .array(
            z.union([z.strictObject({ group: nonEmpty }), z.strictObject({ user: nonEmpty })], {
              error: 'a protected principal is { group: <DisplayName> } or { user: <UserName> }',
            }),
          )
          .optional()
          .describe('Groups and users whose assignments and memberships the engine never changes'),
        accounts: z.array(accountId).optional().describe('Accounts on which the engine never changes anything'),
      })
      .optional()
      .describe('Never granted, never revoked, whatever the rules say'),
    revocationGuard: z
      .strictObject({
        maxPerRun: z
          .number()
          .int()
          .min(0)
          .default(100)
          .describe('Most revocations one run may make before it stops revoking'),
        maxFraction: z
          .number()
          .gt(0)
          .max(1)
          .optional()
          .describe('Most revocations one run may make, as a fraction of the managed assignments in scope'),
      })
      .optional()
      .describe('Blast-radius guard: a run over either limit applies its grants, revokes nothing and reports'),
    mode: z
      .enum(['enforce', 'report'])
      .default('enforce')
      .describe('report plans, logs and notifies, and changes nothing'),
    offboarding: z
      .strictObject({
        onUserDisabled: z
          .boolean()
          .default(true)
          .describe('Offboard a user when it is disabled, not only when it is deleted'),
        removeGroupMemberships: z.boolean().default(true).describe('Also remove an offboarded user from every group'),
      })
      .optional(),
    includeManagementAccount: z
      .boolean()
      .default(false)
      .describe('Let rules target the management account (out of scope by default)'),
  })
  .describe('Engine settings; at most one rules document may hold them');

/** One rules document (one SSM parameter or one file). */
export const rulesDocumentSchema = z.strictObject({
  version: z.literal(1).describe('Rules language version; always 1'),
  settings: settingsSchema.optional(),
  assignments: z.array(assignmentRuleSchema).optional().describe('Account assignment rules'),
  memberships: z.array(membershipRuleSchema).optional().describe('Group membership rules'),
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
