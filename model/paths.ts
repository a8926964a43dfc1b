/** Where the project lives on disk: every path the tools write or read is relative to it. */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
