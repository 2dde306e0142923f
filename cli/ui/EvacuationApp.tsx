import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Plan } from '../../src/report/plan-schema.ts';
import { PlanBrowser } from './PlanBrowser.tsx';
import { orderEntries, PLAN_ORDERS, type PlanOrder } from './plan-order.ts';

export interface EvacuationAppProps {
  /** Regions that may fail (the keys of `steering`), in the order ←/→ cycles through them. */
  readonly failedRegions: readonly string[];
  readonly initialFailed: string;
  /** Computes the plan of one failed region; called again when the user switches region. */
  readonly loadPlan: (failedRegion: string) => Promise<Plan>;
  /** Rows of the service list (default 15). */
  readonly listHeight?: number;
}

type State = { readonly status: 'loading' } | { readonly status: 'ready'; readonly plan: Plan } | { readonly status: 'error'; readonly message: string };

/**
 * The incident view: plans for one failed region at a time. Keys: ←/→ failed region, ↑/↓ (or
 * k/j) service, s sort order, q quit. All state and async work live here; the children render.
 */
export function EvacuationApp({ failedRegions, initialFailed, loadPlan, listHeight = 15 }: EvacuationAppProps) {
  const { exit } = useApp();
  const [failed, setFailed] = useState(initialFailed);
  const [state, setState] = useState<State>({ status: 'loading' });
  const [selected, setSelected] = useState(0);
  const [order, setOrder] = useState<PlanOrder>('risk');

  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    loadPlan(failed).then(
      (plan) => live && setState({ status: 'ready', plan }),
      (error: unknown) => live && setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [failed, loadPlan]);

  const entries = useMemo(() => (state.status === 'ready' ? orderEntries(state.plan.services, order) : []), [state, order]);
  // The input handler may outlive a render; it reads the list length from here, never a stale copy.
  const count = useRef(0);
  count.current = entries.length;

  useInput((input, key) => {
    if (input === 'q' || key.escape) exit();
    else if (key.leftArrow || key.rightArrow) {
      const i = failedRegions.indexOf(failed);
      const next = failedRegions[(i + (key.rightArrow ? 1 : failedRegions.length - 1)) % failedRegions.length];
      if (next !== undefined && next !== failed) {
        setFailed(next);
        setSelected(0);
      }
    } else if (key.downArrow || input === 'j') setSelected((s) => Math.max(0, Math.min(count.current - 1, s + 1)));
    else if (key.upArrow || input === 'k') setSelected((s) => Math.max(0, s - 1));
    else if (input === 's') {
      setOrder((o) => PLAN_ORDERS[(PLAN_ORDERS.indexOf(o) + 1) % PLAN_ORDERS.length] ?? 'risk');
      setSelected(0);
    }
  });

  return (
    <Box flexDirection="column">
      <Text dimColor>
        failed region: {failedRegions.map((r) => (r === failed ? `[${r}]` : r)).join(' ')} | ←/→ region ↑/↓ service s sort q quit
      </Text>
      {state.status === 'loading' ? <Text>Planning the evacuation of {failed}...</Text> : null}
      {state.status === 'error' ? <Text color="red">Cannot plan {failed}: {state.message}</Text> : null}
      {state.status === 'ready' ? <PlanBrowser plan={state.plan} entries={entries} selected={selected} order={order} listHeight={listHeight} /> : null}
    </Box>
  );
}
