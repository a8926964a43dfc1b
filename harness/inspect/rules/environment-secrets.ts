/**
 * Secrets come from Secrets Manager, never plaintext environment variables (DESIGN.md): a
 * variable named like a secret must hold a reference (an ARN), not the value (the naming rule the
 * modules also apply at synth: model/secret-naming.ts); and no value may look like a credential
 * whatever its name.
 */
import { holdsSecretLiteral } from '../../../model/secret-naming';
import { Evidence, InspectionRule } from '../types';
import { fail, pass } from '../verdict';

const CREDENTIAL_PATTERNS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'an AWS access key id', pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/ },
  { name: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
];

/** Shows enough of a value to recognise it, not enough to use it. */
export function redact(value: string): string {
  if (value.length <= 6) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(Math.min(value.length - 4, 12))} (${value.length} chars)`;
}

export const environmentSecretsRule: InspectionRule = {
  id: 'environment-secrets',
  description: 'No secret-looking values in environment variables',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    const sources: { origin: string; env: Readonly<Record<string, string>> }[] = [
      { origin: 'function environment', env: target.environment ?? {} },
    ];
    if (view.image) sources.push({ origin: 'image ENV', env: view.image.env });
    const findings: Evidence[] = [];
    let checked = 0;
    for (const { origin, env } of sources) {
      for (const [name, value] of Object.entries(env)) {
        checked += 1;
        const credential = CREDENTIAL_PATTERNS.find((item) => item.pattern.test(value));
        if (credential) {
          findings.push({ file: `(${origin})`, detail: `${name} holds what looks like ${credential.name}: ${redact(value)}` });
        } else if (holdsSecretLiteral(name, value)) {
          findings.push({ file: `(${origin})`, detail: `${name} is named like a secret and holds a literal value: ${redact(value)}` });
        }
      }
    }
    if (findings.length === 0) return pass(this.id, `${checked} environment variables, none holds a secret-looking value`);
    return fail(
      this.id,
      `${findings.length} environment variable${findings.length === 1 ? '' : 's'} hold${findings.length === 1 ? 's' : ''} secret-looking values: ` +
        'anyone who can read the function configuration can read them',
      findings,
      'Store the value in Secrets Manager, pass its ARN (e.g. DASHBOARD_API_KEY_SECRET_ARN) and read it at init; ' +
        'rotate any credential that was already exposed.',
    );
  },
};
