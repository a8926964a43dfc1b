/** ECR repositories: tags cannot be re-pointed (IMMUTABLE) and every push is scanned. */
import { fail, pass } from '../../../harness/inspect/verdict';
import { StackRule, nested } from '../types';

export const ecrRepositoryHardenedRule: StackRule = {
  id: 'ecr-repository-hardened',
  description: 'ECR repositories have immutable tags and scan on push',
  protectsAgainst: 'a pushed tag silently replaced by other bytes, and images nobody scanned',
  check(stack) {
    const repositories = stack.resources('aws_ecr_repository');
    const weak = repositories.flatMap((repo) => {
      const problems: string[] = [];
      if (repo.block.image_tag_mutability !== 'IMMUTABLE') problems.push(`image_tag_mutability ${String(repo.block.image_tag_mutability ?? 'MUTABLE (default)')}`);
      if (!nested(repo.block.image_scanning_configuration).some((scan) => scan.scan_on_push === true)) problems.push('scan_on_push is not true');
      return problems.length > 0 ? [{ file: repo.address, detail: problems.join('; ') }] : [];
    });
    if (weak.length === 0) return pass(this.id, repositories.length === 0 ? 'no ECR repository' : `${repositories.length} repository(ies) immutable and scanned`);
    return fail(
      this.id,
      `${weak.length} ECR repository(ies) not hardened`,
      weak,
      "Set image_tag_mutability = 'IMMUTABLE' and image_scanning_configuration { scan_on_push = true } (modules/ecr-repository.ts).",
    );
  },
};
