import { mapLimit } from '../async/map-limit.ts';
import { forEachRegion } from '../async/regions.ts';
import { CREDENTIAL_HINT, describeError, EvacError, EXIT, isCredentialError } from '../errors.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { type MinMax, type Scaler, type TargetRef, targetKey } from '../scaling/scaler.ts';
import { appendAudit } from '../state/audit-log.ts';

export const DEFAULT_CONCURRENCY = 4;

/** Today's Min/Max per region, or why a region could not be read. */
export interface LiveTargets {
  readonly byRegion: ReadonlyMap<string, ReadonlyMap<string, MinMax>>;
  readonly errors: ReadonlyMap<string, string>;
}

/**
 * Reads every target's Min/Max, regions in parallel, each within `timeoutMs`.
 *
 * @throws EvacError (exit 2) once, with the fix, when the credentials are missing, invalid or
 * denied the read: every target would fail the same way, and running again would not help.
 */
export async function readLiveTargets(scaler: Scaler, targets: readonly { region: string; target: TargetRef }[], timeoutMs: number): Promise<LiveTargets> {
  const byRegion = groupByRegion(targets);
  const results = await forEachRegion(byRegion.keys(), timeoutMs, (region, signal) =>
    scaler.describeTargets(
      region,
      (byRegion.get(region) ?? []).map((i) => i.target),
      { signal },
    ),
  );
  const denied = [...results.thrown].filter(([, error]) => isCredentialError(error)).map(([region, error]) => `${region}: ${describeError(error)}`);
  if (denied.length > 0) {
    denied.sort();
    const same = denied.every((d) => d.slice(d.indexOf(':')) === denied[0]?.slice(denied[0].indexOf(':')));
    const detail = same
      ? `${denied[0]?.slice(denied[0].indexOf(':') + 2)} (${denied.map((d) => d.slice(0, d.indexOf(':'))).join(', ')})`
      : `\n  ${denied.join('\n  ')}`;
    throw new EvacError(`AWS refused the credentials reading the scalable targets, nothing was changed: ${detail}`, {
      exitCode: EXIT.badInput,
      hint: CREDENTIAL_HINT,
    });
  }
  return { byRegion: results.answered, errors: results.failed };
}

export function liveOf(live: LiveTargets, region: string, target: TargetRef): MinMax | undefined {
  return live.byRegion.get(region)?.get(targetKey(target));
}

/** One RegisterScalableTarget call to make. */
export interface ScalingCall<T> {
  readonly region: string;
  readonly service: string;
  readonly target: TargetRef;
  readonly before: MinMax;
  readonly after: MinMax;
  /** Carried through to the result. */
  readonly item: T;
}

export type CallResult<T> = ScalingCall<T> & ({ readonly ok: true } | { readonly ok: false; readonly error: string });

export interface RunCallsOptions<T> {
  readonly scaler: Scaler;
  readonly calls: readonly ScalingCall<T>[];
  readonly action: 'apply' | 'restore';
  readonly stateDir: string;
  readonly snapshotId: string;
  /** Calls in flight per region; regions run side by side. */
  readonly concurrency: number;
  readonly now: () => Date;
  readonly onResult?: (result: CallResult<T>) => void;
}

/**
 * Makes the calls, at most `concurrency` at a time in each region, all regions at once. The
 * SDK retries throttling, 429 and 5xx with backoff and jitter; a call that still fails is
 * returned as failed and the others go on. Every call ends in one audit line.
 */
export async function runScalingCalls<T>(options: RunCallsOptions<T>): Promise<CallResult<T>[]> {
  const byRegion = groupByRegion(options.calls);
  const results: CallResult<T>[] = [];
  // After one call is refused for its credentials, the rest would be too: they are not made.
  let denied: string | undefined;
  await Promise.all(
    [...byRegion.values()].map((calls) =>
      mapLimit(calls, options.concurrency, async (call) => {
        let result: CallResult<T>;
        if (denied !== undefined) {
          result = { ...call, ok: false, error: `not attempted: an earlier call was refused (${denied})` };
          results.push(result);
          options.onResult?.(result);
          return;
        }
        try {
          await options.scaler.setCapacity(call.region, call.target, call.after);
          result = { ...call, ok: true };
        } catch (error) {
          result = { ...call, ok: false, error: describeError(error) };
          if (isCredentialError(error)) denied ??= describeError(error);
        }
        appendAudit(options.stateDir, {
          time: options.now().toISOString(),
          action: options.action,
          snapshot: options.snapshotId,
          region: call.region,
          service: call.service,
          serviceNamespace: call.target.serviceNamespace,
          resourceId: call.target.resourceId,
          scalableDimension: call.target.scalableDimension,
          before: call.before,
          after: call.after,
          result: result.ok ? 'ok' : 'error',
          ...(result.ok ? {} : { error: result.error }),
        });
        results.push(result);
        options.onResult?.(result);
      }),
    ),
  );
  return results;
}

export function groupByRegion<I extends { readonly region: string }>(items: readonly I[]): Map<string, I[]> {
  const groups = new Map<string, I[]>();
  for (const item of items) getOrInsert(groups, item.region, () => []).push(item);
  return groups;
}
