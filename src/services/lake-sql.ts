import type { LoadedConfig } from '../config/load-config.ts';
import type { EvacuationWindow } from '../model/planning-data.ts';
import { type Dialect, LAKE_CELL_TABLES, LAKE_SOURCE_TABLES, lakeCellsSql, type SeriesTable } from '../sources/aggregate-sql.ts';

export interface LakeSqlOptions {
  readonly config: LoadedConfig;
  /** Past evacuations, left out of the history (from evacuations.csv). */
  readonly evacuations: readonly EvacuationWindow[];
  /** The planning time, epoch seconds: the history ends at min(at, latest traffic timestamp). */
  readonly at: number;
  readonly dialect: Dialect;
}

/**
 * `evac precompute --print-sql`: the three aggregation queries for the configured bucket
 * width, lookback and regions, each headed by a comment naming the table to write its result
 * to (see docs/data-lake.md). The same text runs on DuckDB, Trino/Athena and Spark SQL.
 */
export function lakeSql(options: LakeSqlOptions): string {
  const { bucketMinutes, lookbackDays, regions } = options.config.evacuation;
  const evacuations = options.evacuations.map((e) => ({ start: e.start, end: e.end }));
  const tables: SeriesTable[] = ['traffic', 'demand', 'traces'];
  return tables
    .map((table) => {
      const sql = lakeCellsSql({
        dialect: options.dialect,
        table,
        from: LAKE_SOURCE_TABLES[table],
        trafficFrom: LAKE_SOURCE_TABLES.traffic,
        bucketMinutes,
        lookbackDays,
        at: options.at,
        evacuations,
        regions,
      });
      return `-- ${LAKE_CELL_TABLES[table]}: write the result as ${LAKE_CELL_TABLES[table].replace('_', '-')}.parquet (or .csv) in the directory given to --from-aggregates\n${sql};\n`;
    })
    .join('\n');
}
