import { renderTextTable } from '../../src/report/text-table.ts';
import type { MinMax, TargetRef } from '../../src/scaling/scaler.ts';
import type { ApplyResult, PlannedChange, TargetOutcome } from '../../src/report/apply-schema.ts';
import type { RestoreOutcome, RestoreResult } from '../../src/report/restore-schema.ts';
import type { StatusResult } from '../../src/report/status-schema.ts';

const mm = (v: MinMax | null) => (v ? `${v.min}/${v.max}` : '-');

/** The exact RegisterScalableTarget call, as an AWS CLI command line one can run by hand. */
export function registerCallLine(region: string, target: TargetRef, after: MinMax): string {
  return [
    'aws application-autoscaling register-scalable-target',
    `--region ${region}`,
    `--service-namespace ${target.serviceNamespace}`,
    `--resource-id ${target.resourceId}`,
    `--scalable-dimension ${target.scalableDimension}`,
    `--min-capacity ${after.min}`,
    `--max-capacity ${after.max}`,
  ].join(' ');
}

/** The changes about to be made: one line per target (Min/Max before -> after), then the calls. */
export function renderChanges(changes: readonly PlannedChange[]): string {
  if (changes.length === 0) return 'No change needed: every target already meets the plan.\n';
  const table = renderTextTable({
    columns: [
      { header: 'region', value: (c: PlannedChange) => c.region },
      { header: 'service', value: (c) => c.service },
      { header: 'resource', value: (c) => c.target.resourceId },
      { header: 'min/max now', value: (c) => mm(c.before), align: 'right' },
      { header: 'min/max new', value: (c) => mm(c.after), align: 'right' },
      { header: 'note', value: (c) => (c.capped ? 'capped at max (exceeds-max)' : c.after.max > c.before.max ? 'raises max' : '') },
    ],
    rows: changes,
  });
  return `${table}\n\nRegisterScalableTarget calls (${changes.length}):\n${changes.map((c) => `  ${registerCallLine(c.region, c.target, c.after)}`).join('\n')}\n`;
}

/** One line per call as it lands. */
export function renderOutcomeLine(o: TargetOutcome | RestoreOutcome): string {
  const verb = o.status.padEnd(9);
  const change = `Min/Max ${mm(o.before)} -> ${mm(o.after)}`;
  return `${verb} ${o.label}  ${o.reason ? o.reason : change}\n`;
}

/** The outcome rows of apply or restore worth showing, with the headers of their two Min/Max columns. */
interface OutcomeTable<T extends TargetOutcome | RestoreOutcome> {
  readonly rows: readonly T[];
  readonly before: string;
  readonly after: string;
  readonly note: (t: T) => string;
}

/** One table for apply and restore: status, target, Min/Max on both sides, a note; empty without rows. */
function renderOutcomeTable<T extends TargetOutcome | RestoreOutcome>(table: OutcomeTable<T>): string {
  if (table.rows.length === 0) return '';
  const rendered = renderTextTable<T>({
    columns: [
      { header: 'status', value: (t) => t.status },
      { header: 'target', value: (t) => t.label },
      { header: table.before, value: (t) => mm(t.before), align: 'right' },
      { header: table.after, value: (t) => mm(t.after), align: 'right' },
      { header: 'note', value: (t) => t.reason ?? table.note(t) },
    ],
    rows: table.rows,
  });
  return `${rendered}\n`;
}

const dryRunPrefix = (dryRun: boolean) => (dryRun ? 'Dry run, nothing changed: ' : '');

export function renderApplyResult(result: ApplyResult): string {
  const s = result.summary;
  const table = renderOutcomeTable({
    rows: result.targets.filter((t) => t.status !== 'raised' || result.dryRun),
    before: 'min/max before',
    after: 'min/max after',
    note: (t) => (t.capped ? 'capped at max' : ''),
  });
  const parts = [`${s.raised} raised`, `${s.unchanged} unchanged`, `${s.failed} failed`, `${s.skipped} skipped`];
  if (result.dryRun) parts.unshift(`${s['would-raise']} would be raised`);
  if (s.capped > 0) parts.push(`${s.capped} capped at max`);
  const lines = [`${dryRunPrefix(result.dryRun)}${parts.join(', ')}.`];
  if (result.snapshotFile) lines.push(`Snapshot of prior Min/Max: ${result.snapshotFile}`);
  if (s.failed > 0) lines.push('Some targets failed: run the same evac apply again to finish them (targets already raised are left alone).');
  return `${table}${lines.join('\n')}\n`;
}

export function renderRestoreResult(result: RestoreResult): string {
  const s = result.summary;
  const table = renderOutcomeTable({
    rows: result.targets.filter((t) => t.status !== 'restored' || result.dryRun),
    before: 'min/max now',
    after: 'prior min/max',
    note: (t) => (t.changedByOthers ? 'changed by someone else (--force)' : ''),
  });
  const parts = [`${s.restored} restored`, `${s.unchanged} already at prior`, `${s.failed} failed`, `${s.skipped} skipped`];
  if (result.dryRun) parts.unshift(`${s['would-restore']} would be restored`);
  const lines = [`${dryRunPrefix(result.dryRun)}${parts.join(', ')}.`];
  if (result.complete) lines.push(`Snapshot ${result.snapshotFile} is marked restored.`);
  else if (!result.dryRun) lines.push('Not every target is back: run the same evac restore again to finish.');
  return `${table}${lines.join('\n')}\n`;
}

/** `[##########----------]  50%`: filled in proportion to `fraction` (clamped to 0..1). */
export function progressBar(fraction: number, width = 30): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

export function renderProgressLine(status: StatusResult): string {
  return `${status.at.replace(/\.\d+Z$/, 'Z')}  ${progressBar(status.fraction)}  ${status.reached}/${status.total} targets at their new Min\n`;
}

export function renderStatus(status: StatusResult): string {
  const state = (t: StatusResult['targets'][number]) =>
    t.live === null ? 'unreadable' : t.notApplied ? 'not applied' : t.current === null ? 'capacity unknown' : t.reached ? 'reached' : 'scaling';
  const table = renderTextTable({
    columns: [
      { header: 'target', value: (t: StatusResult['targets'][number]) => t.label },
      { header: 'running', value: (t) => (t.current === null ? '-' : String(t.current)), align: 'right' },
      { header: 'new min', value: (t) => String(t.targetMin), align: 'right' },
      { header: 'min/max now', value: (t) => mm(t.live), align: 'right' },
      { header: 'progress', value: (t) => progressBar(t.targetMin === 0 ? 1 : (t.current ?? 0) / t.targetMin, 10) },
      { header: 'state', value: state },
    ],
    rows: status.targets,
  });
  const unreachable = status.unreachable.map((u) => `unreachable: ${u.region}: ${u.reason}\n`).join('');
  return `Evacuation of ${status.failedRegion} (snapshot ${status.snapshotId})\n${table}\n${unreachable}${renderProgressLine(status)}`;
}
