import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { EvacError, EXIT } from '../../src/errors.ts';
import type { Report } from '../../src/report/report-schema.ts';
import { parseNumber } from '../../src/sources/csv-table.ts';
import { writeFileAtomic } from '../../src/state/atomic-write.ts';
import { boolOpt, type Command, type ParsedArgs, STALE_OPTIONS, stringOpt } from '../command.ts';
import { configFromArgs, intOpt } from '../options.ts';
import { DATA_OPTIONS, withSource } from '../source.ts';

/** Exit codes of `evac report` (documented in docs/ci.md); bad input exits 2 via EvacError. */

const FORMATS = ['markdown', 'json', 'junit'] as const;
type ReportFormat = (typeof FORMATS)[number];

/** The files --out-dir writes, by format. */
export const REPORT_FILES: Readonly<Record<ReportFormat, string>> = { markdown: 'report.md', json: 'report.json', junit: 'report.junit.xml' };

export const reportCommand: Command = {
  name: 'report',
  summary: 'Dry-run every evacuation scenario and gate on readiness (exit 0 ready, 3 not ready, 2 bad input)',
  usage: 'evac report [--failed REGION]... [--all-buckets] [--fail-on FLAGS] [--format markdown|json|junit] [--out-dir DIR] [--baseline FILE] [--threshold X]',
  options: {
    failed: {
      type: 'string',
      multiple: true,
      valueName: 'REGION',
      description: 'Plan only these failed regions (repeatable or comma list; default: every key of steering)',
    },
    'all-buckets': { type: 'boolean', description: 'Plan each service at its worst bucket of the day instead of the peak bucket of each receiving region' },
    'fail-on': {
      type: 'string',
      multiple: true,
      valueName: 'FLAGS',
      description: 'Plan flags that fail the gate, comma list (default: exceeds-max,no-history,unbounded-ratio,zero-capacity)',
    },
    format: { type: 'string', valueName: 'FMT', description: 'markdown (default), json or junit, written to stdout' },
    'out-dir': { type: 'string', valueName: 'DIR', description: 'Write report.md, report.json and report.junit.xml to DIR (atomically)' },
    baseline: { type: 'string', valueName: 'FILE', description: 'A previous report.json to compare with' },
    threshold: { type: 'string', valueName: 'X', description: 'Relative change of a ratio the comparison lists (default 0.05)' },
    ...STALE_OPTIONS,
    ...DATA_OPTIONS,
  },
  async run(args, io) {
    const { renderReportJunit } = await import('../../src/report/report-junit.ts');
    const { renderReportMarkdown } = await import('../../src/report/report-markdown.ts');
    const { buildReport, readBaselineReport } = await import('../../src/services/report.ts');
    const { parseFailOn } = await import('../../src/report/report-gate.ts');
    const { DEFAULT_RATIO_THRESHOLD } = await import('../../src/report/report-diff.ts');
    const view = await import('../../src/report/report-view.ts');
    const failOn = parseFailOn(listOpt(args, 'fail-on'));
    if (!failOn.ok) throw new EvacError(failOn.message, { hint: 'e.g. --fail-on exceeds-max,low-samples' });
    const format = formatOpt(args);
    const threshold = thresholdOpt(args, DEFAULT_RATIO_THRESHOLD);
    const baselineFile = stringOpt(args, 'baseline');
    const baseline = baselineFile === undefined ? undefined : readBaselineReport(baselineFile);
    const failedRegions = listOpt(args, 'failed')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    const config = configFromArgs(args);
    const report: Report = await withSource(args, io, config, (source) =>
      buildReport({
        config,
        source,
        now: io.now(),
        failedRegions,
        allBuckets: boolOpt(args, 'all-buckets'),
        failOn: failOn.data,
        threshold,
        staleAfterSeconds: intOpt(args, 'stale-days', 2) * 86_400,
        ...(baseline === undefined ? {} : { baseline }),
      }),
    );

    for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
    const markdown = renderReportMarkdown(report);
    const render = (f: ReportFormat) => (f === 'markdown' ? markdown : f === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReportJunit(report));
    const outDir = stringOpt(args, 'out-dir');
    if (outDir === undefined) io.stdout.write(render(format ?? 'markdown'));
    else {
      for (const f of FORMATS) writeFileAtomic(path.join(outDir, REPORT_FILES[f]), render(f));
      io.stderr.write(`wrote ${FORMATS.map((f) => path.join(outDir, REPORT_FILES[f])).join(', ')}\n`);
      io.stdout.write(format === undefined ? verdictLines(report, view) : render(format));
    }
    // GitHub Actions shows this file on the run's summary page; empty means "not in Actions".
    const summary = io.env.GITHUB_STEP_SUMMARY;
    if (summary) appendFileSync(summary, `${markdown}\n`);
    return report.ready ? EXIT.ok : EXIT.notReady;
  },
};

/** The short stdout of an --out-dir run: the headline and one line per scenario. */
function verdictLines(report: Report, view: typeof import('../../src/report/report-view.ts')): string {
  const lines = [`evac report: ${view.reportHeadline(report)}`];
  for (const s of report.scenarios) lines.push(`  ${view.scenarioTitle(s.failedRegion)}: ${s.ready ? 'ready' : 'not ready'}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}

function listOpt(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

function formatOpt(args: ParsedArgs): ReportFormat | undefined {
  const text = stringOpt(args, 'format');
  if (text === undefined) return undefined;
  if (!(FORMATS as readonly string[]).includes(text)) throw new EvacError(`--format "${text}": expected one of ${FORMATS.join(', ')}`);
  return text as ReportFormat;
}

function thresholdOpt(args: ParsedArgs, byDefault: number): number {
  const text = stringOpt(args, 'threshold');
  if (text === undefined) return byDefault;
  const x = parseNumber(text.trim()) ?? Number.NaN;
  if (!Number.isFinite(x) || x < 0) throw new EvacError(`--threshold "${text}": expected a relative change >= 0, e.g. 0.05 for 5%`);
  return x;
}
