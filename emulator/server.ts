import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError } from './errors.js';
import { type JsonObject, RequestInput, type ServiceDefinition, type ServiceFamily } from './service.js';
import type { StatsRecorder } from './stats.js';

/**
 * The AWS JSON 1.1 front door: `POST /` with `X-Amz-Target: <Prefix>.<Operation>`. One endpoint
 * serves every emulated service; the target prefix picks the service. SNS, which speaks the Query
 * protocol, comes in as a form-encoded `Action=…` body and is answered in XML.
 */

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Each service's name for a malformed request. */
const VALIDATION_CODE: Readonly<Record<ServiceFamily, string>> = {
  organizations: 'InvalidInputException',
  identitystore: 'ValidationException',
  'sso-admin': 'ValidationException',
  ssm: 'ValidationException',
  dynamodb: 'ValidationException',
  events: 'ValidationException',
  sns: 'InvalidParameter',
};

/** SNS speaks the AWS Query protocol: a form-encoded `Action=…` request and an XML answer. */
const SNS_PREFIX = 'AmazonSNS';
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const XML_CONTENT_TYPE = 'text/xml';

const xmlEscape = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The Query answer for a flat result of strings (all SNS `Publish` returns). */
const queryResponse = (action: string, output: unknown): DispatchResponse => {
  const fields = Object.entries((output ?? {}) as Record<string, unknown>)
    .map(([key, value]) => `<${key}>${xmlEscape(String(value))}</${key}>`)
    .join('');
  const requestId = randomUUID();
  return {
    status: 200,
    headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: `<${action}Response xmlns="${SNS_NAMESPACE}"><${action}Result>${fields}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
};

const queryError = (error: AwsServiceError): DispatchResponse => {
  const requestId = randomUUID();
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: error.status,
    headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>${type}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
};

/** Reads a Query request (`Action=Publish&TopicArn=…`) as the target and the JSON body the services take. */
export const fromQuery = (body: string): { target: string; body: string } => {
  const params = new URLSearchParams(body);
  const fields: Record<string, string> = {};
  for (const [key, value] of params) if (key !== 'Action' && key !== 'Version') fields[key] = value;
  return { target: `${SNS_PREFIX}.${params.get('Action') ?? ''}`, body: JSON.stringify(fields) };
};

export interface DispatchResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface DispatcherOptions {
  readonly services: readonly ServiceDefinition[];
  readonly stats: StatsRecorder;
  /** Runs after the call is counted and before the operation: lands due work, injects faults, takes quota. */
  readonly beforeCall: (family: ServiceFamily, operation: string) => void;
  /** A scripted answer that replaces the operation's, if any. */
  readonly scriptedAnswer?: (operation: string) => unknown;
  /** Receives errors that are emulator bugs rather than modeled AWS errors. */
  readonly onInternalError: (error: unknown) => void;
}

export type Dispatcher = (target: string | undefined, body: string) => DispatchResponse;

const errorResponse = (error: AwsServiceError): DispatchResponse => ({
  status: error.status,
  headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': error.code, 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify({ __type: error.code, message: error.message, Message: error.message, ...error.fields }),
});

const parseBody = (body: string): JsonObject => {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new AwsServiceError('SerializationException', 'The request body is not valid JSON.', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as JsonObject;
};

export const createDispatcher = (options: DispatcherOptions): Dispatcher => {
  const byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
  return (target, body) => {
    try {
      const dot = target?.lastIndexOf('.') ?? -1;
      const service = target === undefined || dot < 0 ? undefined : byPrefix.get(target.slice(0, dot));
      const operationName = target?.slice(dot + 1) ?? '';
      const operation = service?.operations[operationName];
      if (service === undefined || operation === undefined) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `The emulator does not implement ${target ?? '(no X-Amz-Target)'}.`,
        );
      }
      options.stats.call(operationName);
      const input = new RequestInput(
        parseBody(body),
        (message) => new AwsServiceError(VALIDATION_CODE[service.family], message),
      );
      options.beforeCall(service.family, operationName);
      const output = options.scriptedAnswer?.(operationName) ?? operation(input);
      if (service.targetPrefix === SNS_PREFIX) return queryResponse(operationName, output);
      return {
        status: 200,
        headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
        body: JSON.stringify(output ?? {}),
      };
    } catch (error) {
      const query = target?.startsWith(`${SNS_PREFIX}.`) === true;
      if (error instanceof AwsServiceError) {
        options.stats.error(error.origin);
        return query ? queryError(error) : errorResponse(error);
      }
      options.onInternalError(error);
      const message = error instanceof Error ? error.message : String(error);
      const internal = new AwsServiceError('InternalServerException', `Emulator error: ${message}`, { status: 500 });
      return query ? queryError(internal) : errorResponse(internal);
    }
  };
};

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const send = (response: ServerResponse, result: DispatchResponse): void => {
  response.writeHead(result.status, { ...result.headers, 'content-length': Buffer.byteLength(result.body) });
  response.end(result.body);
};

export interface HttpServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export const startHttpServer = async (
  dispatch: Dispatcher,
  options: { readonly host: string; readonly port: number; readonly onInternalError: (error: unknown) => void },
): Promise<HttpServer> => {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST' || (request.url ?? '/').split('?')[0] !== '/') {
      request.resume();
      send(
        response,
        errorResponse(new AwsServiceError('UnknownOperationException', 'Only POST / is served.', { status: 404 })),
      );
      return;
    }
    readBody(request).then(
      (body) => {
        const header = request.headers['x-amz-target'];
        const target = Array.isArray(header) ? header[0] : header;
        const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        if (target === undefined && form) {
          const query = fromQuery(body);
          send(response, dispatch(query.target, query.body));
        } else {
          send(response, dispatch(target, body));
        }
      },
      (error: unknown) => {
        options.onInternalError(error);
        response.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
};
