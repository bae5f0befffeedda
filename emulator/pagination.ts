import type { AwsServiceError } from './errors.js';

/**
 * Offset pagination with opaque tokens. A token carries the offset, the page number and a scope
 * string (operation plus the request's filter parameters), so a token from one listing is refused by
 * another, as AWS refuses foreign tokens.
 */

export interface PageOptions {
  /** Operation and filter parameters that a token is valid for. */
  readonly scope: string;
  /** The request's `NextToken`, as received. */
  readonly nextToken: unknown;
  /** The request's `MaxResults`, as received. */
  readonly maxResults: unknown;
  /** The emulator's largest page. */
  readonly pageSize: number;
  /** The operation's documented upper bound for `MaxResults`; above it the request is invalid. */
  readonly maxAllowed?: number;
  /**
   * How many items page `pageNumber` (1-based) holds when the limit is `limit`; defaults to `limit`.
   * Used to model best-effort paging (short and empty pages that still carry a token).
   */
  readonly pageLength?: (pageNumber: number, limit: number) => number;
  readonly invalidToken: (message: string, cause?: unknown) => AwsServiceError;
  readonly invalidInput: (message: string) => AwsServiceError;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

interface TokenState {
  readonly s: string;
  readonly o: number;
  readonly p: number;
}

const encodeToken = (state: TokenState): string => Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');

const parseToken = (token: string): unknown => JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));

const decodeToken = (token: string, options: PageOptions): TokenState => {
  let parsed: unknown;
  try {
    parsed = parseToken(token);
  } catch (error) {
    throw options.invalidToken('The specified NextToken is not valid.', error);
  }
  const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const { s, o, p } = fields;
  if (s !== options.scope || typeof o !== 'number' || typeof p !== 'number') {
    throw options.invalidToken('The specified NextToken is not valid.');
  }
  if (!Number.isInteger(o) || !Number.isInteger(p) || o < 0 || p < 2) {
    throw options.invalidToken('The specified NextToken is not valid.');
  }
  return { s, o, p };
};

/** The effective page limit: `min(MaxResults, pageSize)`, after checking `MaxResults`. */
export const pageLimit = (options: Pick<PageOptions, 'maxResults' | 'pageSize' | 'maxAllowed' | 'invalidInput'>) => {
  const { maxResults, pageSize, maxAllowed, invalidInput } = options;
  if (maxResults === undefined || maxResults === null) return pageSize;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1) {
    throw invalidInput(`MaxResults must be a positive integer, got ${JSON.stringify(maxResults)}`);
  }
  if (maxAllowed !== undefined && maxResults > maxAllowed) {
    throw invalidInput(
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${maxAllowed}`,
    );
  }
  return Math.min(maxResults, pageSize);
};

export const paginate = <T>(items: readonly T[], options: PageOptions): Page<T> => {
  const limit = pageLimit(options);
  let offset = 0;
  let pageNumber = 1;
  if (options.nextToken !== undefined && options.nextToken !== null && options.nextToken !== '') {
    if (typeof options.nextToken !== 'string') throw options.invalidToken('The NextToken is not a string.');
    const state = decodeToken(options.nextToken, options);
    offset = state.o;
    pageNumber = state.p;
  }
  const wanted = options.pageLength ? options.pageLength(pageNumber, limit) : limit;
  const length = Math.max(0, Math.min(limit, wanted));
  const end = Math.min(items.length, offset + length);
  const page = items.slice(offset, end);
  if (end >= items.length) return { items: page };
  return { items: page, nextToken: encodeToken({ s: options.scope, o: end, p: pageNumber + 1 }) };
};

/**
 * Best-effort paging as `GetParametersByPath` documents it: every third page is empty and the
 * page after a full one is short, each still with a `NextToken` while results remain.
 */
export const bestEffortPageLength = (pageNumber: number, limit: number): number => {
  if (pageNumber % 3 === 0) return 0;
  if (pageNumber % 3 === 2) return Math.max(1, Math.floor(limit / 2));
  return limit;
};
