import { loadConfig } from '../config/load-config.ts';
import { planUnits, resolveScope } from '../config/resolve-scope.ts';
import type { InputIssue } from '../errors.ts';
import type { TraceSample } from '../model/planning-data.ts';
import { manifestIssues, readManifest } from '../sources/data-files.ts';
import { dataFile } from '../sources/data-tables.ts';
import { checkDataDir } from '../sources/table-check.ts';
import { dataDirTraces, readTraceInput, traceInputNotes } from '../sources/trace-input.ts';
import { FUTURE_TOLERANCE_SECONDS } from './data-age.ts';
import { STEERING_TOLERANCE, steeringDrift } from './evacuation-steering.ts';

export interface ValidateOptions {
  readonly configDir: string;
  /** Data directory to check against the config; omitted: configs only. */
  readonly dataDir?: string;
  /** The clock, epoch seconds (read at the edge): sample times after now + 1 day are errors. */
  readonly now?: number;
  /** Trace and demand files bigger than this are checked streaming (see checkDataDir); default: what one string holds. */
  readonly streamFromBytes?: number;
}

export interface ValidationReport {
  readonly errors: readonly InputIssue[];
  /** Suspicious but plannable: a configured service with no data, a trace name never seen. */
  readonly warnings: readonly InputIssue[];
  readonly summary: { readonly services: number; readonly units: number; readonly regions: number; readonly rows: Readonly<Record<string, number>> };
}

/** Checks configs and (optionally) a data directory (OTLP spans in `traces/` too); never throws on bad input. */
export async function validate(options: ValidateOptions): Promise<ValidationReport> {
  const config = loadConfig(options.configDir);
  if (!config.ok) return { errors: config.issues, warnings: [], summary: { services: 0, units: 0, regions: 0, rows: {} } };
  const { evacuation, services } = config.data;
  const units = services.flatMap((s) => planUnits(s.config).map((u) => ({ unit: u, file: s.file, config: s.config })));
  const summary = { services: services.length, units: units.length, regions: evacuation.regions.length, rows: {} as Record<string, number> };
  const warnings: InputIssue[] = [];
  for (const region of evacuation.regions) {
    if (!evacuation.steering[region]) {
      warnings.push({
        file: `${options.configDir}/evacuation.yaml`,
        path: `steering.${region}`,
        message: `no steering for ${region}: it cannot be planned as a failed region`,
      });
    }
  }
  if (options.dataDir === undefined) return { errors: [], warnings, summary };

  // The checks the files source makes for plan and report (a precomputed directory's manifest
  // first), so that validate accepts nothing they reject.
  const manifest = readManifest(options.dataDir);
  if (!manifest.ok) return { errors: manifest.issues, warnings, summary };
  if (manifest.data) {
    const issues = manifestIssues(options.dataDir, manifest.data, evacuation, options.now);
    if (issues.length > 0) return { errors: issues, warnings, summary };
  }
  const checks = options.now === undefined ? {} : { notAfter: options.now + FUTURE_TOLERANCE_SECONDS };
  const tracesPath = dataDirTraces(options.dataDir);
  if (!tracesPath.ok) return { errors: tracesPath.issues, warnings, summary };
  let otlpTraces: readonly TraceSample[] | undefined;
  if (tracesPath.data !== null) {
    const otlp = await readTraceInput(tracesPath.data, config.data, checks);
    if (!otlp.ok) return { errors: otlp.issues, warnings, summary };
    otlpTraces = otlp.data.samples;
    for (const w of traceInputNotes(otlp.data).warnings) warnings.push({ file: tracesPath.data, message: w });
  }
  const checked = checkDataDir(options.dataDir, new Set(evacuation.regions), checks, otlpTraces, options.streamFromBytes);
  if (!checked.ok) return { errors: checked.issues, warnings, summary };
  const { data: d, traceNames } = checked.data;
  summary.rows = { ...checked.data.rows };
  const capacity = new Set(d.capacity.map((c) => `${c.region}/${c.service}`));
  for (const { unit, file, config: service } of units) {
    for (const region of evacuation.regions) {
      const scope = resolveScope(service, unit, region);
      if (!capacity.has(`${region}/${unit.name}`)) {
        warnings.push({
          file,
          message: `${unit.name} has no row in ${dataFile(options.dataDir, 'capacity')} for ${region}: it will be flagged capacity-unknown`,
        });
      }
      if (!traceNames.has(`${region}/${scope.traceName}`)) {
        warnings.push({
          file,
          path: 'traceName',
          message: `no traces named "${scope.traceName}" in ${region}: it will be planned with the uniform ratio (no-traces)`,
        });
      }
    }
  }
  for (const drift of steeringDrift(config.data, d)) {
    warnings.push({
      file: `${options.configDir}/evacuation.yaml`,
      path: `steering.${drift.failedRegion}.${drift.region}`,
      message: `configured ${drift.configured}, but ${drift.region} received ${drift.observed.toFixed(2)} of ${drift.failedRegion}'s traffic in its last evacuation (${new Date(drift.start * 1000).toISOString()}): more than ${STEERING_TOLERANCE} apart (see evac backtest)`,
    });
  }
  return { errors: [], warnings, summary };
}
