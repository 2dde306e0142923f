import type { InputIssue, Result } from '../errors.ts';
import { EvacError, inputError, unwrap } from '../errors.ts';
import type { PlanningData } from '../model/planning-data.ts';
import { dataFile, type ReadChecks, readCapacity, readDemand, readEvacuations, readManifest, readTraces, readTraffic } from './data-files.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';
import { loadDataDir } from './engine-load.ts';
import type { ProgressSink } from './progress-line.ts';

/**
 * The embedded default source: CSV (or Parquet) files in one directory (see README, "Data
 * files"), the interchange format for data aggregated elsewhere (Athena, Spark...). Read
 * through the columnar engine (src/sources/engine-load.ts); `progress` receives a line now
 * and then while a big file is read.
 */
export class FilesSource implements DataSource {
  constructor(
    private readonly dir: string,
    private readonly options: { readonly progress?: ProgressSink } = {},
  ) {}

  async load(request: LoadRequest): Promise<LoadResult> {
    const manifest = unwrap(readManifest(this.dir));
    const { bucketMinutes } = request.config.evacuation;
    if (manifest && manifest.bucketMinutes !== bucketMinutes) {
      throw new EvacError(`${this.dir} was precomputed with bucketMinutes ${manifest.bucketMinutes}, the config says ${bucketMinutes}: expected the same`, {
        hint: 'run evac precompute again with this config',
      });
    }
    const { regions, lookbackDays } = request.config.evacuation;
    const result = await loadDataDir(this.dir, { regions, bucketMinutes, lookbackDays, at: request.to, progress: this.options.progress });
    if (!result.ok) throw inputError(result.issues, `fix the rows above, or run "evac validate --data ${this.dir}"`);
    const description = manifest
      ? `history precomputed in ${this.dir} (to ${manifest.dataEnd}, from ${manifest.source}, made ${manifest.createdAt})`
      : `files in ${this.dir}`;
    return { data: result.data, unreachable: [], apiCalls: {}, description };
  }
}

/**
 * Reads and checks every CSV data file in a directory row by row, into one object per row; all
 * problems of all files are returned. What `evac validate` uses, and the reference the
 * engine is tested against.
 */
export function readDataDir(dir: string, regions: ReadonlySet<string>, checks: ReadChecks = {}): Result<PlanningData> {
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
