/** Functions verified in parallel (issue 11): bounded concurrency, results in input order, prefixed progress. */
import { defaultJobs, forEachConcurrently, functionLog } from '../../../harness/pipeline/verify-run';

test('never runs more than the limit at once, and visits every item once', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  await forEachConcurrently([5, 1, 4, 2, 3], 2, async (item) => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, item));
    seen.push(item);
    running -= 1;
  });
  expect(most).toBe(2);
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
});

test('results placed by index keep the input order whatever finishes first', async () => {
  const results: string[] = [];
  await forEachConcurrently(['slow', 'fast'], 2, async (item, index) => {
    await new Promise((resolve) => setTimeout(resolve, item === 'slow' ? 30 : 1));
    results[index] = item;
  });
  expect(results).toEqual(['slow', 'fast']);
});

test('every progress line carries its function name, aligned', () => {
  const lines: string[] = [];
  functionLog((line) => lines.push(line), 'analysis', 9)('[build analysis] cache hit');
  functionLog((line) => lines.push(line), 'dashboard', 9)('[dashboard] booting');
  expect(lines).toEqual(['analysis  | [build analysis] cache hit', 'dashboard | [dashboard] booting']);
});

test('the default is one function per core, at least one', () => {
  expect(defaultJobs(2)).toBe(2);
  expect(defaultJobs(0)).toBe(1);
});
