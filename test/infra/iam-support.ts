import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole, IRole } from 'aws-cdk-lib/aws-iam';

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of the identity policies attached to `role` in `template`. */
export const statementsOf = (template: Template, role: IRole): Statement[] => {
  const roleId = Stack.of(role).getLogicalId(role.node.defaultChild as CfnRole);
  const inline = (template.findResources('AWS::IAM::Role')[roleId]?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  // CDK moves statements past the inline size limit into managed "overflow" policies on the role.
  const attached = [
    ...Object.values(template.findResources('AWS::IAM::Policy')),
    ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
  ].filter((policy) =>
    ((policy.Properties.Roles ?? []) as unknown[]).some(
      (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
    ),
  );
  return [...inline, ...attached.map((policy) => policy.Properties)].flatMap(
    (policy) => (policy as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
  );
};

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const allActions = (statements: readonly Statement[]): string[] => statements.flatMap(actionsOf);

/** The statements that allow `action`. */
export const allowing = (statements: readonly Statement[], action: string): Statement[] =>
  statements.filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action));

/** Resources rendered as JSON strings, so token-built ARNs can be matched by substring. */
export const resourcesOf = (statement: Statement): string[] =>
  (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map((resource) =>
    typeof resource === 'string' ? resource : JSON.stringify(resource),
  );
