import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitReference } from '../../../harness/docker/engine';
import { contextFiles } from '../../../harness/docker/image-build';

describe('splitReference', () => {
  test.each([
    ['lambda-standin/rootfs:trixie', 'lambda-standin/rootfs', 'trixie'],
    ['127.0.0.1:5000/sentiment/analysis:abc123', '127.0.0.1:5000/sentiment/analysis', 'abc123'],
    ['127.0.0.1:5000/sentiment/analysis', '127.0.0.1:5000/sentiment/analysis', 'latest'],
    ['busybox', 'busybox', 'latest'],
  ])('%s -> %s : %s', (reference, repo, tag) => {
    expect(splitReference(reference)).toEqual({ repo, tag });
  });
});

describe('contextFiles (the build context sent to the engine)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'context-files-'));
    for (const file of ['Dockerfile', 'handler.py', 'tests/test_handler.py', 'pkg/__pycache__/x.pyc', 'pkg/mod.py']) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), file);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('everything, sorted, without a .dockerignore', () => {
    expect(contextFiles(dir)).toEqual(['Dockerfile', 'handler.py', 'pkg/__pycache__/x.pyc', 'pkg/mod.py', 'tests/test_handler.py']);
  });

  test('honours .dockerignore (as lambdas/*/.dockerignore use it), and always sends the Dockerfile', () => {
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'tests/\n**/__pycache__/\nDockerfile\n');
    expect(contextFiles(dir)).toEqual(['.dockerignore', 'Dockerfile', 'handler.py', 'pkg/mod.py']);
  });
});
