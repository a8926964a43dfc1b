/**
 * Lambda's /tmp (https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html)
 * is a loop-mounted filesystem per execution environment here: none may outlive the process that
 * made it. Real child processes, real mounts: a process that exits unmounts its spare in its exit
 * hook; what a killed one left is reaped by the next.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reapEphemeralStorage } from '../../../harness/emulator/ephemeral-storage';
import { RunningProcess, runProcess, startProcess } from '../../../harness/process/run-process';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CHILD = ['--import', 'tsx', path.join(__dirname, 'ephemeral-storage-child.ts')];

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ephemeral-storage-'));
});
afterAll(async () => {
  await reapEphemeralStorage(root);
  if (mountsUnder(root).length === 0) fs.rmSync(root, { recursive: true, force: true });
});

const childOptions = () => ({ cwd: REPO, env: { ...process.env, HARNESS_EPHEMERAL_DIR: root } });
const environmentDirs = () => fs.readdirSync(root).filter((name) => name.startsWith('env-'));
function mountsUnder(dir: string): string[] {
  return fs.readFileSync('/proc/mounts', 'utf8').split('\n').filter((line) => line.split(' ')[1]?.startsWith(`${dir}/`));
}
function readyLine(output: string): { sizeLimited: boolean; entries: string[] } {
  const line = output.split('\n').find((text) => text.startsWith('ready '));
  if (!line) throw new Error(`the child never said it was ready:\n${output}`);
  return JSON.parse(line.slice('ready '.length));
}

test('a process that exits leaves no /tmp behind: its own is released, its spare unmounted by the exit hook', async () => {
  const result = await runProcess(process.execPath, [...CHILD, 'exit'], childOptions());
  const ready = readyLine(result.stdout);
  expect(ready.entries).toHaveLength(2); // its /tmp and the spare
  expect(environmentDirs()).toEqual([]);
  expect(mountsUnder(root)).toEqual([]);
});

test("a killed process's /tmp filesystems are unmounted and removed by the next process's reaping", async () => {
  let child: RunningProcess | undefined;
  const readyOutput = await new Promise<string>((resolve, reject) => {
    child = startProcess(process.execPath, CHILD, { ...childOptions(), collect: true, onLine: (line) => line.startsWith('ready ') && resolve(line) });
    void child.exited.then(() => reject(new Error(`the child exited before it was ready:\n${child!.tail().join('\n')}`)));
  });
  const ready = readyLine(readyOutput);
  await child!.stop('SIGKILL');
  expect(environmentDirs().sort()).toEqual([...ready.entries].sort()); // no exit hook ran
  if (ready.sizeLimited) expect(mountsUnder(root)).toHaveLength(2);

  expect(await reapEphemeralStorage(root)).toBe(2);
  expect(environmentDirs()).toEqual([]);
  expect(mountsUnder(root)).toEqual([]);
});
