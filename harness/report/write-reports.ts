/** Writes the verify report as `reports/<name>.json` and `reports/<name>.junit.xml`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { VerifyReport } from '../suite/check-result';
import { formatJunitReport } from './junit-report';

export const REPORTS_DIR = path.join(REPO_ROOT, 'reports');

export function writeReports(report: VerifyReport, name = 'verify', dir = REPORTS_DIR): { json: string; junit: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const junit = path.join(dir, `${name}.junit.xml`);
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(junit, formatJunitReport(report));
  return { json, junit };
}
