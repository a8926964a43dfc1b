/** The default rule pack, and running a pack over a view (cdk-nag style: rules are pure). */
import { elfMachineRule } from './rules/elf-machine';
import { elfSymbolVersionsRule } from './rules/elf-symbol-versions';
import { environmentSecretsRule } from './rules/environment-secrets';
import { extensionAbiRule } from './rules/extension-abi';
import { handlerModuleRule } from './rules/handler-module';
import { imageBasePinnedRule } from './rules/image-base-pinned';
import { imageEntrypointRule } from './rules/image-entrypoint';
import { imageSizeRule } from './rules/image-size';
import { imageUserRule } from './rules/image-user';
import { pycacheVersionRule } from './rules/pycache-version';
import { unzippedSizeRule } from './rules/unzipped-size';
import { wheelTagsRule } from './rules/wheel-tags';
import { zipSizeRule } from './rules/zip-size';
import { ArtifactView, InspectionRule, InspectionTarget, Verdict } from './types';
import { fail } from './verdict';

export const DEFAULT_PACK: readonly InspectionRule[] = [
  zipSizeRule,
  unzippedSizeRule,
  imageSizeRule,
  handlerModuleRule,
  elfMachineRule,
  elfSymbolVersionsRule,
  extensionAbiRule,
  wheelTagsRule,
  pycacheVersionRule,
  imageUserRule,
  imageEntrypointRule,
  imageBasePinnedRule,
  environmentSecretsRule,
];

/** Runs the rules that apply to the view's kind; a rule that throws becomes a fail, not a crash. */
export function runRules(
  view: ArtifactView,
  target: InspectionTarget,
  rules: readonly InspectionRule[] = DEFAULT_PACK,
): Verdict[] {
  return rules
    .filter((rule) => rule.appliesTo.includes(view.kind))
    .map((rule) => {
      try {
        return rule.check(view, target);
      } catch (error) {
        return fail(
          rule.id,
          `the rule itself failed: ${error instanceof Error ? error.message : String(error)}`,
          [],
          'This is a bug in the inspection rule; report it with the artifact that triggers it.',
        );
      }
    });
}
