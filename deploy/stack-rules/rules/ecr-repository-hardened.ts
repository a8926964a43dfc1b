/** ECR repositories: tags cannot be re-pointed (IMMUTABLE) and every push is scanned. */
import { subjectRule } from '../subject-rule';
import { nested } from '../types';

export const ecrRepositoryHardenedRule = subjectRule({
  id: 'ecr-repository-hardened',
  description: 'ECR repositories have immutable tags and scan on push',
  protectsAgainst: 'a pushed tag silently replaced by other bytes, and images nobody scanned',
  subjects: (stack) => stack.resources('aws_ecr_repository'),
  problem: (repo) => {
    const problems: string[] = [];
    if (repo.block.image_tag_mutability !== 'IMMUTABLE') problems.push(`image_tag_mutability ${String(repo.block.image_tag_mutability ?? 'MUTABLE (default)')}`);
    if (!nested(repo.block.image_scanning_configuration).some((scan) => scan.scan_on_push === true)) problems.push('scan_on_push is not true');
    return problems.length > 0 ? problems.join('; ') : undefined;
  },
  passed: (count) => (count === 0 ? 'no ECR repository' : `${count} repository(ies) immutable and scanned`),
  failed: (weak) => `${weak} ECR repository(ies) not hardened`,
  fix: "Set image_tag_mutability = 'IMMUTABLE' and image_scanning_configuration { scan_on_push = true } (modules/ecr-repository.ts).",
});
