/**
 * A small, honest reader of the AWS calls in a function's Python sources: which boto3 clients and
 * DynamoDB tables it binds, and which methods it calls on them, as IAM actions.
 *   `boto3.client("sns").publish(`            -> sns:Publish
 *   `table = boto3.resource("dynamodb").Table(` then `table.put_item(` -> dynamodb:PutItem
 *   `boto3.client("s3").download_file(`       -> s3:GetObject (a transfer method: GetObject, plus
 *                                                 HeadObject which the same permission authorizes)
 * Names are matched per file (a `table` parameter of a helper counts as the file's table), which
 * over-reports rather than misses: a grant can only pass if every call found is granted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** boto3 methods that are not one API call of the same name. */
const TRANSFER_METHODS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  s3: { download_file: 'GetObject', download_fileobj: 'GetObject', upload_file: 'PutObject', upload_fileobj: 'PutObject' },
};
/** Calls on a bound name that make no request (the Table factory, the client's own helpers). */
const LOCAL_METHODS = new Set(['Table', 'get_paginator', 'get_waiter', 'close', 'meta', 'exceptions']);

export interface Boto3Call {
  readonly action: string;
  readonly file: string;
  readonly line: number;
}

function pascal(method: string): string {
  return method.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

function actionFor(service: string, method: string): string {
  return `${service}:${TRANSFER_METHODS[service]?.[method] ?? pascal(method)}`;
}

/** The calls in one Python source text. */
export function boto3CallsInSource(source: string, file = '<source>'): Boto3Call[] {
  const calls: Boto3Call[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const bound = new Map<string, string>();
  // name = [<expr> or] boto3.client("svc")   |   name = [<expr> or] boto3.resource("dynamodb").Table(...)
  // ending the line (`x = boto3.client("s").get_secret_value(...)` binds a response, not a client).
  const binding = /\b([A-Za-z_]\w*)\s*=\s*(?:[\w.]+\s+or\s+)?boto3\.(client|resource)\(\s*["'](\w+)["'][^)]*\)(\.Table\([^\n]*\))?[ \t]*(?:#[^\n]*)?$/gm;
  for (const match of source.matchAll(binding)) {
    if (match[2] === 'resource' && !match[4]) continue; // a resource object itself, not a table
    bound.set(match[1], match[3]);
  }
  // boto3.client("svc").method(   and   boto3.resource("dynamodb").Table(...).method(
  const chained = /boto3\.(?:client|resource)\(\s*["'](\w+)["'][^)]*\)(?:\.Table\([^)]*\))?\.([a-z_]\w*)\(/g;
  for (const match of source.matchAll(chained)) {
    if (!LOCAL_METHODS.has(match[2])) calls.push({ action: actionFor(match[1], match[2]), file, line: lineOf(match.index!) });
  }
  for (const [name, service] of bound) {
    for (const match of source.matchAll(new RegExp(`(?<![\\w.])${name}\\.([a-z_]\\w*)\\(`, 'g'))) {
      if (!LOCAL_METHODS.has(match[1])) calls.push({ action: actionFor(service, match[1]), file, line: lineOf(match.index!) });
    }
  }
  return calls;
}

/** The calls in every Python file of a function's source directory (its tests excluded). */
export function boto3CallsInDirectory(dir: string): Boto3Call[] {
  const calls: Boto3Call[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'tests' && !entry.name.startsWith('.') && entry.name !== '__pycache__') walk(full);
      } else if (entry.name.endsWith('.py')) {
        calls.push(...boto3CallsInSource(fs.readFileSync(full, 'utf8'), path.relative(dir, full)));
      }
    }
  };
  walk(dir);
  return calls;
}
