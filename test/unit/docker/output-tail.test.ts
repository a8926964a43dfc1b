import { LineSplitter, LineTail, OutputTail, lastLines } from '../../../harness/process/output-tail';

describe('OutputTail', () => {
  test('keeps everything without a limit', () => {
    const tail = new OutputTail();
    for (const part of ['ab', 'cd', 'ef']) tail.push(Buffer.from(part));
    expect(tail.text()).toBe('abcdef');
  });

  test('keeps only the last bytes of a long stream, across chunk boundaries', () => {
    const tail = new OutputTail(5);
    for (let i = 0; i < 1000; i++) tail.push(Buffer.from(`line ${i}\n`));
    expect(tail.text()).toBe(' 999\n');
    tail.push(Buffer.from('0123456789'));
    expect(tail.text()).toBe('56789');
  });
});

describe('LineSplitter', () => {
  test('gives whole lines across chunk boundaries, CRLF or LF, blank lines dropped, the last one on end()', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const chunk of ['fir', 'st\r\nsec', 'ond\n\n   \nthi', 'rd  ']) splitter.push(chunk);
    expect(lines).toEqual(['first', 'second']);
    splitter.end();
    expect(lines).toEqual(['first', 'second', 'third']);
  });

  test("raw: every line as written, blank ones too (a function's own log lines)", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), { raw: true });
    splitter.push('a  \n\nb\r\nc');
    splitter.end();
    expect(lines).toEqual(['a  ', '', 'b\r', 'c']);
  });

  test('keeps a UTF-8 character whole when a chunk boundary splits its bytes', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('größe\n');
    splitter.push(bytes.subarray(0, 3)); // inside 'ö'
    splitter.push(bytes.subarray(3));
    expect(lines).toEqual(['größe']);
  });
});

describe('LineTail and lastLines', () => {
  test('keep only the last lines', () => {
    const tail = new LineTail(3);
    for (let i = 1; i <= 10; i++) tail.push(`line ${i}`);
    expect(tail.lines()).toEqual(['line 8', 'line 9', 'line 10']);
    expect(tail.lines(1)).toEqual(['line 10']);
    expect(lastLines('a\n\nb\nc\n\n', 2)).toEqual(['b', 'c']);
  });
});
