/** Turns bytes a reader collected into the facts rules judge, the same way for ZIPs and images. */
import { ElfParseError, isElf, parseElf } from './elf-reader';
import { ArtifactFile } from './types';

/** ELF files bigger than this are not buffered for parsing (reported, not read). */
export const DEFAULT_MAX_ELF_BYTES = 1024 * 1024 * 1024;

/** Facts for a file whose full content is in `bytes` when it starts with the ELF magic. */
export function describeFile(path: string, size: number, bytes: Buffer | undefined): ArtifactFile {
  if (!bytes || !isElf(bytes)) return { path, size };
  try {
    return { path, size, elf: parseElf(bytes) };
  } catch (error) {
    if (error instanceof ElfParseError) return { path, size, elfError: error.message };
    throw error;
  }
}
