/**
 * A function anyone may invoke (a NONE Function URL, a principal '*' permission) without a
 * concurrency limit lets a flood of requests scale it to the account's limit: the bill, and the
 * throttling of every other function in the account.
 */
import { fail, pass } from '../../../harness/inspect/verdict';
import { Addressed, StackRule } from '../types';

export const publicFunctionConcurrencyRule: StackRule = {
  id: 'public-function-concurrency',
  description: 'Publicly invokable functions have a reserved-concurrency limit',
  protectsAgainst: 'anonymous traffic scaling a function to the account limit (cost, and throttling every other function)',
  check(stack) {
    const publicFunctions = new Map<string, Addressed>();
    for (const url of stack.resources('aws_lambda_function_url')) {
      const fn = url.block.authorization_type === 'NONE' ? stack.functionOf(url.block.function_name) : undefined;
      if (fn) publicFunctions.set(fn.address, fn);
    }
    for (const permission of stack.resources('aws_lambda_permission')) {
      const fn = permission.block.principal === '*' ? stack.functionOf(permission.block.function_name) : undefined;
      if (fn) publicFunctions.set(fn.address, fn);
    }
    const unbounded = [...publicFunctions.values()].filter((fn) => {
      const reserved = fn.block.reserved_concurrent_executions;
      return typeof reserved !== 'number' || reserved < 0;
    });
    if (unbounded.length === 0) return pass(this.id, `${publicFunctions.size} public function(s), each with a concurrency limit`);
    return fail(
      this.id,
      `${unbounded.length} public function(s) without a concurrency limit`,
      unbounded.map((fn) => ({ file: fn.address, detail: `function '${String(fn.block.function_name)}' is publicly invokable; reserved_concurrent_executions is unset` })),
      "Declare reservedConcurrency for the function in lambdas/catalog.ts (it becomes reserved_concurrent_executions).",
    );
  },
};
