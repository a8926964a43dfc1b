/**
 * The shapes the stack rules work on: a synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`)
 * with helpers to follow Terraform references, and rules that are pure functions of it. Verdicts
 * are the inspection rules' verdicts (pass / warn / fail, evidence, fix), so both read the same.
 */
import { Verdict } from '../../harness/inspect/types';

export type Block = Readonly<Record<string, unknown>>;
export type Blocks = Readonly<Record<string, Readonly<Record<string, Block>>>>;

/** A synthesized stack as Terraform JSON. */
export interface StackJson {
  readonly provider?: Readonly<Record<string, unknown>>;
  readonly resource?: Blocks;
  readonly data?: Blocks;
}

/** One resource or data source: `aws_lambda_function.dashboard_zip_function_1A2B` and its arguments. */
export interface Addressed {
  /** `aws_lambda_function.dashboard_zip_function_1A2B`, or `data.aws_iam_policy_document.x` */
  readonly address: string;
  readonly block: Block;
}

export interface StackRule {
  /** Stable id: `function-url-permissions`. */
  readonly id: string;
  /** One line: what the rule checks. */
  readonly description: string;
  /** One line: the failure in a real deploy it prevents (README's table is made of these). */
  readonly protectsAgainst: string;
  readonly check: (stack: StackView) => Verdict;
}

export interface StackReport {
  readonly stack: string;
  readonly verdicts: readonly Verdict[];
  /** True when no verdict is a fail. */
  readonly passed: boolean;
}

/** A synthesized stack with the lookups every rule needs. */
export class StackView {
  constructor(
    /** Stack name, for messages. */
    readonly name: string,
    readonly json: StackJson,
  ) {}

  /** Every resource of a type (`aws_lambda_function`). */
  resources(type: string): Addressed[] {
    return Object.entries(this.json.resource?.[type] ?? {}).map(([id, block]) => ({ address: `${type}.${id}`, block }));
  }

  /** Every data source of a type (`aws_iam_policy_document`). */
  dataSources(type: string): Addressed[] {
    return Object.entries(this.json.data?.[type] ?? {}).map(([id, block]) => ({ address: `data.${type}.${id}`, block }));
  }

  /**
   * The function a value points at: a reference such as `${aws_lambda_function.x.arn}` or
   * `.function_name`, or a literal function name or ARN. Undefined when it names no function here.
   */
  functionOf(value: unknown): Addressed | undefined {
    if (typeof value !== 'string') return undefined;
    const functions = this.resources('aws_lambda_function');
    const ref = referencedAddress(value);
    if (ref) return functions.find((fn) => fn.address === ref);
    const name = value.includes(':function:') ? value.split(':function:')[1].split(':')[0] : value;
    return functions.find((fn) => fn.block.function_name === name);
  }

  /** The resource a value refers to (`${aws_s3_bucket.x.id}` -> `aws_s3_bucket.x`), among those of a type. */
  resourceOf(type: string, value: unknown): Addressed | undefined {
    const ref = typeof value === 'string' ? referencedAddress(value) : undefined;
    return ref ? this.resources(type).find((candidate) => candidate.address === ref) : undefined;
  }
}

const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z0-9_]+(?:\[\d+\])?\}$/;

/** `${aws_lambda_function.x.arn}` -> `aws_lambda_function.x`; undefined for literals and expressions. */
export function referencedAddress(value: string): string | undefined {
  return REFERENCE.exec(value)?.[1];
}

/** Terraform JSON writes a nested block as an object or a one-element list; both read the same here. */
export function nested(value: unknown): Block[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is Block => typeof item === 'object' && item !== null);
}

export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
