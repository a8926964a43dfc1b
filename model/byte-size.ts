/**
 * Byte counts as people read them, in IEC units (Lambda's quotas say "MB" for what are mebibytes:
 * the 250 MB unzipped limit is 262,144,000 bytes), one formatter for every report and log line.
 */
export const MIB = 1024 * 1024;

/** `52.4 MiB` */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
