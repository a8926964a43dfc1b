/**
 * Reading the output of child processes and containers as it arrives: whole lines out of chunks
 * (`LineSplitter`), the last lines seen (`LineTail`), the last bytes of a stream (`OutputTail`) and
 * the last lines of a finished text (`lastLines`). The one implementation of each, so every error
 * message quotes output the same way (harness/process/run-process.ts, the Docker engine wrapper).
 */
import { StringDecoder } from 'node:string_decoder';

/** Collected output of one stream, optionally only its tail. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly limit = Infinity) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0].length >= this.limit) this.bytes -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString();
  }
}

export interface LineSplitterOptions {
  /**
   * Every line exactly as written (only the `\n` removed), blank ones too: for a function's own
   * log lines. @default false: trailing white space trimmed, blank lines dropped (tool output)
   */
  readonly raw?: boolean;
}

/**
 * Turns chunks of a stream into whole lines (`\n` or `\r\n`). Call `end()` to flush the last
 * partial line. A UTF-8 character split across two chunks stays whole.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly options: LineSplitterOptions = {},
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    if (this.options.raw) return this.onLine(line);
    const trimmed = line.trimEnd();
    if (trimmed.trim()) this.onLine(trimmed);
  }
}

/** The last `limit` lines pushed: what an error message quotes of a long-running tool. */
export class LineTail {
  private readonly kept: string[] = [];

  constructor(private readonly limit: number) {}

  push(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.limit) this.kept.shift();
  }

  lines(count = this.limit): string[] {
    return this.kept.slice(-count);
  }
}

/** The last `count` non-blank lines of a text, trailing white space trimmed. */
export function lastLines(text: string, count: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  splitter.push(text);
  splitter.end();
  return lines.slice(-count);
}
