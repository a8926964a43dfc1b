// The source watcher of `emulate --watch` on a real directory (Node's fs.watch, inotify here):
// bursts of saves are one change, editor scratch files and non-source files are none.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isSourceChange, watchSourceDirectory } from '../../../harness/pipeline/watch-files';

describe('isSourceChange', () => {
  it.each(['handler.py', 'app/routes.py', 'requirements.txt', 'Dockerfile', 'templates/index.html'])('%s is a source change', (file) => {
    expect(isSourceChange(file)).toBe(true);
  });
  it.each([
    '.handler.py.swp', '.handler.py.swx', '4913', 'handler.py~', '.#handler.py', '#handler.py#', 'handler.py___jb_tmp___',
    '.goutputstream-ABC123', '__pycache__/handler.cpython-313.pyc', 'handler.pyc', 'tests/test_handler.py', '.pytest_cache/v/x',
    '__pycache__', 'app/.venv/lib/x.py', '.DS_Store', 'handler.py.orig',
  ])('%s is not', (file) => {
    expect(isSourceChange(file)).toBe(false);
  });
});

describe('watchSourceDirectory', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-files-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(event, context):\n    return 1\n');
    fs.mkdirSync(path.join(dir, 'app'));
    return dir;
  }

  function collect(dir: string, debounceMs: number) {
    const bursts: (readonly string[])[] = [];
    const watch = watchSourceDirectory({ dir, debounceMs, onChange: (files) => bursts.push(files) });
    return { bursts, watch };
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !condition(); waited += 50) {
      if (waited > 20_000) throw new Error(`never happened: ${what}`);
      await sleep(50);
    }
  }

  it('several quick saves, a vim-style atomic save and its scratch files are one change naming the source files', async () => {
    const dir = tempDir();
    const { bursts, watch } = collect(dir, 400);
    try {
      await sleep(100);
      for (let save = 0; save < 3; save++) fs.writeFileSync(path.join(dir, 'handler.py'), `def lambda_handler(event, context):\n    return ${save}\n`);
      fs.writeFileSync(path.join(dir, '.handler.py.swp'), 'swap');
      fs.writeFileSync(path.join(dir, '4913'), '');
      fs.rmSync(path.join(dir, '4913'));
      fs.writeFileSync(path.join(dir, 'app', 'routes.py.tmp'), 'x');
      fs.renameSync(path.join(dir, 'app', 'routes.py.tmp'), path.join(dir, 'app', 'routes.py'));
      await until(() => bursts.length > 0, 'a change');
      await sleep(800);
      expect(bursts).toEqual([['app/routes.py', 'handler.py']]);
    } finally {
      watch.close();
    }
  });

  it('caches and scratch files alone change nothing', async () => {
    const dir = tempDir();
    const { bursts, watch } = collect(dir, 100);
    try {
      await sleep(100);
      fs.mkdirSync(path.join(dir, '__pycache__'));
      fs.writeFileSync(path.join(dir, '__pycache__', 'handler.cpython-313.pyc'), 'x');
      fs.writeFileSync(path.join(dir, '.handler.py.swp'), 'swap');
      fs.writeFileSync(path.join(dir, 'handler.py~'), 'backup');
      await sleep(1000);
      expect(bursts).toEqual([]);
      // ...and the watch still sees the next real edit.
      fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(event, context):\n    return 2\n');
      await until(() => bursts.length > 0, 'a change');
      expect(bursts).toEqual([['handler.py']]);
    } finally {
      watch.close();
    }
  });
});
