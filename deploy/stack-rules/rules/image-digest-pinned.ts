/**
 * An image function deployed by tag runs whatever the tag points at when Lambda resolves it; a
 * digest is the verified image and nothing else. A reference to a `data.aws_ecr_image`'s digest
 * (resolved at plan) counts as pinned too.
 */
import { subjectRule } from '../subject-rule';

const LITERAL_DIGEST = /@sha256:[0-9a-f]{64}$/;
const DATA_DIGEST = /@\$\{data\.aws_ecr_image\.[A-Za-z0-9_-]+\.image_digest\}$/;

export const imageDigestPinnedRule = subjectRule({
  id: 'image-digest-pinned',
  description: 'Image functions reference their image by digest',
  protectsAgainst: 'deploying an image other than the verified one because a tag moved',
  subjects: (stack) => stack.resources('aws_lambda_function').filter((fn) => fn.block.package_type === 'Image' || fn.block.image_uri !== undefined),
  problem: (fn) => {
    const uri = String(fn.block.image_uri ?? '');
    return LITERAL_DIGEST.test(uri) || DATA_DIGEST.test(uri) ? undefined : `image_uri '${String(fn.block.image_uri ?? '(unset)')}'`;
  },
  passed: (count) => (count === 0 ? 'no image function' : `${count} image function(s) pinned by digest`),
  failed: (byTag) => `${byTag} image function(s) not pinned by digest`,
  fix: "Deploy '<repository>@sha256:<digest>' of the verified, pushed image (the manifest's repoDigest), never ':<tag>'.",
});
