/**
 * The process helper, with real child processes (node itself: always there, starts in ~50 ms).
 * No timing is asserted; the time limit test only checks that the child was stopped and said so.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessError, runProcess, runProcessAllowingFailure, runProcessInExitHook, startProcess } from '../../../harness/process/run-process';

const node = process.execPath;
const script = (code: string) => ['-e', code];

describe('runProcess', () => {
  test('resolves with stdout, stderr, their interleaving and every line on exit 0', async () => {
    const lines: string[] = [];
    const result = await runProcess(node, script('console.log("one"); console.error("two"); process.stdout.write("three")'), {
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('one\nthree');
    expect(result.stderr).toBe('two\n');
    expect(result.output).toMatch(/one[^]*two|two[^]*one/);
    // The last partial line ("three", no newline) is flushed at the exit.
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  test('a non-zero exit rejects with a ProcessError naming the command, the exit code and only the last lines', async () => {
    const failing = runProcess(node, script('for (let i = 1; i <= 100; i++) console.log("line " + i); process.exit(3)'), {
      label: 'the counting script',
      tailLines: 5,
      hint: (tail) => `Likely cause: it counted to ${tail.length === 5 ? 'a hundred' : '?'}.`,
    });
    await expect(failing).rejects.toThrow(ProcessError);
    const error = (await failing.catch((caught: unknown) => caught)) as ProcessError;
    expect(error.exitCode).toBe(3);
    expect(error.tail).toEqual(['line 96', 'line 97', 'line 98', 'line 99', 'line 100']);
    expect(error.message).toBe(
      ['the counting script failed (exit 3).', '  Last output:', '    line 96', '    line 97', '    line 98', '    line 99', '    line 100', '  Likely cause: it counted to a hundred.'].join('\n'),
    );
  });

  test('a command that does not exist rejects with "Could not start" and the hint', async () => {
    const error = (await runProcess('no-such-command-here', ['--version'], { hint: (_tail, startError) => (startError ? 'Install it.' : undefined) }).catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.exitCode).toBeNull();
    expect(error.message).toMatch(/^Could not start no-such-command-here --version: spawn no-such-command-here ENOENT\.\n {2}Install it\.$/);
  });

  test('a process over its time limit is stopped, and the error says so', async () => {
    const error = (await runProcess(node, script('console.log("started"); setInterval(() => {}, 1000)'), { timeoutMs: 1500, label: 'the sleeper' }).catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.result?.timedOut).toBe(true);
    expect(error.result?.signal).toBe('SIGTERM');
    expect(error.message).toMatch(/^the sleeper did not finish within 1500 ms; stopped it\.\n {2}Last output:\n {4}started$/);
  });

  test('input is written to stdin, and a UTF-8 character split across chunks stays whole', async () => {
    const result = await runProcess(node, script('let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const b = Buffer.from(s + " ✓\\n"); process.stdout.write(b.subarray(0, b.length - 2)); setTimeout(() => process.stdout.write(b.subarray(b.length - 2)), 50); })'), {
      input: 'hello',
    });
    expect(result.tail).toEqual(['hello ✓']);
  });

  test('runProcessAllowingFailure resolves on a non-zero exit, for callers that judge the code themselves', async () => {
    const result = await runProcessAllowingFailure(node, script('console.error("nope"); process.exit(1)'));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('nope\n');
  });
});

describe('runProcessInExitHook', () => {
  test('blocks until the process ended (an exit hook cannot wait for a promise) and reports exit 0 only', () => {
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exit-hook-')), 'done');
    expect(runProcessInExitHook(node, script(`require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`))).toBe(true);
    expect(fs.existsSync(marker)).toBe(true); // already written when the call returned
    fs.rmSync(path.dirname(marker), { recursive: true, force: true });
    expect(runProcessInExitHook(node, script('process.exit(2)'))).toBe(false);
    expect(runProcessInExitHook('no-such-command-here', [])).toBe(false);
  });
});

describe('startProcess', () => {
  test('a server writing to a log file instead of a pipe: lines still arrive, the tail is kept, the file is removed', async () => {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'run-process-')), 'server.log');
    const lines: string[] = [];
    const server = startProcess(node, script('console.log("listening"); console.error("warming up"); setInterval(() => {}, 1000)'), {
      logFile,
      onLine: (line) => lines.push(line),
    });
    while (lines.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.sort()).toEqual(['listening', 'warming up']);
    const exit = await server.stop();
    expect(exit.signal).toBe('SIGTERM');
    expect([...server.tail()].sort()).toEqual(['listening', 'warming up']);
    expect(fs.existsSync(logFile)).toBe(false);
    await expect(server.completed).rejects.toThrow(/failed \(signal SIGTERM\)/);
  });
});
