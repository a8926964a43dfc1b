/**
 * A base referenced by tag can change under the same name; pinning it by digest keeps the
 * verified bytes the deployed bytes. Docker does not record FROM, so the image must carry the
 * OCI annotation labels `org.opencontainers.image.base.digest` / `.base.name`
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md); the harness's own
 * image builds set them (harness/build/image-builder.ts), other images may not.
 */
import { OCI_BASE_DIGEST_LABEL, OCI_BASE_NAME_LABEL } from '../../docker/image-build';
import { InspectionRule } from '../types';
import { pass, warn } from '../verdict';

export const BASE_DIGEST_LABEL = OCI_BASE_DIGEST_LABEL;
export const BASE_NAME_LABEL = OCI_BASE_NAME_LABEL;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export const imageBasePinnedRule: InspectionRule = {
  id: 'image-base-pinned',
  description: 'Image base pinned by digest',
  appliesTo: ['image'],
  check(view) {
    const labels = view.image?.labels ?? {};
    const digest = labels[BASE_DIGEST_LABEL];
    const name = labels[BASE_NAME_LABEL];
    if (digest && DIGEST.test(digest)) return pass(this.id, `base pinned: ${name ? `${name} ` : ''}${digest}`);
    if (name && /@sha256:[0-9a-f]{64}$/.test(name)) return pass(this.id, `base pinned: ${name}`);
    return warn(
      this.id,
      digest
        ? `base digest label '${digest}' is not a sha256 digest`
        : `the image does not say which base it was built FROM by digest${name ? ` (base '${name}' is a tag)` : ''}: a rebuild may pick up a different base`,
      [{ file: '(image labels)', detail: `${BASE_DIGEST_LABEL}=${digest ?? '(unset)'} ${BASE_NAME_LABEL}=${name ?? '(unset)'}` }],
      'Build FROM base@sha256:<digest> and record it: LABEL ' + BASE_NAME_LABEL + '="<base>@sha256:<digest>" ' + BASE_DIGEST_LABEL + '="sha256:<digest>".',
    );
  },
};
