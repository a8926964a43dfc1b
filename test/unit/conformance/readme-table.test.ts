// The README's conformance table is generated from the checked-in reports/conformance.json by
// harness/conformance/readme-table.ts (`npm run conformance` rewrites it): a hand edit fails here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFORMANCE_CASES } from '../../../harness/conformance/cases';
import { ConformanceReport } from '../../../harness/conformance/conformance-runner';
import {
  CONFORMANCE_TABLE_MARKER, engineColumns, markedSection, renderConformanceTable, replaceMarkedSection,
} from '../../../harness/conformance/readme-table';

const REPO = path.resolve(__dirname, '..', '..', '..');
const checkedIn = JSON.parse(fs.readFileSync(path.join(REPO, 'reports', 'conformance.json'), 'utf8')) as ConformanceReport;

const small: ConformanceReport = {
  engines: {
    rie: { at: '2026-12-02T03:40:00.000Z', passed: 0, failed: 2 },
    emulator: { at: '2026-12-02T03:30:00.000Z', passed: 2, failed: 0 },
  },
  cases: [
    { id: 'a.one', area: 'invoke-api', documented: 'One | two', source: 'https://docs.aws.amazon.com/lambda/latest/dg/a.html',
      results: { emulator: { passed: true }, rie: { passed: false, detail: `status: expected 400,\ngot 200 ${'x'.repeat(200)}` } } },
    { id: 'b.two', area: 'limits', documented: 'Two.', source: 'https://docs.aws.amazon.com/lambda/latest/dg/b.html',
      results: { emulator: { passed: true }, rie: { passed: false, detail: 'no header' } } },
  ],
};

describe('README conformance table', () => {
  test('the README holds exactly what the generator renders from reports/conformance.json', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(markedSection(readme, CONFORMANCE_TABLE_MARKER)).toBe(renderConformanceTable(checkedIn));
  });

  test('the checked-in report is a real run of both engines over every current case', () => {
    expect(engineColumns(checkedIn)).toEqual(['emulator', 'rie']);
    expect(checkedIn.cases.map((row) => row.id).sort()).toEqual(CONFORMANCE_CASES.map((c) => c.id).sort());
    for (const row of checkedIn.cases) expect(Object.keys(row.results).sort()).toEqual(['emulator', 'rie']);
    // Our emulator is the default because it answers every case as AWS documents them.
    expect(checkedIn.engines.emulator.failed).toBe(0);
  });

  test('columns: our emulator, then RIE, then other engines; totals per engine; cells escaped and shortened', () => {
    const table = renderConformanceTable({ ...small, engines: { ...small.engines, lambda: { at: '2026-12-02T04:00:00.000Z', passed: 0, failed: 0 } } });
    const lines = table.split('\n');
    expect(lines[0]).toBe('Cases that answer as AWS documents: our emulator **2 of 2**, RIE **0 of 2**, lambda **0 of 2** (run our emulator 2026-12-02, RIE 2026-12-02, lambda 2026-12-02).');
    expect(lines[2]).toBe('| case | AWS documents | our emulator | RIE | lambda |');
    expect(lines[4]).toMatch(/^\| \[`a\.one`\]\(https:\/\/docs\.aws\.amazon\.com\/lambda\/latest\/dg\/a\.html\) \| One \\\| two \| pass \| \*\*differs\*\*: status: expected 400, got 200 x+… \| not run \|$/);
    expect(lines[4].length).toBeLessThan(400);
    expect(lines[5]).toBe('| [`b.two`](https://docs.aws.amazon.com/lambda/latest/dg/b.html) | Two. | pass | **differs**: no header | not run |');
    expect(lines[6]).toBe('| **total** | 2 cases | **2 of 2** | **0 of 2** | **0 of 2** |');
  });

  test('the section between the markers is replaced, the rest of the README kept; missing markers are named', () => {
    const readme = 'intro\n<!-- conformance-table -->\nold\n<!-- /conformance-table -->\noutro\n';
    const updated = replaceMarkedSection(readme, CONFORMANCE_TABLE_MARKER, 'new table');
    expect(updated).toBe('intro\n<!-- conformance-table -->\nnew table\n<!-- /conformance-table -->\noutro\n');
    expect(markedSection(updated, CONFORMANCE_TABLE_MARKER)).toBe('new table');
    expect(() => replaceMarkedSection('no markers', CONFORMANCE_TABLE_MARKER, 'x')).toThrow("README has no '<!-- conformance-table -->' ... '<!-- /conformance-table -->' pair");
  });
});
