/**
 * The README's conformance table, generated from reports/conformance.json and never written by
 * hand: "case | AWS documents | our emulator | RIE" plus per-engine totals, kept between the
 * markers `<!-- conformance-table -->` and `<!-- /conformance-table -->`. A unit test renders it
 * from the checked-in report and compares, so a hand edit fails.
 */
import * as fs from 'node:fs';
import { ConformanceReport } from './conformance-runner';

export const CONFORMANCE_TABLE_MARKER = 'conformance-table';

/** Column order and headings: ours first, AWS's RIE second, any other engine after, by name. */
const ENGINE_HEADINGS: Readonly<Record<string, string>> = { emulator: 'our emulator', rie: 'RIE' };
/** Longest "what differed" shown in a cell; the full text stays in the JSON report. */
const DETAIL_CHARS = 140;

export function engineColumns(report: ConformanceReport): string[] {
  const known = Object.keys(ENGINE_HEADINGS).filter((engine) => engine in report.engines);
  const others = Object.keys(report.engines).filter((engine) => !(engine in ENGINE_HEADINGS)).sort();
  return [...known, ...others];
}

/** The markdown between the markers: totals, then one row per case. */
export function renderConformanceTable(report: ConformanceReport): string {
  const engines = engineColumns(report);
  const heading = (engine: string) => ENGINE_HEADINGS[engine] ?? engine;
  const total = report.cases.length;
  const totals = engines.map((engine) => {
    const passed = report.cases.filter((row) => row.results[engine]?.passed).length;
    return `${heading(engine)} **${passed} of ${total}**`;
  });
  const lines = [
    `Cases that answer as AWS documents: ${totals.join(', ')} (run ${engines.map((engine) => `${heading(engine)} ${report.engines[engine].at.slice(0, 10)}`).join(', ')}).`,
    '',
    `| case | AWS documents | ${engines.map(heading).join(' | ')} |`,
    `| --- | --- | ${engines.map(() => '---').join(' | ')} |`,
  ];
  for (const row of report.cases) {
    const cells = engines.map((engine) => {
      const result = row.results[engine];
      if (!result) return 'not run';
      return result.passed ? 'pass' : `**differs**: ${cell(shorten(result.detail ?? ''))}`;
    });
    lines.push(`| [\`${row.id}\`](${row.source}) | ${cell(row.documented)} | ${cells.join(' | ')} |`);
  }
  lines.push(`| **total** | ${total} cases | ${engines.map((engine) => `**${report.cases.filter((row) => row.results[engine]?.passed).length} of ${total}**`).join(' | ')} |`);
  return lines.join('\n');
}

/** Replaces what lies between `<!-- marker -->` and `<!-- /marker -->`; both must be there. */
export function replaceMarkedSection(text: string, marker: string, content: string): string {
  const open = `<!-- ${marker} -->`;
  const close = `<!-- /${marker} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) {
    throw new Error(`README has no '${open}' ... '${close}' pair: put both markers where the generated table belongs.`);
  }
  return `${text.slice(0, start + open.length)}\n${content}\n${text.slice(end)}`;
}

/** What lies between the markers (without the newlines next to them), or undefined. */
export function markedSection(text: string, marker: string): string | undefined {
  const match = new RegExp(`<!-- ${marker} -->\\n([\\s\\S]*?)\\n<!-- /${marker} -->`).exec(text);
  return match?.[1];
}

/** Rewrites the README's conformance table from the report; true when the file changed. */
export function updateReadmeConformanceTable(readmeFile: string, report: ConformanceReport): boolean {
  const before = fs.readFileSync(readmeFile, 'utf8');
  const after = replaceMarkedSection(before, CONFORMANCE_TABLE_MARKER, renderConformanceTable(report));
  if (after === before) return false;
  fs.writeFileSync(readmeFile, after);
  return true;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= DETAIL_CHARS ? oneLine : `${oneLine.slice(0, DETAIL_CHARS - 1)}…`;
}

/** Markdown table cells cannot hold a raw `|` or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
