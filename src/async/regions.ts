import { describeError } from '../errors.ts';
import { DeadlineExceeded, withDeadline } from './deadline.ts';

/** Time a region has to answer before it is reported unreachable, in ms. */
export const DEFAULT_REGION_TIMEOUT_MS = 30_000;

/** What each region answered, and why each other region did not. */
export interface RegionResults<T> {
  /** The answer of each region that answered in time, in the order the regions were given. */
  readonly answered: ReadonlyMap<string, T>;
  /** Why a region did not answer: `no answer within N ms`, or the error it threw. */
  readonly failed: ReadonlyMap<string, string>;
  /** What each region in `failed` threw (a DeadlineExceeded when it ran out of time), for callers that tell errors apart. */
  readonly thrown: ReadonlyMap<string, unknown>;
}

/**
 * Runs `read` for every region side by side, each within its own deadline of `timeoutMs`:
 * a region that throws or does not answer in time is listed in `failed` with the reason, and
 * the others go on. Never throws for a region's failure.
 */
export async function forEachRegion<T>(
  regions: Iterable<string>,
  timeoutMs: number,
  read: (region: string, signal: AbortSignal) => Promise<T>,
): Promise<RegionResults<T>> {
  const list = [...new Set(regions)];
  const settled = await Promise.all(
    list.map(async (region) => {
      try {
        return { region, ok: true as const, value: await withDeadline(timeoutMs, (signal) => read(region, signal)) };
      } catch (error) {
        return { region, ok: false as const, error, reason: error instanceof DeadlineExceeded ? error.message : describeError(error) };
      }
    }),
  );
  const answered = new Map<string, T>();
  const failed = new Map<string, string>();
  const thrown = new Map<string, unknown>();
  for (const s of settled) {
    if (s.ok) answered.set(s.region, s.value);
    else {
      failed.set(s.region, s.reason);
      thrown.set(s.region, s.error);
    }
  }
  return { answered, failed, thrown };
}
