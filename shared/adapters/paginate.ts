/**
 * Reads every page of a token-paginated AWS list call. Pages may be short or even empty while a
 * token is still returned (GetParametersByPath does this, docs/design.md §5), so only a missing token ends
 * the loop, never the size of a page.
 *
 * @example
 * const roots = await collectPages((NextToken) => client.send(new ListRootsCommand({ NextToken })), (page) => page.Roots);
 */
export const collectPages = async <Page extends { NextToken?: string | undefined }, Item>(
  fetchPage: (nextToken: string | undefined) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[] | undefined,
): Promise<Item[]> => {
  const items: Item[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    items.push(...(itemsOf(page) ?? []));
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return items;
};
