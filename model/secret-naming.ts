/**
 * Which environment variables look like they hold a secret: the one rule, shared by the CDKTF
 * modules (refused at synth) and static inspection (refused before boot).
 *
 * AWS: "we recommend that you use AWS Secrets Manager instead of environment variables to store
 * database credentials and other sensitive information like API keys or authorization tokens"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html). So a name is
 * secret-looking when one of its `_`-separated words names a credential, a key or a token
 * (`DB_PASSWORD`, `STRIPE_KEY`, `PRIVATE_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD_PROD`), not only when
 * it ends in one; and it is fine when the name says it holds a pointer to the secret
 * (`NEWSAPI_KEY_SECRET_ARN`, `KMS_KEY_ID`) or the value is one (an ARN, a Terraform reference).
 */

/** A word of the name is a credential, a key or a token. */
const SECRET_WORD = /(^|_)(KEY|APIKEY|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|PRIVATE_KEY|TOKEN|[A-Z]*TOKEN)($|_)/i;
/** Names that hold a pointer to a secret, not the secret. */
const REFERENCE_NAME = /_(ARN|NAME|ID|PATH|FILE|URL|URI|PREFIX|HEADER|PARAM|PARAMETER|ENDPOINT|REGION)$/i;
/** Values that point at a secret (Secrets Manager, SSM, KMS ARNs; CloudFormation and Terraform references). */
const REFERENCE_VALUE = /^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\$\{)/;

/** The name says it holds a secret itself (not a reference to one). */
export function isSecretLookingName(name: string): boolean {
  return SECRET_WORD.test(name) && !REFERENCE_NAME.test(name);
}

/** A secret-looking name holding a literal value: what belongs in Secrets Manager instead. */
export function holdsSecretLiteral(name: string, value: string): boolean {
  return isSecretLookingName(name) && value.trim() !== '' && !REFERENCE_VALUE.test(value);
}
