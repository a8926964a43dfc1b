/** The modules' tests synthesize one construct from test props with a few overridden. */
import { Construct } from 'constructs';
import { Testing } from 'cdktf';

type ConstructClass<Props> = new (scope: Construct, id: string, props: Props) => Construct;

/**
 * A function that synthesizes `construct` with `props(overrides)` in a fresh test scope and returns
 * the Terraform JSON the cdktf jest matchers (toHaveResourceWithProperties…) read.
 */
export function synthesizerFor<Props>(construct: ConstructClass<Props>, props: (overrides: Partial<Props>) => Props) {
  return (overrides: Partial<Props> = {}): string => Testing.synthScope((scope) => new construct(scope, 'under-test', props(overrides)));
}
