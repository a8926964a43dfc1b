/** Small in-memory artifact views for rule tests. */
import { parseElf } from '../../../harness/inspect/elf-reader';
import { ArtifactFile, ArtifactView, ImageConfigView, InspectionTarget } from '../../../harness/inspect/types';
import { ElfBuildSpec, buildElf } from './elf-builder';

export const TARGET: InspectionTarget = { runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler' };

export function zipView(files: readonly ArtifactFile[], extra: Partial<ArtifactView> = {}): ArtifactView {
  return {
    kind: 'zip',
    source: 'test.zip',
    files,
    codeRoot: '',
    wheels: [],
    zippedBytes: 1000,
    unzippedBytes: files.reduce((sum, file) => sum + file.size, 0),
    ...extra,
  };
}

export function imageConfig(extra: Partial<ImageConfigView> = {}): ImageConfigView {
  return {
    reference: 'test:latest',
    id: 'sha256:' + 'a'.repeat(64),
    user: '1000',
    entrypoint: ['/usr/bin/python3', '-m', 'awslambdaric'],
    cmd: ['handler.lambda_handler'],
    workingDir: '/var/task',
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    labels: {},
    repoDigests: [],
    sizeBytes: 400 * 1024 * 1024,
    ...extra,
  };
}

export function imageView(files: readonly ArtifactFile[], extra: Partial<ArtifactView> = {}, config: Partial<ImageConfigView> = {}): ArtifactView {
  return {
    kind: 'image',
    source: 'test:latest',
    files,
    codeRoot: 'var/task/',
    wheels: [],
    unzippedBytes: 0,
    image: imageConfig(config),
    allPaths: new Set(['usr', 'usr/bin', 'usr/bin/python3.13', 'bin', ...files.map((file) => file.path)]),
    symlinks: new Map([
      ['bin', 'usr/bin'],
      ['usr/bin/python3', 'python3.13'],
    ]),
    ...extra,
  };
}

export function file(path: string, size = 100): ArtifactFile {
  return { path, size };
}

export function elfFile(path: string, spec: ElfBuildSpec = {}): ArtifactFile {
  const bytes = buildElf(spec);
  return { path, size: bytes.length, elf: parseElf(bytes) };
}
