/**
 * An image function needs something to run: an ENTRYPOINT (the runtime interface client)
 * that exists in the image, and a CMD (the handler).
 */
import { ArtifactView, InspectionRule } from '../types';
import { fail, pass } from '../verdict';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Resolves symbolic links component by component (`/bin` -> `usr/bin` on merged-/usr systems). */
export function resolveInImage(view: ArtifactView, absolutePath: string): string | undefined {
  const links = view.symlinks ?? new Map<string, string>();
  let pending = absolutePath.split('/').filter((part) => part !== '' && part !== '.');
  const resolved: string[] = [];
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const link = links.get(resolved.join('/'));
    if (link !== undefined) {
      hops += 1;
      if (hops > 40) return undefined;
      resolved.pop();
      if (link.startsWith('/')) resolved.length = 0;
      pending = [...link.split('/').filter((item) => item !== '' && item !== '.'), ...pending];
    }
  }
  const path = resolved.join('/');
  return view.allPaths?.has(path) ? path : undefined;
}

/** Where a command would be found: absolute, relative to WORKDIR, or on PATH. */
export function findExecutable(view: ArtifactView, command: string): string | undefined {
  const image = view.image;
  if (command.startsWith('/')) return resolveInImage(view, command);
  if (command.includes('/')) return resolveInImage(view, `${image?.workingDir || '/'}/${command}`);
  const searchPath = image?.env.PATH ?? DEFAULT_PATH;
  for (const dir of searchPath.split(':')) {
    const found = dir ? resolveInImage(view, `${dir}/${command}`) : undefined;
    if (found) return found;
  }
  return undefined;
}

export const imageEntrypointRule: InspectionRule = {
  id: 'image-entrypoint',
  description: 'Image has an entrypoint that exists in it, and a command',
  appliesTo: ['image'],
  check(view) {
    const image = view.image;
    const entrypoint = image?.entrypoint ?? [];
    const cmd = image?.cmd ?? [];
    if (entrypoint.length === 0 && cmd.length === 0) {
      return fail(
        this.id,
        'image has neither ENTRYPOINT nor CMD: Lambda has nothing to start',
        [{ file: '(image config)', detail: 'Entrypoint=[] Cmd=[]' }],
        'Set ENTRYPOINT to the runtime interface client (e.g. ["/lambda-entrypoint.sh"] or ["python3", "-m", "awslambdaric"]) and CMD ["handler.lambda_handler"].',
      );
    }
    const command = entrypoint[0] ?? cmd[0];
    const setting = entrypoint.length > 0 ? 'ENTRYPOINT' : 'CMD';
    if (view.allPaths && !findExecutable(view, command)) {
      return fail(
        this.id,
        `${setting} starts '${command}', which does not exist in the image`,
        [{ file: command.replace(/^\//, ''), detail: `${setting} ${JSON.stringify(entrypoint.length > 0 ? entrypoint : cmd)}; PATH=${image?.env.PATH ?? '(default)'}` }],
        'Point ENTRYPOINT at a file the image has (check with `docker run --rm --entrypoint ls IMAGE -l PATH`), or install it in the Dockerfile.',
      );
    }
    if (entrypoint.length > 0 && cmd.length === 0) {
      return fail(
        this.id,
        `image has ENTRYPOINT ${JSON.stringify(entrypoint)} but no CMD: the runtime client is not told which handler to load`,
        [{ file: '(image config)', detail: 'Cmd=[]' }],
        'Add CMD ["module.function"] (e.g. CMD ["handler.lambda_handler"]), or set image_config.command on the function.',
      );
    }
    return pass(this.id, `ENTRYPOINT ${JSON.stringify(entrypoint)} CMD ${JSON.stringify(cmd)}${view.allPaths ? ' (found in the image)' : ''}`);
  },
};
