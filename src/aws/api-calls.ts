import type { FinalizeHandlerArguments, HandlerExecutionContext, InitializeHandlerArguments, MiddlewareStack } from '@smithy/types';
import { compareNames } from '../model/name-order.ts';

/**
 * Counts AWS API calls by API name (`GetMetricData`, `DescribeScalableTargets`...): `calls`
 * are what evac asked for, `attempts` the HTTP requests sent, retries included.
 */
export class ApiCallCounter {
  private readonly callCounts = new Map<string, number>();
  private readonly attemptCounts = new Map<string, number>();
  private readonly regionCounts = new Map<string, number>();

  /** Adds the counting middleware to an SDK client's stack. */
  attach<I extends object, O extends object>(stack: MiddlewareStack<I, O>, region: string): void {
    stack.add(
      (next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<I>) => {
        const api = apiName(context);
        this.callCounts.set(api, (this.callCounts.get(api) ?? 0) + 1);
        this.regionCounts.set(region, (this.regionCounts.get(region) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'evacCallCounter' },
    );
    // The retry middleware sits at the high-priority end of finalizeRequest: this runs once per attempt.
    stack.add(
      (next, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<I>) => {
        const api = apiName(context);
        this.attemptCounts.set(api, (this.attemptCounts.get(api) ?? 0) + 1);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'evacAttemptCounter' },
    );
  }

  /** Calls by API name. */
  calls(): Record<string, number> {
    return Object.fromEntries([...this.callCounts].sort(([a], [b]) => compareNames(a, b)));
  }

  /** HTTP attempts by API name (calls plus retries). */
  attempts(): Record<string, number> {
    return Object.fromEntries([...this.attemptCounts].sort(([a], [b]) => compareNames(a, b)));
  }

  /** Calls by region. */
  byRegion(): Record<string, number> {
    return Object.fromEntries([...this.regionCounts].sort(([a], [b]) => compareNames(a, b)));
  }

  total(): number {
    let n = 0;
    for (const v of this.callCounts.values()) n += v;
    return n;
  }
}

function apiName(context: HandlerExecutionContext): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}
