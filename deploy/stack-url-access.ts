/**
 * What the deployed Function URLs would answer an anonymous caller, read from the application
 * stack the catalog synthesizes to (in memory, offline, with an empty manifest: the permissions do
 * not depend on the artifacts). `npm run emulate` gives each local Function URL front its verdict,
 * so a stack that AWS would answer 403 is answered 403 locally too, before anyone deploys it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { FunctionSpec } from '../model/function-spec';
import { DeployEnvironment } from '../model/resources';
import { buildApp } from '../main';
import { FUNCTION_TAG, appStackName } from '../stacks/naming';
import { FunctionUrlAccess, judgeFunctionUrlAccess, lambdaPermissionsByFunction } from '../harness/emulator/function-url-authorization';

/** Pure: the verdict per URL function of an already synthesized stack (its JSON). */
export function urlAccessFromStack(stackJson: string, specs: readonly FunctionSpec[]): Record<string, FunctionUrlAccess> {
  const permissions = lambdaPermissionsByFunction(JSON.parse(stackJson), FUNCTION_TAG);
  const access: Record<string, FunctionUrlAccess> = {};
  for (const spec of specs) {
    if (spec.url) access[spec.name] = judgeFunctionUrlAccess(spec.url.authType, permissions[spec.name] ?? []);
  }
  return access;
}

/** Synthesizes `environment`'s application stack for these specs and judges each Function URL. */
export function synthesizedUrlAccess(specs: readonly FunctionSpec[], environment: DeployEnvironment = 'preprod'): Record<string, FunctionUrlAccess> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'url-access-'));
  try {
    const stackName = appStackName(environment);
    const app = buildApp({
      outdir: scratch,
      stateDir: scratch,
      stacks: [stackName],
      catalog: specs,
      manifest: { version: 1, generatedAt: new Date(0).toISOString(), functions: {} },
      target: { kind: 'offline' },
    });
    return urlAccessFromStack(Testing.synth(app.node.findChild(stackName) as TerraformStack), specs);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
