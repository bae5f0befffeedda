import * as z from 'zod/mini';

/**
 * The approval of a blocked run (docs/design.md §1 "Runs"): an EventBridge event on the
 * lifecycle bus, put by `idc-lifecycle approve <runId>` or by a pipeline. Who may put it is an IAM
 * permission: `events:PutEvents` on the bus with this source and detail type (the stack's
 * approver policy, docs/deployment.md).
 *
 * @example
 * { "source": "idc-lifecycle.approval", "detail-type": "Run Approval",
 *   "detail": { "runId": "schedule-3f2a…", "approvedBy": "jane@example.com" } }
 */
export const APPROVAL_SOURCE = 'idc-lifecycle.approval';
export const APPROVAL_DETAIL_TYPE = 'Run Approval';

const approvalEventSchema = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.literal(APPROVAL_SOURCE),
  'detail-type': z.literal(APPROVAL_DETAIL_TYPE),
  detail: z.object({
    runId: z.string().check(z.minLength(1), z.maxLength(100)),
    approvedBy: z.string().check(z.minLength(1), z.maxLength(200)),
  }),
});

export interface ApprovalEvent {
  readonly runId: string;
  readonly approvedBy: string;
  readonly origin: { readonly eventId: string; readonly eventName: string; readonly source: string };
}

/** Whether an event claims to be an approval (its source and detail type), valid or not. */
export const isApprovalEvent = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>).source === APPROVAL_SOURCE &&
  (event as Record<string, unknown>)['detail-type'] === APPROVAL_DETAIL_TYPE;

/** Reads an approval event; `undefined` when it is not a well-formed one. */
export const parseApprovalEvent = (event: unknown): ApprovalEvent | undefined => {
  const parsed = approvalEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  return {
    runId: parsed.data.detail.runId,
    approvedBy: parsed.data.detail.approvedBy,
    origin: { eventId: parsed.data.id, eventName: APPROVAL_DETAIL_TYPE, source: APPROVAL_SOURCE },
  };
};
