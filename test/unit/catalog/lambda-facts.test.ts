/**
 * The single definitions of Lambda facts the catalog, the CDKTF modules and inspection share:
 * the handler format, the secret-looking-variable rule and the local account.
 */
import { HANDLER_PATTERN } from '../../../model/lambda-limits';
import { LOCAL_ACCOUNT_ID, LOCAL_AWS_ENV } from '../../../model/local-aws-account';
import { holdsSecretLiteral, isSecretLookingName } from '../../../model/secret-naming';

describe('HANDLER_PATTERN', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html: `file_name.function_name`;
  // awslambdaric imports everything before the last '.' as a module path (package or folder).
  test.each(['handler.lambda_handler', 'lambda_function.lambda_handler', 'pkg.module.handler', 'src/app.handler', '_private._h'])('accepts %s', (handler) => {
    expect(HANDLER_PATTERN.test(handler)).toBe(true);
  });

  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html: `Handler` matches ^[^\s]+$,
  // so white space is refused by AWS itself; the rest fail at the first invoke in the Python runtime.
  test.each(['handler', 'handler.', '.handler', 'my handler.main', 'handler.main ', '1module.main', 'app-1.main', 'src//app.main'])('refuses %j', (handler) => {
    expect(HANDLER_PATTERN.test(handler)).toBe(false);
  });
});

describe('secret-looking environment variables', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html: credentials, API keys and
  // authorization tokens belong in Secrets Manager, not in environment variables.
  test.each([
    'DB_PASSWORD', 'NEWSAPI_KEY', 'DASHBOARD_API_KEY', 'STRIPE_KEY', 'PRIVATE_KEY', 'GITHUB_TOKEN', 'ACCESS_TOKEN',
    // A secret word that is not the last one: the old suffix rule of the CDKTF modules missed these.
    'DB_PASSWORD_PROD', 'DB_CREDENTIALS', 'SMTP_PASSWD', 'SIGNING_PASSPHRASE',
  ])('%s is named like a secret', (name) => {
    expect(isSecretLookingName(name)).toBe(true);
    expect(holdsSecretLiteral(name, 'f00dfeedf00dfeed')).toBe(true);
  });

  test.each(['NEWSAPI_KEY_SECRET_ARN', 'DASHBOARD_API_KEY_SECRET_ARN', 'KMS_KEY_ID', 'SECRET_NAME', 'TOKEN_URL', 'DYNAMODB_TABLE', 'SNS_TOPIC_ARN', 'MONKEY_MODE'])(
    '%s names a reference or no secret at all',
    (name) => {
      expect(isSecretLookingName(name)).toBe(false);
      expect(holdsSecretLiteral(name, 'anything')).toBe(false);
    },
  );

  test('a secret-looking name holding a reference or nothing is fine', () => {
    expect(holdsSecretLiteral('NEWSAPI_KEY', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:newsapi-key')).toBe(false);
    expect(holdsSecretLiteral('NEWSAPI_KEY', '${aws_secretsmanager_secret.key.arn}')).toBe(false);
    expect(holdsSecretLiteral('NEWSAPI_KEY', '  ')).toBe(false);
  });
});

describe('the local account', () => {
  test('is a 12-digit account id, with fake credentials and a region for every local AWS client', () => {
    expect(LOCAL_ACCOUNT_ID).toMatch(/^\d{12}$/);
    expect(Object.keys(LOCAL_AWS_ENV).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
    // Fake on purpose: nothing that looks like a real key (AKIA...), so no scanner flags it and no real account accepts it.
    expect(LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID).not.toMatch(/^(AKIA|ASIA)/);
  });
});
