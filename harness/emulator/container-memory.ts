/**
 * Peak memory of a container, for REPORT's "Max Memory Used". The engine's stats API gives no
 * peak here (cgroup v1: `max_usage` is null), so we read the cgroup file on the host, which costs
 * microseconds; an exec through the engine is the slow fallback for engines whose cgroups we cannot see.
 */
import * as fs from 'node:fs';
import { execIn } from '../docker/harness-container';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Where the peak lives for a container id, cgroup v1 (cgroupfs / systemd drivers) and v2. */
export function peakMemoryCandidates(containerId: string, root = CGROUP_ROOT): string[] {
  return [
    `${root}/memory/docker/${containerId}/memory.max_usage_in_bytes`,
    `${root}/memory/system.slice/docker-${containerId}.scope/memory.max_usage_in_bytes`,
    `${root}/docker/${containerId}/memory.peak`,
    `${root}/system.slice/docker-${containerId}.scope/memory.peak`,
  ];
}

export class ContainerMemory {
  private hostFd: number | undefined | null = undefined;
  private readonly buffer = Buffer.alloc(64);

  constructor(private readonly containerId: string) {}

  /** Peak bytes since the container started, or undefined when no source answers. */
  async peakBytes(): Promise<number | undefined> {
    if (this.hostFd === undefined) {
      const file = peakMemoryCandidates(this.containerId).find((candidate) => fs.existsSync(candidate));
      try {
        // Kept open and re-read at offset 0: one syscall per REPORT on the warm path.
        this.hostFd = file ? fs.openSync(file, 'r') : null;
      } catch {
        this.hostFd = null;
      }
    }
    if (this.hostFd !== null) {
      try {
        const length = fs.readSync(this.hostFd, this.buffer, 0, this.buffer.length, 0);
        return Number(this.buffer.toString('latin1', 0, length).trim());
      } catch {
        // The container just exited and its cgroup went with it.
        return undefined;
      }
    }
    try {
      const { exitCode, stdout } = await execIn(this.containerId, ['cat', '/sys/fs/cgroup/memory/memory.max_usage_in_bytes']);
      return exitCode === 0 ? Number(stdout.trim()) : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (typeof this.hostFd === 'number') fs.closeSync(this.hostFd);
    this.hostFd = null;
  }
}

/** Lambda reports whole MB, rounded up. */
export function bytesToReportedMb(bytes: number): number {
  return Math.ceil(bytes / (1024 * 1024));
}
