/**
 * IAM statements as plain data, and the least-privilege rules every statement must pass:
 * no wildcard actions, and no wildcard resources unless the action accepts no narrower one.
 */

export interface PolicyStatementSpec {
  /** Alphanumeric statement id. */
  readonly sid: string;
  readonly actions: readonly string[];
  /** ARNs or Terraform references to ARNs; a scoped suffix like `<table arn>/index/*` is fine. */
  readonly resources: readonly string[];
}

/** Actions that AWS only authorises on resource `*` (no resource-level permissions). */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: readonly string[] = [
  'ecr:GetAuthorizationToken',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
  'cloudwatch:PutMetricData',
];

const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** True when the resource grants every resource of a service (`*`, `arn:aws:s3:::*`, `arn:aws:sns:*:*:*`). */
export function isWildcardResource(resource: string): boolean {
  if (resource.trim() === '*') return true;
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return false;
  const resourcePart = parts.slice(5).join(':');
  return resourcePart === '*' || resourcePart.startsWith('*') || parts[2] === '*';
}

export function isWildcardAction(action: string): boolean {
  return action.includes('*') || action.includes('?');
}

/** Throws, naming the statement and the offending entries, when a statement is not least privilege. */
export function assertLeastPrivilege(statements: readonly PolicyStatementSpec[], where: string): void {
  for (const statement of statements) {
    const at = `${where}, statement '${statement.sid}'`;
    if (!/^[A-Za-z0-9]+$/.test(statement.sid)) {
      throw new Error(`${at}: sid must be alphanumeric, got '${statement.sid}'.`);
    }
    if (statement.actions.length === 0 || statement.resources.length === 0) {
      throw new Error(`${at}: needs at least one action and one resource.`);
    }
    const wildcardActions = statement.actions.filter(isWildcardAction);
    if (wildcardActions.length > 0) {
      throw new Error(
        `${at}: wildcard actions ${wildcardActions.map((a) => `'${a}'`).join(', ')} are not allowed. List the exact actions the function calls (e.g. 'dynamodb:GetItem').`,
      );
    }
    const malformed = statement.actions.filter((action) => !ACTION_PATTERN.test(action));
    if (malformed.length > 0) {
      throw new Error(`${at}: actions must look like 'service:Action', got ${malformed.map((a) => `'${a}'`).join(', ')}.`);
    }
    const wildcardResources = statement.resources.filter(isWildcardResource);
    if (wildcardResources.length > 0) {
      const scopable = statement.actions.filter((action) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(action));
      if (scopable.length > 0) {
        throw new Error(
          `${at}: resource ${wildcardResources.map((r) => `'${r}'`).join(', ')} grants every resource, but ${scopable.join(', ')} can be scoped. Name the ARN of the table, topic, bucket prefix, secret or repository.`,
        );
      }
    }
  }
}
