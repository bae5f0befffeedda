import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../emulator/errors.js';
import { bestEffortPageLength, type PageOptions, paginate } from '../../emulator/pagination.js';

const options = (overrides: Partial<PageOptions> = {}): PageOptions => ({
  scope: 'List',
  nextToken: undefined,
  maxResults: undefined,
  pageSize: 4,
  invalidToken: (message, cause) => new AwsServiceError('InvalidToken', message, { cause }),
  invalidInput: (message) => new AwsServiceError('Invalid', message),
  ...overrides,
});

const walk = (items: readonly number[], base: Partial<PageOptions>) => {
  const pages: number[][] = [];
  let nextToken: string | undefined;
  do {
    const page = paginate(items, options({ ...base, nextToken }));
    pages.push(page.items);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return pages;
};

describe('paginate', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);

  it.each([
    [undefined, [4, 4, 2]],
    [3, [3, 3, 3, 1]],
    [50, [4, 4, 2]],
  ])('pages with MaxResults %s as %j', (maxResults, lengths) => {
    expect(walk(items, { maxResults }).map((p) => p.length)).toEqual(lengths);
  });

  it('returns no token on the last page', () => {
    expect(paginate([1, 2], options()).nextToken).toBeUndefined();
  });

  it.each([0, -1, 1.5, '3'])('refuses MaxResults %j', (maxResults) => {
    expect(() => paginate(items, options({ maxResults }))).toThrow(AwsServiceError);
  });

  it('refuses MaxResults above the operation maximum', () => {
    expect(() => paginate(items, options({ maxResults: 11, maxAllowed: 10 }))).toThrow(/less than or equal to 10/);
  });

  it.each(['garbage', Buffer.from('{"s":"List","o":-1,"p":2}').toString('base64url')])(
    'refuses the token %s',
    (nextToken) => {
      expect(() => paginate(items, options({ nextToken }))).toThrow(AwsServiceError);
    },
  );

  it('refuses a token issued for another scope', () => {
    const { nextToken } = paginate(items, options({ scope: 'A' }));

    expect(() => paginate(items, options({ scope: 'B', nextToken }))).toThrow(AwsServiceError);
  });

  it('returns short and empty pages with tokens under best-effort paging, and every item once', () => {
    const pages = walk(items, { pageLength: bestEffortPageLength, pageSize: 4 });

    expect(pages.map((p) => p.length)).toEqual([4, 2, 0, 4]);
    expect(pages.flat()).toEqual(items);
  });
});
