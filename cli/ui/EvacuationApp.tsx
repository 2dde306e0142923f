import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Plan, PlanEntry } from '../../src/report/plan-schema.ts';
import { unreachableNote } from '../../src/report/plan-text.ts';
import type { DayProfile } from '../../src/services/day-profile.ts';
import type { StatusResult } from '../../src/services/status.ts';
import { renderChanges, renderOutcomeLine } from '../render/scaling-text.ts';
import type { CockpitActions, CockpitPlanner } from './cockpit-actions.ts';
import { type CockpitState, type Effect, initialState, type KeyContext, reduceKey } from './cockpit-state.ts';
import { DayChart } from './DayChart.tsx';
import { EntryDetail, EntrySummary } from './EntryDetail.tsx';
import { EntryList } from './EntryList.tsx';
import { Header } from './Header.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { keyPresses } from './keys.ts';
import { type Failure, ProgressView } from './ProgressView.tsx';
import { ORDER_LABELS, type PlanOrder, visibleEntries } from './plan-order.ts';
import { type Review, ReviewView } from './ReviewView.tsx';
import { regionProgress } from './region-progress.ts';
import { StatusLine } from './StatusLine.tsx';

export interface EvacuationAppProps {
  /** Regions that may fail (the keys of `steering`), in the order ←/→ cycles through them. */
  readonly failedRegions: readonly string[];
  readonly initialFailed: string;
  /** Planned time to start with, epoch seconds. */
  readonly initialAt: number;
  readonly initialWindow?: number;
  /** The plan of the first view, when it was made before the UI opened (bad data exits first). */
  readonly initialPlan?: Plan;
  readonly planner: CockpitPlanner;
  readonly actions: CockpitActions;
  /** Shown in the header: files, precomputed DIR, AWS. */
  readonly sourceLabel: string;
  /** Colour for risk; false under NO_COLOR or when stdout is not a terminal. */
  readonly color: boolean;
  /** Terminal size; by default the stdout's, following resizes. Tests fix it. */
  readonly size?: { readonly columns: number; readonly rows: number };
  /** Now, epoch seconds (the data's age, `t now`). */
  readonly now?: () => number;
  /** Time between status polls in the progress view. Default 5 s. */
  readonly pollIntervalMs?: number;
}

type PlanState = { readonly key: string; readonly plan: Plan | null; readonly error: string | null; readonly loading: boolean };

interface Run {
  readonly action: 'apply' | 'restore';
  readonly running: boolean;
  readonly summary: string | null;
  readonly failures: readonly Failure[];
  /** Only watching a pre-scaling this session did not start (`p`). */
  readonly watching?: boolean;
}

const requestKey = (failed: string, at: number, window: number, generation = 0) => `${failed}|${at}|${window}|${generation}`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The incident cockpit. All state and async work live here (plans, the picture of the day,
 * reviews, apply/restore and status polling, through the ports it is given); the children
 * only render finished data. Keys go through `reduceKey` one keypress at a time.
 */
export function EvacuationApp(props: EvacuationAppProps) {
  const { failedRegions, planner, actions, color } = props;
  const { exit } = useApp();
  const { stdout } = useStdout();
  const now = props.now ?? (() => Date.now() / 1000);
  const [termSize, setTermSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    if (props.size) return;
    const onResize = () => setTermSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, props.size]);
  const { columns, rows } = props.size ?? termSize;

  const [ui, setUi] = useState<CockpitState>(() => initialState(props.initialFailed, props.initialAt, props.initialWindow ?? 0));
  const uiRef = useRef(ui);
  const initialKey = requestKey(props.initialFailed, props.initialAt, props.initialWindow ?? 0);
  const [planState, setPlanState] = useState<PlanState>(
    props.initialPlan ? { key: initialKey, plan: props.initialPlan, error: null, loading: false } : { key: initialKey, plan: null, error: null, loading: true },
  );
  const cache = useRef(new Map<string, Plan>(props.initialPlan ? [[initialKey, props.initialPlan]] : []));
  const [profile, setProfile] = useState<{ key: string; profile: DayProfile | null; error: string | null } | null>(null);
  const [review, setReview] = useState<Review>({ status: 'loading' });
  const [confirmWord, setConfirmWord] = useState(props.initialFailed);
  const [run, setRun] = useState<Run | null>(null);
  const [status, setStatus] = useState<{ result: StatusResult | null; error: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const appliedPlan = useRef<Plan | null>(null);

  // Plans: recomputed when the failed region, time or window changes; the old table stays, marked.
  const [generation, setGeneration] = useState(0);
  const wanted = requestKey(ui.failed, ui.at, ui.windowMinutes, generation);
  useEffect(() => {
    const cached = cache.current.get(wanted);
    if (cached) {
      setPlanState({ key: wanted, plan: cached, error: null, loading: false });
      return;
    }
    let live = true;
    setPlanState((p) => ({ ...p, loading: true }));
    const [failed, at, window] = [ui.failed, ui.at, ui.windowMinutes];
    planner.plan({ failedRegion: failed, at, windowMinutes: window }).then(
      (plan) => {
        cache.current.set(wanted, plan);
        if (live) setPlanState({ key: wanted, plan, error: null, loading: false });
      },
      (e: unknown) => live && setPlanState((p) => ({ ...p, key: wanted, error: message(e), loading: false })),
    );
    return () => {
      live = false;
    };
  }, [wanted, planner, ui.failed, ui.at, ui.windowMinutes]);

  // A plan made before for this region, time and window is shown at once (no flash of the old one).
  const current = cache.current.get(wanted) ?? (planState.key === wanted && !planState.loading ? planState.plan : null);
  const shown = current ?? planState.plan;
  // Filtered, ordered entries per (order, filter) of the plan shown: a keypress never sorts twice.
  const visible = useMemo(() => {
    const memo = new Map<string, PlanEntry[]>();
    return (order: PlanOrder, filter: string): PlanEntry[] => {
      const k = `${order}|${filter}`;
      let v = memo.get(k);
      if (!v) {
        v = shown ? visibleEntries(shown.services, order, filter) : [];
        memo.set(k, v);
      }
      return v;
    };
  }, [shown]);
  const entries = visible(ui.order, ui.filter);
  const selected = entries[Math.min(ui.selected, Math.max(0, entries.length - 1))];

  // The picture of the day for the detail view.
  const profileKey = current && selected && ui.view === 'detail' ? `${wanted}|${selected.service}|${selected.region}` : null;
  useEffect(() => {
    if (profileKey === null || !current || !selected) return;
    let live = true;
    planner.dayProfile(current, selected).then(
      (p) => live && setProfile({ key: profileKey, profile: p, error: null }),
      (e: unknown) => live && setProfile({ key: profileKey, profile: null, error: message(e) }),
    );
    return () => {
      live = false;
    };
  }, [profileKey, planner, current, selected]);

  // Status polling while there is a pre-scaling to watch.
  // Polls again at once when the calls finish (the key changes), then every interval.
  const pollKey = run?.action === 'apply' ? `apply|${run.running}` : null;
  useEffect(() => {
    if (pollKey === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      actions.status().then(
        (result) => {
          if (!live) return;
          setStatus({ result, error: null });
          timer = setTimeout(poll, props.pollIntervalMs ?? 5000);
        },
        (e: unknown) => {
          if (!live) return;
          setStatus((s) => ({ result: s?.result ?? null, error: message(e) }));
          timer = setTimeout(poll, props.pollIntervalMs ?? 5000);
        },
      );
    };
    poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [pollKey, actions, props.pollIntervalMs]);

  const startRun = useCallback(
    (action: 'apply' | 'restore') => {
      const failures: Failure[] = [];
      setRun({ action, running: true, summary: null, failures: [] });
      const onFailure = (o: { label: string; status: string; reason?: string }) => {
        if (o.status === 'failed') {
          failures.push({ label: o.label, reason: o.reason ?? 'failed' });
          setRun((r) => (r ? { ...r, failures: [...failures] } : r));
        }
      };
      const finish = (summary: Record<string, number>, all: readonly { label: string; status: string; reason?: string }[]) => {
        const line = Object.entries(summary)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
        setRun({
          action,
          running: false,
          summary: line || 'nothing to do',
          failures: all.filter((o) => o.status === 'failed').map((o) => ({ label: o.label, reason: o.reason ?? 'failed' })),
        });
      };
      const fail = (e: unknown) => {
        setRun({ action, running: false, summary: `refused: ${message(e)}`, failures });
        setError(`${action}: ${message(e)}`);
      };
      if (action === 'apply') {
        const plan = appliedPlan.current;
        if (!plan) return;
        actions.apply(plan, onFailure).then((r) => finish(r.summary, r.targets), fail);
      } else {
        actions.restore(onFailure).then((r) => finish(r.summary, r.targets), fail);
      }
    },
    [actions],
  );

  const runEffect = useCallback(
    (effect: Effect) => {
      switch (effect.kind) {
        case 'quit':
          exit();
          return;
        case 'review': {
          setReview({ status: 'loading' });
          if (effect.action === 'apply') {
            const plan = current;
            if (!plan) {
              setReview({ status: 'error', message: 'the plan is still being computed' });
              return;
            }
            appliedPlan.current = plan;
            setConfirmWord(plan.failedRegion);
            actions.reviewApply(plan).then(
              (changes) =>
                setReview({
                  status: 'ready',
                  lines: renderChanges(changes).trimEnd().split('\n'),
                  calls: changes.length,
                  regions: [...new Set(changes.map((c) => c.region))],
                  refusal: actions.refusal,
                }),
              (e: unknown) => setReview({ status: 'error', message: message(e) }),
            );
          } else {
            actions.reviewRestore().then(
              ({ failedRegion, changes }) => {
                setConfirmWord(failedRegion);
                setReview({
                  status: 'ready',
                  lines: changes.map((c) => renderOutcomeLine(c).trimEnd()),
                  calls: changes.length,
                  regions: [...new Set(changes.map((c) => c.region))],
                  refusal: actions.refusal,
                });
              },
              (e: unknown) => setReview({ status: 'error', message: message(e) }),
            );
          }
          return;
        }
        case 'run':
          if (actions.refusal !== null) {
            const next = { ...uiRef.current, view: 'review' as const, prompt: { kind: 'confirm' as const, text: '' }, notice: actions.refusal };
            uiRef.current = next;
            setUi(next);
            return;
          }
          setStatus(null);
          startRun(effect.action);
          return;
        case 'retry':
          if (appliedPlan.current) startRun('apply');
          else setError('nothing to retry: this session has not applied (a opens the apply review)');
          return;
        case 'watch':
          if (actions.refusal !== null) {
            setError(actions.refusal);
            const next = { ...uiRef.current, view: 'list' as const };
            uiRef.current = next;
            setUi(next);
            return;
          }
          setRun({ action: 'apply', running: false, summary: 'watching the active pre-scaling', failures: [], watching: true });
          return;
        case 'reload':
          planner.reload();
          cache.current.clear();
          setGeneration((g) => g + 1);
          return;
      }
    },
    [actions, current, exit, startRun, planner],
  );

  const side = columns >= 150;
  const sideWidth = Math.max(44, Math.min(64, columns - 112));
  const listWidth = side ? columns - sideWidth - 1 : columns;
  const warnings = shown ? [...shown.unreachableRegions.map((u) => unreachableNote(shown, u)), ...shown.warnings.map((w) => `warning: ${w}`)] : [];
  const listRows = Math.max(3, rows - (side ? 7 : 8) - warnings.length);

  const context: KeyContext = {
    regions: failedRegions,
    count: (filter) => visible(ui.order, filter).length,
    page: listRows,
    busy: run?.running ?? false,
    confirmWord,
    hasProgress: run !== null,
    now: now(),
  };
  const contextRef = useRef(context);
  contextRef.current = context;

  useInput(
    (input, key) => {
      let state = uiRef.current;
      const effects: Effect[] = [];
      for (const press of keyPresses(input, key)) {
        const order = state.order;
        const r = reduceKey(state, press, { ...contextRef.current, count: (filter) => visible(order, filter).length });
        state = r.state;
        effects.push(...r.effects);
      }
      if (state !== uiRef.current) setError(null);
      uiRef.current = state;
      setUi(state);
      for (const e of effects) runEffect(e);
    },
    { isActive: true },
  );

  const recomputing = current === null && (planState.loading || planState.key !== wanted);
  const exceeding = shown ? shown.services.filter((e) => e.flags.includes('exceeds-max')).length : 0;
  const progress = status?.result ? regionProgress(status.result) : null;

  let body: React.ReactNode;
  if (ui.help) body = <HelpOverlay width={Math.min(columns, 100)} />;
  else if (ui.view === 'review')
    body = (
      <ReviewView
        action={ui.action ?? 'apply'}
        review={review}
        confirmWord={confirmWord}
        typed={ui.prompt?.kind === 'confirm' ? ui.prompt.text : ''}
        rows={rows - 8}
        width={columns}
      />
    );
  else if (ui.view === 'progress' && run)
    body = (
      <ProgressView
        action={run.action}
        running={run.running}
        summary={
          run.watching && status !== null && status.result === null ? 'no active snapshot in the state directory: nothing is being pre-scaled' : run.summary
        }
        failures={run.failures}
        regions={progress}
        polledAt={status?.result?.at ?? null}
        reached={status?.result?.reached ?? 0}
        total={status?.result?.total ?? 0}
        width={columns}
        rows={rows - 6}
        color={color}
      />
    );
  else if (ui.view === 'detail' && selected) {
    const detailWidth = side ? Math.min(70, Math.floor(columns / 2)) : columns;
    const p = profile?.key === profileKey ? profile : null;
    const detailHeight = 8 + selected.deviceContributions.length + selected.flags.length * (side ? 1 : 2);
    const chartHeight = side ? Math.max(4, Math.floor((rows - 10) / 1.6)) : Math.max(0, Math.floor((rows - detailHeight - 8) / 1.6));
    const chartWidth = side ? columns - detailWidth - 1 : columns;
    const chart = p?.profile ? (
      <DayChart profile={p.profile} width={chartWidth} height={chartHeight} color={color} />
    ) : (
      <Text dimColor>{p?.error ? `picture of the day: ${p.error}` : 'drawing the day…'}</Text>
    );
    body = (
      <Box flexDirection={side ? 'row' : 'column'}>
        <EntryDetail entry={selected} width={detailWidth} />
        {chart}
      </Box>
    );
  } else
    body = (
      <Box flexDirection="column">
        {warnings.map((w) => (
          <Text key={w} wrap="truncate-end" {...(color ? { color: 'yellow' } : {})}>
            ! {w}
          </Text>
        ))}
        <Box flexDirection="row">
          <Box flexDirection="column" width={listWidth}>
            <EntryList entries={entries} selected={ui.selected} rows={listRows} width={listWidth} color={color && !recomputing} />
            <Text dimColor wrap="truncate-end">
              {entries.length === 0 ? 0 : ui.selected + 1}/{entries.length} · sorted by {ORDER_LABELS[ui.order]}
              {ui.filter !== '' ? ` · filter "${ui.filter}"` : ''}
            </Text>
          </Box>
          {side && selected ? (
            <Box alignSelf="flex-start">
              <EntryDetail entry={selected} width={sideWidth} />
            </Box>
          ) : null}
        </Box>
        {!side && selected ? <EntrySummary entry={selected} width={columns} /> : null}
      </Box>
    );

  if (ui.help) {
    // The whole screen: the list of keys is long enough to fill 80x24 with the header.
    return (
      <Box flexDirection="column" width={columns}>
        {body}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={columns}>
      <Header
        regions={failedRegions}
        failed={ui.failed}
        plan={current}
        at={ui.at}
        windowMinutes={ui.windowMinutes}
        sourceLabel={props.sourceLabel}
        now={now()}
        width={columns}
      />
      {planState.error !== null && planState.key === wanted ? (
        <Text wrap="truncate-end" {...(color ? { color: 'red' } : {})}>
          cannot plan {ui.failed}: {planState.error}
        </Text>
      ) : recomputing ? (
        <Text bold wrap="truncate-end">
          {shown ? `recomputing… (the table below is the previous plan, ${shown.failedRegion})` : `loading: planning the evacuation of ${ui.failed}…`}
        </Text>
      ) : (
        <Text bold wrap="truncate-end" {...(color ? { color: exceeding > 0 ? 'red' : 'green' } : {})}>
          {exceeding > 0 ? `NOT READY: ${exceeding} service-region(s) exceed max capacity` : 'ready: every service-region fits under its max'}
        </Text>
      )}
      {planState.error !== null && planState.key === wanted && ui.view === 'list' ? null : body}
      <StatusLine state={ui} error={error ?? status?.error ?? null} busy={run?.running ?? false} width={columns} />
    </Box>
  );
}
