/**
 * SNS -> Lambda locally: an HTTP endpoint subscribed to the local topic. The moto server POSTs
 * each notification to HTTP subscriptions (server mode, synchronously inside Publish); the bridge
 * answers 200 at once, like an SNS endpoint should, then hands the function the same event shape
 * Lambda's SNS trigger delivers. Delivery is asynchronous, as with real SNS: the publisher
 * (ingestion) does not wait for the analysis to finish.
 */
import { randomUUID } from 'node:crypto';
import { close, createHttpServer, listen, readBody } from '../emulator/http-listen';
import { runLocalAws } from './local-aws-cli';

/** The event Lambda passes to an SNS-triggered function. */
export interface SnsLambdaEvent {
  readonly Records: readonly {
    readonly EventSource: 'aws:sns';
    readonly EventVersion: '1.0';
    readonly EventSubscriptionArn: string;
    readonly Sns: {
      readonly Type: 'Notification';
      readonly MessageId: string;
      readonly TopicArn: string;
      readonly Subject: string | null;
      readonly Message: string;
      readonly Timestamp: string;
      readonly SignatureVersion: string;
      readonly Signature: string;
      readonly SigningCertUrl: string;
      readonly UnsubscribeUrl: string;
      readonly MessageAttributes: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
    };
  }[];
}

export interface SnsHttpBridgeOptions {
  /** The local AWS endpoint (`MotoServer.endpoint`). */
  readonly endpoint: string;
  readonly topicArn: string;
  /** Called once per notification; the lead passes the analysis function's invoke. */
  readonly onEvent: (event: SnsLambdaEvent) => Promise<void>;
  /** Told about confirmations, deliveries and callback failures. @default discarded */
  readonly log?: (line: string) => void;
  /** @default a free port chosen by the OS */
  readonly port?: number;
}

export interface SnsDelivery {
  readonly messageId: string;
  readonly message: string;
  readonly ok: boolean;
  /** The callback's error message when it rejected. */
  readonly error?: string;
}

export interface SnsHttpBridge {
  /** `http://127.0.0.1:<port>/sns`: the subscribed endpoint. */
  readonly url: string;
  readonly subscriptionArn: string;
  /** Notifications whose callback has settled, in completion order. */
  readonly deliveries: readonly SnsDelivery[];
  /** Notifications received whose callback has not settled yet. */
  readonly pending: number;
  /** Resolves when no callback is running (call after the publisher returned). */
  idle(): Promise<void>;
  /** Unsubscribes (when the server still answers), stops listening, waits for running callbacks. */
  stop(): Promise<void>;
}

interface SnsHttpMessage {
  readonly Type?: string;
  readonly MessageId?: string;
  readonly TopicArn?: string;
  readonly Subject?: string;
  readonly Message?: string;
  readonly Timestamp?: string;
  readonly SignatureVersion?: string;
  readonly Signature?: string;
  readonly SigningCertURL?: string;
  readonly UnsubscribeURL?: string;
  readonly SubscribeURL?: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export async function startSnsHttpBridge(options: SnsHttpBridgeOptions): Promise<SnsHttpBridge> {
  if (!options.topicArn?.startsWith('arn:aws:sns:')) {
    throw new Error(`startSnsHttpBridge: topicArn must be an SNS topic ARN (arn:aws:sns:...), got '${options.topicArn}'.`);
  }
  if (typeof options.onEvent !== 'function') {
    throw new Error('startSnsHttpBridge: onEvent must be a function (event) => Promise<void>.');
  }
  const log = options.log ?? (() => undefined);
  const deliveries: SnsDelivery[] = [];
  const running = new Set<Promise<void>>();
  let subscriptionArn = '';
  let idleWaiters: (() => void)[] = [];

  const settle = (): void => {
    if (running.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  };

  const deliver = (message: SnsHttpMessage): void => {
    const event = toLambdaEvent(message, subscriptionArn || `${options.topicArn}:${randomUUID()}`);
    const messageId = message.MessageId ?? '';
    const task = (async () => {
      try {
        await options.onEvent(event);
        deliveries.push({ messageId, message: message.Message ?? '', ok: true });
        log(`SNS bridge: delivered ${messageId}`);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        deliveries.push({ messageId, message: message.Message ?? '', ok: false, error: text });
        log(`SNS bridge: the function failed on ${messageId}: ${text}`);
      }
    })();
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      settle();
    });
  };

  // SNS messages are at most 256 KB; a little more leaves room for the envelope.
  const MAX_MESSAGE_BYTES = 512 * 1024;
  const server = createHttpServer({ what: 'SNS bridge', log }, async (request, response) => {
    const body = await readBody(request, MAX_MESSAGE_BYTES);
    let message: SnsHttpMessage;
    try {
      if (body.tooLarge) throw new Error('too large');
      message = JSON.parse(body.data.toString('utf8')) as SnsHttpMessage;
    } catch {
      log('SNS bridge: ignored a request whose body is not an SNS JSON message');
      response.writeHead(400).end('expected an SNS JSON message');
      return;
    }
    // Real SNS names the type in a header; moto only in the body.
    const type = (request.headers['x-amz-sns-message-type'] as string | undefined) ?? message.Type;
    response.writeHead(200).end();
    if (type === 'SubscriptionConfirmation' && message.SubscribeURL) {
      log(`SNS bridge: confirming subscription via ${message.SubscribeURL}`);
      void fetch(message.SubscribeURL).catch((error: Error) => log(`SNS bridge: confirmation failed: ${error.message}`));
    } else if (type === 'Notification') {
      deliver(message);
    } else {
      log(`SNS bridge: ignored a message of type '${type}'`);
    }
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1', 'SNS bridge');
  const url = `http://127.0.0.1:${port}/sns`;

  try {
    ({ subscriptionArn } = await runLocalAws<{ subscriptionArn: string }>(options.endpoint, 'subscribe-http', {
      topicArn: options.topicArn,
      endpointUrl: url,
    }));
  } catch (error) {
    await close(server);
    throw error;
  }
  log(`SNS bridge: ${url} subscribed to ${options.topicArn} (${subscriptionArn})`);

  const idle = (): Promise<void> =>
    running.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));
  let stopping: Promise<void> | undefined;

  return {
    url,
    subscriptionArn,
    get deliveries() {
      return deliveries;
    },
    get pending() {
      return running.size;
    },
    idle,
    stop: () =>
      (stopping ??= (async () => {
        await runLocalAws(options.endpoint, 'unsubscribe', { subscriptionArn }).catch(() => undefined);
        await close(server);
        await idle();
      })()),
  };
}

function toLambdaEvent(message: SnsHttpMessage, subscriptionArn: string): SnsLambdaEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: message.MessageId ?? randomUUID(),
          TopicArn: message.TopicArn ?? '',
          Subject: message.Subject ?? null,
          Message: message.Message ?? '',
          Timestamp: message.Timestamp ?? new Date().toISOString(),
          SignatureVersion: message.SignatureVersion ?? '1',
          Signature: message.Signature ?? '',
          // The Lambda event spells these Url, the HTTP message URL.
          SigningCertUrl: message.SigningCertURL ?? '',
          UnsubscribeUrl: message.UnsubscribeURL ?? '',
          MessageAttributes: message.MessageAttributes ?? {},
        },
      },
    ],
  };
}
