import { buildReport, parseErrorPayload } from '../../../harness/emulator/invoke-result';
import { exitErrorMessage, timedOutMessage } from '../../../model/lambda-limits';
import { peakMemoryCandidates, bytesToReportedMb } from '../../../harness/emulator/container-memory';

describe('REPORT lines and Lambda messages', () => {
  test('cold REPORT carries Init Duration; billed duration rounds up', () => {
    const report = buildReport({ requestId: 'r1', durationMs: 12.344, memorySizeMb: 256, maxMemoryUsedMb: 41, initDurationMs: 250.126, coldStart: true });
    expect(report.billedDurationMs).toBe(13);
    expect(report.line).toBe('REPORT RequestId: r1\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 41 MB\tInit Duration: 250.13 ms');
  });

  test('warm REPORT has no Init Duration and bills at least 1 ms', () => {
    const report = buildReport({ requestId: 'r2', durationMs: 0.2, memorySizeMb: 128, maxMemoryUsedMb: 30, coldStart: false });
    expect(report.line).not.toContain('Init Duration');
    expect(report.billedDurationMs).toBe(1);
  });

  test('timeout and exit messages read like Lambda', () => {
    expect(timedOutMessage('abc', 3)).toBe('RequestId: abc Error: Task timed out after 3.00 seconds');
    expect(exitErrorMessage('abc', 1)).toBe('RequestId: abc Error: Runtime exited with error: exit status 1');
    expect(exitErrorMessage('abc', 137)).toBe('RequestId: abc Error: Runtime exited with error: signal: killed');
  });

  test('error payloads: message and stack trace when present, nothing when not JSON', () => {
    expect(parseErrorPayload(Buffer.from('{"errorMessage":"boom","errorType":"ValueError","stackTrace":["a","b"]}'))).toEqual({ errorMessage: 'boom', trace: ['a', 'b'] });
    expect(parseErrorPayload(Buffer.from('garbage'))).toEqual({});
  });

  test('peak memory: cgroup v1 docker path first, whole MB rounded up', () => {
    expect(peakMemoryCandidates('abc', '/cg')[0]).toBe('/cg/memory/docker/abc/memory.max_usage_in_bytes');
    expect(bytesToReportedMb(1)).toBe(1);
    expect(bytesToReportedMb(10 * 1024 * 1024)).toBe(10);
  });
});
