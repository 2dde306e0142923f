import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';

/**
 * A source that loads once and answers every later request with that first result, so a
 * report that plans many scenarios parses the CSV files (or calls CloudWatch) once.
 *
 * The first request must cover what the later ones need: every scope, and the earliest
 * `from` (sources may return more than asked, never less). `buildReport` makes it so by
 * asking first for every region's scopes over the lookback window plus a day.
 */
export class MemoSource implements DataSource {
  private first: Promise<LoadResult> | undefined;
  private calls = 0;

  constructor(private readonly inner: DataSource) {}

  load(request: LoadRequest): Promise<LoadResult> {
    this.calls += 1;
    // The first load answers every later request: it must hold every bucket, not the first's.
    const { buckets: _, ...whole } = request;
    this.first ??= this.inner.load(whole);
    return this.first;
  }

  /** How many loads were asked of this source (the inner one was asked once). */
  get requests(): number {
    return this.calls;
  }
}
