import type { InputIssue, Result } from '../errors.ts';
import { inputError, unwrap } from '../errors.ts';
import type { PlanningData } from '../model/planning-data.ts';
import { directoryIssues } from '../input-file.ts';
import { dataFile, manifestIssues, type ReadChecks, readCapacity, readDemand, readEvacuations, readManifest, readTraces, readTraffic } from './data-files.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';

/**
 * The embedded default source: CSV files in one directory (see README, "Data files"),
 * the interchange format for data aggregated elsewhere (Athena, Spark...).
 */
export class FilesSource implements DataSource {
  constructor(private readonly dir: string) {}

  async load(request: LoadRequest): Promise<LoadResult> {
    const dirIssues = directoryIssues(this.dir, 'data directory not found: expected a directory with the CSV files of README, "Data files"');
    if (dirIssues.length > 0) throw inputError(dirIssues);
    const manifest = unwrap(readManifest(this.dir));
    if (manifest) {
      const issues = manifestIssues(this.dir, manifest, request.config.evacuation, request.to);
      if (issues.length > 0) throw inputError(issues);
    }
    const result = readDataDir(this.dir, new Set(request.config.evacuation.regions));
    if (!result.ok) throw inputError(result.issues, `fix the rows above, or run "evac validate --data ${this.dir}"`);
    const description = manifest
      ? `history precomputed in ${this.dir} (to ${manifest.dataEnd}, from ${manifest.source}, made ${manifest.createdAt})`
      : `files in ${this.dir}`;
    return { data: result.data, unreachable: [], apiCalls: {}, description };
  }
}

/** Reads and checks every data file in a directory; all problems of all files are returned. */
export function readDataDir(dir: string, regions: ReadonlySet<string>, checks: ReadChecks = {}): Result<PlanningData> {
  const dirIssues = directoryIssues(dir, 'data directory not found: expected a directory with the CSV files of README, "Data files"');
  if (dirIssues.length > 0) return { ok: false, issues: dirIssues };
  const traffic = readTraffic(dataFile(dir, 'traffic'), regions, checks);
  const traces = readTraces(dataFile(dir, 'traces'), regions, checks);
  const demand = readDemand(dataFile(dir, 'demand'), regions, checks);
  const capacity = readCapacity(dataFile(dir, 'capacity'), regions);
  const evacuations = readEvacuations(dataFile(dir, 'evacuations'), regions, checks);
  const issues: InputIssue[] = [];
  for (const r of [traffic, traces, demand, capacity, evacuations]) if (!r.ok) issues.push(...r.issues);
  if (!traffic.ok || !traces.ok || !demand.ok || !capacity.ok || !evacuations.ok) return { ok: false, issues };
  if (traffic.data.length === 0) {
    return { ok: false, issues: [{ file: dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
  }
  return { ok: true, data: { traffic: traffic.data, traces: traces.data, demand: demand.data, capacity: capacity.data, evacuations: evacuations.data } };
}
