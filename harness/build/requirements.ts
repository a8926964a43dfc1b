/**
 * How a ZIP's requirements.txt is treated, and the pinning check.
 *   'install'  pip installs it inside the build image for the function's runtime (ADR-005)
 *   'omit'     no dependencies at all: reproduces seed 000 (the ZIP shipped without FastAPI)
 *   { platform, pythonVersion }  pip downloads wheels for another platform/Python: reproduces
 *              seed 001 (`--platform manylinux2014_x86_64 --python-version 3.12` for python3.13)
 */
import { ConfigurationError } from '../../model/error-codes';
export type RequirementsMode = 'install' | 'omit' | { readonly platform: string; readonly pythonVersion: string };

export function describeRequirementsMode(mode: RequirementsMode): string {
  if (mode === 'install' || mode === 'omit') return mode;
  return `cross (--platform ${mode.platform} --python-version ${mode.pythonVersion})`;
}

export function validateRequirementsMode(mode: RequirementsMode): RequirementsMode {
  if (mode === 'install' || mode === 'omit') return mode;
  if (!mode || typeof mode !== 'object' || !/^[A-Za-z0-9_.]+$/.test(mode.platform ?? '') || !/^\d+(\.\d+)?$/.test(mode.pythonVersion ?? '')) {
    throw new ConfigurationError(
      `requirements must be 'install', 'omit' or { platform: 'manylinux2014_x86_64', pythonVersion: '3.12' }, got ${JSON.stringify(mode)}.`,
    );
  }
  return mode;
}

/**
 * Requirement lines that do not pin an exact version (`==` / `===`): a rebuild may pick newer
 * releases, so the ZIP would not be byte-identical. Options, comments, blanks and URLs are skipped.
 */
export function unpinnedRequirements(requirementsText: string): string[] {
  return requirementsText
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+#.*$/, '').replace(/\\$/, '').trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('-') && !line.startsWith('--'))
    .filter((line) => !/\s@\s/.test(line) && !/^[a-z+]+:\/\//i.test(line))
    .filter((line) => !/===?/.test(line.split(';')[0]));
}
