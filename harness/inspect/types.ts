/**
 * The shapes static inspection passes around: what a reader saw in an artifact (a view),
 * what the function is meant to run as (the target), and what each rule concluded (a verdict).
 * Reading is separate from judging: readers build views, rules are pure functions of them.
 */
import { Architecture, PythonRuntime } from '../../model/runtimes';
import { ElfInfo } from './elf-reader';

export type VerdictLevel = 'pass' | 'warn' | 'fail';

export interface Evidence {
  /** Path inside the artifact (ZIP entry, or image path without the leading slash). */
  readonly file: string;
  readonly detail: string;
}

export interface Verdict {
  /** Rule id: `elf-machine`. */
  readonly rule: string;
  readonly level: VerdictLevel;
  readonly message: string;
  /** The files (or settings) that led to the verdict; empty on a plain pass. */
  readonly evidence: readonly Evidence[];
  /** What to do about a warn or fail; empty on a pass. */
  readonly fix: string;
  /**
   * The function's catalog accepts this warn or fail: its reason. An acknowledged fail does not
   * fail the inspection; its level stays what the rule said. @default not acknowledged
   */
  readonly acknowledged?: string;
}

/** One file of the artifact, with its ELF facts when its first bytes are an ELF header. */
export interface ArtifactFile {
  readonly path: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** Present when the file starts with the ELF magic bytes. */
  readonly elf?: ElfInfo;
  /** Why an ELF file could not be read (truncated, too large). @default none */
  readonly elfError?: string;
}

/** A `.dist-info/WHEEL` file: which wheel tags the installed distribution was built for. */
export interface WheelRecord {
  /** Path of the WHEEL file. */
  readonly path: string;
  /** `cp313-cp313-manylinux_2_17_x86_64`, one per `Tag:` line. */
  readonly tags: readonly string[];
}

/** What `docker image inspect` says about an image. */
export interface ImageConfigView {
  readonly reference: string;
  readonly id: string;
  /** `Config.User`; empty means root. */
  readonly user: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly repoDigests: readonly string[];
  /** Uncompressed size in bytes, as the engine reports it. */
  readonly sizeBytes: number;
}

export interface ArtifactView {
  readonly kind: 'zip' | 'image';
  /** The ZIP path or the image reference, for messages. */
  readonly source: string;
  /**
   * Files in scope. For a ZIP: every entry, paths relative to the code root.
   * For an image: files under the task root, site-packages and the system C/C++ libraries,
   * paths from the filesystem root without the leading slash.
   */
  readonly files: readonly ArtifactFile[];
  /** Where the handler's module is looked up: '' for a ZIP, `var/task/` in an image. */
  readonly codeRoot: string;
  readonly wheels: readonly WheelRecord[];
  /** Size of the ZIP file itself. @default undefined for images */
  readonly zippedBytes?: number;
  /** Sum of the uncompressed sizes of the entries (ZIP) or of all regular files (image). */
  readonly unzippedBytes: number;
  /** Image facts. @default undefined for ZIPs */
  readonly image?: ImageConfigView;
  /**
   * Every path in the image filesystem (regular files, links, directories), for "does the
   * entrypoint exist". @default undefined for ZIPs
   */
  readonly allPaths?: ReadonlySet<string>;
  /** Symbolic links of the image filesystem: path -> target. @default undefined */
  readonly symlinks?: ReadonlyMap<string, string>;
}

/** What the function is declared to run as; rules judge the artifact against it. */
export interface InspectionTarget {
  readonly runtime: PythonRuntime;
  readonly architecture: Architecture;
  /** `module.function`. For images, @default the image's CMD[0] */
  readonly handler?: string;
  /** The function's resolved environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Uncompressed size of the function's layers, counted in the 250 MB quota. @default 0 */
  readonly layersUnzippedBytes?: number;
}

export interface InspectionRule {
  /** Stable id: `elf-machine`. */
  readonly id: string;
  /** One line: what the rule checks. */
  readonly description: string;
  readonly appliesTo: readonly ArtifactView['kind'][];
  readonly check: (view: ArtifactView, target: InspectionTarget) => Verdict;
}

export interface InspectionReport {
  /** The ZIP path or image reference, with the runtime and architecture checked against. */
  readonly target: string;
  readonly runtime: PythonRuntime;
  readonly architecture: Architecture;
  readonly verdicts: readonly Verdict[];
  /** True when no verdict is an unacknowledged fail. */
  readonly passed: boolean;
  /** Reading plus judging, wall time. */
  readonly durationMs: number;
}
