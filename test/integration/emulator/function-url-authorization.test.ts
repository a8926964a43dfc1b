/**
 * The local Function URL front answers what the deployed URL would: the real preprod stack,
 * synthesized from the catalog, grants both permissions (200 from a real function container); the
 * same stack without its lambda:InvokeFunction statement gets Lambda's 403 before the function runs.
 * Rule: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html (since October 2025 a NONE URL
 * needs lambda:InvokeFunctionUrl AND lambda:InvokeFunction for principal '*').
 */
import { TerraformStack, Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FunctionUrlFront } from '../../../harness/emulator/function-url-front';
import { LambdaEmulator } from '../../../harness/emulator/lambda-emulator';
import { synthesizedUrlAccess, urlAccessFromStack } from '../../../deploy/stack-url-access';
import { httpRequest } from '../../../harness/suite/http-request';
import { machineCatalog } from '../../../harness/machine-catalog';
import { buildApp } from '../../../main';
import { launchSpec, runtimeImage, testEmulator, writeTaskDir } from './emulator-fixtures';

jest.setTimeout(10 * 60_000);

const HANDLER = 'def handler(event, context):\n    return {"statusCode": 200, "body": "ran"}\n';

/** The real preprod application stack's JSON, synthesized from the catalog (empty manifest). */
function preprodStackJson(): Record<string, any> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'url-auth-'));
  try {
    const app = buildApp({ outdir: scratch, stateDir: scratch, stacks: ['preprod'], manifest: { version: 1, generatedAt: '', functions: {} }, target: { kind: 'offline' } });
    return JSON.parse(Testing.synth(app.node.findChild('preprod') as TerraformStack));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

describe('Function URL front judged by the synthesized stack', () => {
  let emulator: LambdaEmulator;
  let logs: string[];
  const fronts: FunctionUrlFront[] = [];
  let stack: Record<string, any>;

  beforeAll(async () => {
    const image = await runtimeImage();
    ({ emulator, logs } = testEmulator(launchSpec(image, writeTaskDir({ 'app.py': HANDLER }), 'app.handler', { functionName: 'dashboard' })));
    stack = preprodStackJson();
  });
  afterAll(async () => {
    for (const front of fronts) await front.stop();
    await emulator?.stop();
  });

  async function get(access: ReturnType<typeof urlAccessFromStack>[string]) {
    const front = await new FunctionUrlFront({ invoker: emulator, access }).start();
    fronts.push(front);
    return httpRequest(new URL('/health', front.url), 'GET', {}, undefined, 60_000);
  }

  it('the stack as synthesized grants both permissions: the request reaches the function (200)', async () => {
    const access = synthesizedUrlAccess(machineCatalog());
    expect(access.dashboard).toMatchObject({ allowed: true });
    const answer = await get(access.dashboard);
    expect(answer).toMatchObject({ status: 200, body: 'ran' });
    expect(logs.some((line) => line.startsWith('START '))).toBe(true);
  });

  it('the same stack without lambda:InvokeFunction for * is answered 403 AccessDeniedException, the function never runs', async () => {
    const permissions = stack.resource.aws_lambda_permission as Record<string, { action: string; principal: string }>;
    const withoutInvoke = Object.fromEntries(Object.entries(permissions).filter(([, p]) => !(p.action === 'lambda:InvokeFunction' && p.principal === '*')));
    expect(Object.keys(withoutInvoke).length).toBe(Object.keys(permissions).length - 1);
    const broken = { ...stack, resource: { ...stack.resource, aws_lambda_permission: withoutInvoke } };
    const access = urlAccessFromStack(JSON.stringify(broken), machineCatalog());
    expect(access.dashboard).toMatchObject({ allowed: false, reason: expect.stringContaining("lacks lambda:InvokeFunction for principal '*'") });

    const invokes = () => logs.filter((line) => line.startsWith('START ')).length;
    const before = invokes();
    const answer = await get(access.dashboard);
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(JSON.parse(answer.body)).toEqual({
      Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    });
    expect(invokes()).toBe(before);
  });
});
