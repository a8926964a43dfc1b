/**
 * How a built artifact boots: a ZIP runs on its runtime base with the extracted archive mounted
 * read-only at /var/task and the handler as the command; an image runs its own ENTRYPOINT/CMD.
 */
import { Artifact } from '../build/artifact';
import { LaunchSpec } from './launch-spec';

export interface LaunchFromArtifactProps {
  readonly artifact: Artifact;
  /** `module.function` (ZIP); ignored for images, which keep their CMD. */
  readonly handler: string;
  readonly memoryMb: number;
  /** `/tmp` size. @default 512 */
  readonly ephemeralStorageMb?: number;
  readonly timeoutSeconds: number;
  /** The function's resolved environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** @default the artifact's function name */
  readonly functionName?: string;
  /** @default AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** @default the image's USER */
  readonly user?: string;
}

export function launchSpecFromArtifact(props: LaunchFromArtifactProps): LaunchSpec {
  const { artifact } = props;
  const common = {
    env: props.env ?? {},
    memoryMb: props.memoryMb,
    ephemeralStorageMb: props.ephemeralStorageMb,
    timeoutSeconds: props.timeoutSeconds,
    functionName: props.functionName ?? artifact.functionName,
    region: props.region,
    user: props.user,
  };
  if (artifact.kind === 'zip') {
    return {
      ...common,
      image: artifact.base.image,
      command: [props.handler],
      mounts: [{ hostPath: artifact.unpackedDir, containerPath: '/var/task', readOnly: true }],
    };
  }
  return { ...common, image: artifact.tag, command: [], mounts: [] };
}
