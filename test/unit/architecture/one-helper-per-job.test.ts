/**
 * One helper per job (issue 13): each family below has one implementation, and this test fails,
 * naming the file, when a second one appears.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Family {
  /** What the one implementation does. */
  readonly job: string;
  /** What a copy looks like. */
  readonly pattern: RegExp;
  /** The files allowed to match: the implementation itself. */
  readonly home: readonly string[];
  /** Files where a match is data, not a second implementation (file -> why). */
  readonly notCopies?: Readonly<Record<string, string>>;
  /** @default every .ts file */
  readonly extensions?: readonly string[];
  /** Only these top-level folders. @default all scanned */
  readonly under?: readonly string[];
}

const PRODUCTION = ['model', 'lambdas', 'harness', 'stacks', 'modules', 'deploy', 'scripts', 'main.ts'];

const FAMILIES: readonly Family[] = [
  {
    job: 'starting host processes (harness/process/run-process.ts: lines, bounded tail, time limit, ProcessError)',
    pattern: /^import (?!type\b)[^;]*from 'node:child_process'/m,
    home: ['harness/process/run-process.ts'],
  },
  {
    job: 'splitting a stream into lines (LineSplitter in harness/process/output-tail.ts)',
    pattern: /(partial\w*|pending)\s*=\s*\w+\.pop\(\)/,
    home: ['harness/process/output-tail.ts'],
  },
  {
    job: "quoting a tool's last output lines (lastLines / LineTail in harness/process/output-tail.ts)",
    pattern: /split\('\\n'\)(\.\w+\([^)]*\))*\.slice\(-\d+\)|function (dockerOutputTail|lastLines)\b/,
    home: ['harness/process/output-tail.ts'],
  },
  {
    job: 'formatting byte counts (formatBytes in model/byte-size.ts, IEC units)',
    pattern: /function formatBytes|toFixed\(\d\)\}? ?(KiB|MiB|GiB|KB|MB|GB)\b/,
    home: ['model/byte-size.ts'],
  },
  {
    job: 'writing ZIP archives (createDeterministicZip in harness/build/deterministic-zip.ts, time-zone independent)',
    pattern: /new yazl\.ZipFile\(/,
    home: ['harness/build/deterministic-zip.ts'],
  },
  {
    job: 'parsing command-line options (parseArgs in harness/cli/cli-args.ts)',
    pattern: /argv\[\+\+i\]|argv\[i \+ 1\]|process\.argv\.includes\(/,
    home: ['harness/cli/cli-args.ts'],
  },
  {
    job: 'telling whether a process still runs (processAlive / entriesOfGoneProcesses in harness/docker/owner.ts)',
    pattern: /process\.kill\(\w+, 0\)/,
    home: ['harness/docker/owner.ts'],
  },
  {
    job: 'the local account id (LOCAL_ACCOUNT_ID in model/local-aws-account.ts)',
    pattern: /'\d{12}'/,
    home: ['model/local-aws-account.ts'],
    under: PRODUCTION,
    notCopies: { 'lambdas/test-events.ts': "AWS's documented example events, quoted literally on purpose (the documentation's example account)" },
  },
  {
    job: 'fake AWS credentials (LOCAL_AWS_CREDENTIALS / LOCAL_AWS_ENV in model/local-aws-account.ts)',
    pattern: /AWS_SECRET_ACCESS_KEY: '|secretKey: '|aws_secret_access_key="/,
    home: ['model/local-aws-account.ts'],
    extensions: ['.ts', '.py'],
  },
  {
    job: 'the secret-looking variable name rule (model/secret-naming.ts)',
    pattern: /PASSWORD\|/,
    home: ['model/secret-naming.ts'],
  },
  {
    job: 'the handler format (HANDLER_PATTERN in model/lambda-limits.ts)',
    pattern: /\[A-Za-z_\]\[A-Za-z0-9_\]\*/,
    home: ['model/lambda-limits.ts'],
  },
];

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const THIS_FILE = path.relative(REPO_ROOT, __filename);

function sourceFiles(): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!['node_modules', '.work', '.git', 'cdktf.out', 'reports'].includes(entry.name)) walk(child);
      } else if (/\.(ts|py)$/.test(entry.name) && child !== THIS_FILE) {
        found.push(child);
      }
    }
  };
  walk('');
  return found.sort();
}

const FILES = sourceFiles();

function copiesOf(family: Family): string[] {
  const extensions = family.extensions ?? ['.ts'];
  return FILES.filter((file) => extensions.includes(path.extname(file)))
    .filter((file) => !family.under || family.under.some((top) => file === top || file.startsWith(`${top}/`)))
    .filter((file) => family.pattern.test(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')));
}

describe.each(FAMILIES.map((family) => [family.job, family] as const))('one implementation: %s', (_job, family) => {
  test('no copy outside its home', () => {
    const allowed = [...family.home, ...Object.keys(family.notCopies ?? {})];
    const offenders = copiesOf(family).filter((file) => !allowed.includes(file));
    expect(offenders).toEqual([]);
  });

  test('its home holds the implementation', () => {
    for (const home of family.home) expect(fs.existsSync(path.join(REPO_ROOT, home))).toBe(true);
  });
});
