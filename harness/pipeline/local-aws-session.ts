/**
 * The local stand-ins for everything a function talks to: a real moto server seeded with the
 * catalog's data stores, and the NewsAPI mock (a third party). Started once per verify/emulate run.
 */
import { randomBytes } from 'node:crypto';
import { EnvironmentValue } from '../../model/function-spec';
import { FakeNewsApi, NewsApiArticle, startFakeNewsApi } from '../local-aws/fake-newsapi';
import { MotoServer, startMotoServer } from '../local-aws/moto-server';
import { LOCAL_AWS_ENV } from '../../model/local-aws-account';
import { SeededLocalAws, seedLocalAws } from '../local-aws/seed-local-aws';
import { ProgressLog, timedStep } from '../build/progress';

export interface LocalAwsSessionProps {
  /** Articles the NewsAPI mock serves. @default [] */
  readonly articles?: readonly (NewsApiArticle | Record<string, unknown>)[];
  /** Value of the dashboard API key secret. @default random */
  readonly dashboardApiKey?: string;
  /** Functions whose on-failure SQS queue the local server must hold. @default [] */
  readonly deadLetterQueuesFor?: readonly string[];
  /** Also build and upload the tiny model archive to the local S3. @default false */
  readonly withModel?: boolean;
  readonly log: ProgressLog;
}

export interface LocalAwsSession {
  readonly moto: MotoServer;
  readonly seeded: SeededLocalAws;
  readonly newsApi: FakeNewsApi;
  readonly dashboardApiKey: string;
  /** Environment every function container gets so boto3 talks to the local server. */
  readonly awsEnvironment: Readonly<Record<string, string>>;
  /** The local value of a catalog environment reference. */
  resolveRef(value: Exclude<EnvironmentValue, string>): string;
  stop(): Promise<void>;
}

export async function startLocalAwsSession(props: LocalAwsSessionProps): Promise<LocalAwsSession> {
  const { log } = props;
  const moto = await timedStep(log, '[local-aws]', 'starting the moto server', () => startMotoServer());
  const stops: (() => Promise<void>)[] = [() => moto.stop()];
  try {
    const dashboardApiKey = props.dashboardApiKey ?? `local-${randomBytes(12).toString('hex')}`;
    const newsApiKey = `newsapi-${randomBytes(8).toString('hex')}`;
    const seeded = await seedLocalAws({ endpoint: moto.endpoint, dashboardApiKey, newsApiKey, deadLetterQueuesFor: props.deadLetterQueuesFor });
    const newsApi = await startFakeNewsApi({ apiKey: newsApiKey, articles: props.articles ?? [] });
    stops.unshift(() => newsApi.stop());
    if (props.withModel) {
      const { uploadModel } = await import('../local-aws/upload-model');
      await timedStep(log, '[local-aws]', 'uploading the tiny model archive', () =>
        uploadModel({ endpoint: moto.endpoint, log: (line: string) => log(`[local-aws]   ${line}`) }));
    }
    log(`[local-aws] moto ${moto.endpoint}, table ${seeded.tableName}, NewsAPI mock ${newsApi.baseUrl}`);
    return {
      moto,
      seeded,
      newsApi,
      dashboardApiKey,
      awsEnvironment: { ...LOCAL_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint },
      resolveRef(value) {
        switch (value.ref) {
          case 'table-name': return seeded.tableName;
          case 'topic-arn': return seeded.topicArn;
          case 'model-s3-uri': return seeded.names.modelS3Uri;
          case 'environment-name': return seeded.names.environment;
          case 'newsapi-base-url': return newsApi.baseUrl;
          case 'secret-arn': return seeded.secretArns[value.secret];
        }
      },
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: readonly (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(stops.map((stop) => stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
