/**
 * The local AWS account: what `npm run emulate`, the tests, offline plans and the Terraform
 * rehearsal against moto all use in place of a real account. One definition, so an ARN built by
 * the emulator, one moto returns and one an offline plan computes name the same account.
 */

/** moto's default account (http://docs.getmoto.org/en/latest/docs/multi_account.html), used for offline plans too. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/** The region of everything local. */
export const LOCAL_REGION = 'us-east-1';

/**
 * Credentials for the local AWS server and offline plans: moto accepts any, real AWS refuses these
 * (moto's documented convention, http://docs.getmoto.org/en/latest/docs/getting_started.html), and
 * they look like no real key, so no secret scanner mistakes them for one.
 */
export const LOCAL_AWS_CREDENTIALS = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
  sessionToken: 'testing',
} as const;

/** The same, as the environment every AWS SDK and CLI reads. */
export const LOCAL_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: LOCAL_AWS_CREDENTIALS.sessionToken,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_REGION: LOCAL_REGION,
};
