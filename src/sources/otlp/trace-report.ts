import { compareNames } from '../../model/name-order.ts';
/** What reading OTLP spans found, beyond the counts: nothing is dropped or guessed silently. */
export interface TraceReport {
  readonly files: number;
  readonly spans: number;
  readonly traces: number;
  /** SERVER and CONSUMER spans counted as requests (after duplicates are dropped). */
  readonly requests: number;
  /** Traces whose device type no rule gave: their requests count under `unknown`. */
  readonly unknownDevice: { readonly traces: number; readonly requests: number; readonly byService: Readonly<Record<string, number>> };
  /** Traces with a span whose parent is not in the trace, or with no root span: counted anyway. */
  readonly broken: { readonly traces: number; readonly orphanSpans: number; readonly noRoot: number };
  /** The same span id twice in a trace: counted once. */
  readonly duplicateSpans: number;
  /** Traces whose spans came from more than one file: assembled whole. */
  readonly splitAcrossFiles: number;
  /** SERVER/CONSUMER spans not counted because their resource lacks the service or region attribute. */
  readonly noService: number;
  readonly noRegion: number;
  /** SERVER/CONSUMER spans not counted because their region is not in evacuation.yaml, by region. */
  readonly otherRegions: Readonly<Record<string, number>>;
}

/** The device type under which a trace with no device type counts. */
export const UNKNOWN_DEVICE = 'unknown';

/** The report as lines for stderr: a summary, then one line per kind of problem found. */
export function traceReportLines(report: TraceReport): string[] {
  const lines = [
    `traces: ${report.spans} spans in ${report.files} file${report.files === 1 ? '' : 's'}, ${report.traces} traces, ${report.requests} requests counted (SERVER and CONSUMER spans)`,
  ];
  // Not a problem (a trace's spans often land in several export batches), but worth knowing.
  if (report.splitAcrossFiles > 0) lines.push(`traces: ${report.splitAcrossFiles} traces are split across files: assembled whole before counting`);
  return [...lines, ...traceReportWarnings(report).map((w) => `warning: ${w}`)];
}

/** The problems of a report, one sentence each (none for clean input): for stderr and the plan's warnings. */
export function traceReportWarnings(report: TraceReport): string[] {
  const warnings: string[] = [];
  const { unknownDevice: u, broken: b } = report;
  if (u.traces > 0) {
    const services = Object.entries(u.byService)
      .sort((x, y) => y[1] - x[1] || compareNames(x[0], y[0]))
      .map(([s, n]) => `${s} ${n}`);
    warnings.push(
      `traces: ${u.traces} of ${report.traces} traces have no device type (no rule in traces.deviceType matched): their ${u.requests} requests count as device "${UNKNOWN_DEVICE}" (${services.join(', ') || 'no requests'})`,
    );
  }
  if (b.traces > 0) {
    warnings.push(
      `traces: ${b.traces} broken traces (${b.orphanSpans} spans whose parent is missing, ${b.noRoot} traces without a root span): their requests are counted, their device type taken from any span that has one`,
    );
  }
  if (report.duplicateSpans > 0) warnings.push(`traces: ${report.duplicateSpans} duplicate spans (same trace and span id seen again): counted once`);
  if (report.noService > 0) warnings.push(`traces: ${report.noService} SERVER/CONSUMER spans have no service attribute on their resource: not counted`);
  if (report.noRegion > 0) warnings.push(`traces: ${report.noRegion} SERVER/CONSUMER spans have no region attribute on their resource: not counted`);
  const other = Object.entries(report.otherRegions);
  if (other.length > 0) {
    warnings.push(`traces: spans from regions not in evacuation.yaml not counted (${other.map(([r, n]) => `${r} ${n}`).join(', ')})`);
  }
  return warnings;
}
