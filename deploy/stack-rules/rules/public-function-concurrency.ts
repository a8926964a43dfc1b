/**
 * A function anyone may invoke (a NONE Function URL, a principal '*' permission) without a
 * concurrency limit lets a flood of requests scale it to the account's limit: the bill, and the
 * throttling of every other function in the account.
 */
import { subjectRule } from '../subject-rule';
import { Addressed, StackView } from '../types';

/** Functions behind a NONE Function URL or a principal '*' permission, each once. */
function publicFunctions(stack: StackView): Addressed[] {
  const found = new Map<string, Addressed>();
  for (const url of stack.resources('aws_lambda_function_url')) {
    const fn = url.block.authorization_type === 'NONE' ? stack.functionOf(url.block.function_name) : undefined;
    if (fn) found.set(fn.address, fn);
  }
  for (const permission of stack.resources('aws_lambda_permission')) {
    const fn = permission.block.principal === '*' ? stack.functionOf(permission.block.function_name) : undefined;
    if (fn) found.set(fn.address, fn);
  }
  return [...found.values()];
}

export const publicFunctionConcurrencyRule = subjectRule({
  id: 'public-function-concurrency',
  description: 'Publicly invokable functions have a reserved-concurrency limit',
  protectsAgainst: 'anonymous traffic scaling a function to the account limit (cost, and throttling every other function)',
  subjects: publicFunctions,
  problem: (fn) => {
    const reserved = fn.block.reserved_concurrent_executions;
    if (typeof reserved === 'number' && reserved >= 0) return undefined;
    return `function '${String(fn.block.function_name)}' is publicly invokable; reserved_concurrent_executions is unset`;
  },
  passed: (count) => `${count} public function(s), each with a concurrency limit`,
  failed: (unbounded) => `${unbounded} public function(s) without a concurrency limit`,
  fix: 'Declare reservedConcurrency for the function in lambdas/catalog.ts (it becomes reserved_concurrent_executions).',
});
