/**
 * Passes on the pages of one of the SDK's paginators, and stops a remote that hands back a
 * NextToken it gave before (the paginator would ask for the same pages forever): that is an
 * error of the remote, thrown like any failed call, so the region is reported unreachable.
 */
export async function* onceEachToken<P extends { readonly NextToken?: string | undefined }>(pages: AsyncIterable<P>, api: string): AsyncGenerator<P> {
  const seen = new Set<string>();
  for await (const page of pages) {
    yield page;
    const token = page.NextToken;
    if (!token) continue;
    if (seen.has(token)) throw new Error(`${api} returned the NextToken "${token}" twice: paging would never end`);
    seen.add(token);
  }
}
