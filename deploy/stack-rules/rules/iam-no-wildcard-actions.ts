/**
 * No grant of a wildcard action (`s3:*`, `dynamodb:Get*`, `*`) or NotAction anywhere: policy
 * documents and literal JSON policies. A Deny may be broad (TLS-only bucket policies deny `s3:*`).
 */
import { isWildcardAction } from '../../../modules/policy-statements';
import { fail, pass } from '../../../harness/inspect/verdict';
import { Evidence } from '../../../harness/inspect/types';
import { StackRule, asList, nested } from '../types';

const POLICY_ARGUMENTS = ['policy', 'assume_role_policy', 'inline_policy'];

export const iamNoWildcardActionsRule: StackRule = {
  id: 'iam-no-wildcard-actions',
  description: 'IAM and resource policies grant no wildcard actions',
  protectsAgainst: 'a role or resource policy that grants far more than the code calls',
  check(stack) {
    const evidence: Evidence[] = [];
    let statements = 0;
    for (const document of stack.dataSources('aws_iam_policy_document')) {
      for (const statement of nested(document.block.statement)) {
        if (statement.effect === 'Deny') continue;
        statements++;
        const wild = asList(statement.actions).filter(isWildcardAction);
        if (wild.length > 0) evidence.push({ file: document.address, detail: `statement '${String(statement.sid ?? '')}' allows ${wild.join(', ')}` });
        if (statement.not_actions !== undefined) evidence.push({ file: document.address, detail: `statement '${String(statement.sid ?? '')}' allows NotAction` });
      }
    }
    for (const [type, blocks] of Object.entries(stack.json.resource ?? {})) {
      for (const [id, block] of Object.entries(blocks)) {
        for (const argument of POLICY_ARGUMENTS) {
          const text = block[argument];
          if (typeof text !== 'string' || !text.trimStart().startsWith('{')) continue;
          let parsed: { Statement?: unknown };
          try {
            parsed = JSON.parse(text) as { Statement?: unknown };
          } catch {
            continue; // an interpolated document; its data source is checked above
          }
          for (const statement of nested(parsed.Statement)) {
            if (statement.Effect === 'Deny') continue;
            statements++;
            const wild = asList(statement.Action).filter(isWildcardAction);
            if (wild.length > 0) evidence.push({ file: `${type}.${id}`, detail: `${argument} statement '${String(statement.Sid ?? '')}' allows ${wild.join(', ')}` });
            if (statement.NotAction !== undefined) evidence.push({ file: `${type}.${id}`, detail: `${argument} allows NotAction` });
          }
        }
      }
    }
    if (evidence.length === 0) return pass(this.id, `${statements} Allow statement(s), none with a wildcard action`);
    return fail(
      this.id,
      `${evidence.length} Allow statement(s) grant wildcard actions`,
      evidence,
      "List the exact actions the function calls (e.g. 'dynamodb:PutItem'); keep wildcards for Deny statements only.",
    );
  },
};
