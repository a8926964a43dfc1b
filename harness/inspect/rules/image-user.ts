/** Image functions run as a non-root user (seed 003, FR-007); the image should say so itself. */
import { InspectionRule } from '../types';
import { fail, pass } from '../verdict';

/** True for '', 'root', '0', 'root:root', '0:0', '0:1000'... */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0].trim();
  return name === '' || name === 'root' || name === '0';
}

export const imageUserRule: InspectionRule = {
  id: 'image-user',
  description: 'Image configured to run as a non-root user',
  appliesTo: ['image'],
  check(view) {
    const user = view.image?.user ?? '';
    if (!isRootUser(user)) return pass(this.id, `image runs as user '${user}'`);
    return fail(
      this.id,
      `image runs as root (Config.User is ${user === '' ? 'unset' : `'${user}'`}): the platform requires non-root images`,
      [{ file: '(image config)', detail: `User=${JSON.stringify(user)}` }],
      'Add a non-root user at the end of the Dockerfile, e.g. `RUN useradd --uid 1000 --no-create-home app` then `USER 1000`, ' +
        'and make sure the task root stays readable by it.',
    );
  },
};
