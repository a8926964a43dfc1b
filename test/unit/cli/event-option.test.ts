import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseEventOptions } from '../../../harness/cli/event-option';
import { codeOfThrown } from '../thrown-code';

describe('--event', () => {
  it('reads a file or inline JSON', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'event-')), 'event.json');
    fs.writeFileSync(file, '{"source": "manual"}');
    const events = parseEventOptions([file, '{"a": [1]}'], 'usage');
    expect(events.map((e) => e.event)).toEqual([{ source: 'manual' }, { a: [1] }]);
    expect(events[0].name).toContain(file);
  });

  it('refuses what is neither a file nor JSON, and broken JSON, saying which', () => {
    expect(() => parseEventOptions(['missing.json'], 'usage')).toThrow(/neither an existing file nor inline JSON/);
    expect(() => parseEventOptions(['{"a":'], 'usage')).toThrow(/--event #1 is not valid JSON/);
    expect([codeOfThrown(() => parseEventOptions(['missing.json'], 'usage')), codeOfThrown(() => parseEventOptions(['{"a":'], 'usage'))]).toEqual(['CONFIGURATION', 'CONFIGURATION']);
  });
});
