import { OutputTail } from '../../../harness/docker/output-tail';

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
