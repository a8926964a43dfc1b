// Supply chain: a Dockerfile built without the harness (its BASE_IMAGE default) must name one exact
// base, by digest, so the same Dockerfile cannot silently build on another base next week.
// Docker's reference format: https://docs.docker.com/reference/cli/docker/image/tag/ (name:tag@digest).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runtimeFacts } from '../../../model/runtimes';

const LAMBDAS = path.join(__dirname, '..', '..', '..', 'lambdas');
const dockerfiles = fs
  .readdirSync(LAMBDAS)
  .map((name) => path.join(LAMBDAS, name, 'Dockerfile'))
  .filter((file) => fs.existsSync(file));

function baseImageDefault(file: string): string {
  const match = /^ARG BASE_IMAGE=(\S+)$/m.exec(fs.readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} declares no 'ARG BASE_IMAGE=<default>'`);
  return match[1];
}

test('every function Dockerfile is found', () => {
  expect(dockerfiles.map((file) => path.basename(path.dirname(file))).sort()).toEqual(['analysis', 'dashboard']);
});

test.each(dockerfiles)('%s pins its default base image by digest', (file) => {
  const [reference, digest] = baseImageDefault(file).split('@');
  expect(reference).toBe(runtimeFacts('python3.13').officialImage);
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
});

test('both Dockerfiles pin the same base, so the functions share one runtime image', () => {
  expect(new Set(dockerfiles.map(baseImageDefault)).size).toBe(1);
});
