/**
 * `--event <file.json | inline JSON>` (repeatable): the test events verify's boot check invokes
 * the function with. A path to an existing file is read; anything else must be JSON itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestEvent } from '../../model/function-spec';
import { UsageError } from './cli-args';

export function parseEventOptions(values: readonly string[], usage: string): TestEvent[] {
  return values.map((value, index) => {
    const file = path.resolve(value);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) {
      return { name: `--event ${value}`, event: parseJson(fs.readFileSync(file, 'utf8'), `--event ${value} (file ${file})`, usage) };
    }
    if (!/^\s*[[{"]|^\s*(-?\d|true\b|false\b|null\b)/.test(value)) {
      throw new UsageError(`--event '${value}' is neither an existing file nor inline JSON. Give a path to a .json file, or JSON such as '{"source": "manual"}'.`, usage);
    }
    return { name: `--event #${index + 1} (inline)`, event: parseJson(value, `--event #${index + 1}`, usage) };
  });
}

function parseJson(text: string, where: string, usage: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`, usage);
  }
}
