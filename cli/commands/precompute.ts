import { EvacError, EXIT, inputError, unwrap } from '../../src/errors.ts';
import type { Dialect } from '../../src/sources/aggregate-sql.ts';
import { precomputeOutIssues, readEvacuations, writeDataDir } from '../../src/sources/data-files.ts';
import { dataFile } from '../../src/sources/data-tables.ts';
import { boolOpt, type Command, stringOpt } from '../command.ts';
import { atFromArgs, configFromArgs, textOrJson } from '../options.ts';
import { DATA_OPTIONS, withSource } from '../source.ts';

const DIALECTS: readonly Dialect[] = ['duckdb', 'trino', 'spark'];

export const precomputeCommand: Command = {
  name: 'precompute',
  summary: 'Fold the history into a small data directory that plans offline, in milliseconds (the scheduled job)',
  usage:
    'evac precompute --out DIR [--at TIME] [--format text|json] [--config DIR] [--data DIR | --from-aggregates DIR | --source aws ...] | --print-sql [--dialect D]',
  options: {
    out: { type: 'string', valueName: 'DIR', description: 'Directory to write (the files-source layout plus precompute.json); required' },
    at: {
      type: 'string',
      valueName: 'TIME',
      description: 'End of the history: a time of day today (18:00, UTC unless zoned), ISO 8601 or epoch seconds (default: now)',
    },
    format: { type: 'string', valueName: 'FMT', description: 'text (default) or json (the manifest written and the regions not read, on stdout)' },
    'print-sql': { type: 'boolean', description: 'Print the aggregation SQL for a data lake (Athena/Trino, Spark, DuckDB) and exit; see docs/data-lake.md' },
    dialect: {
      type: 'string',
      valueName: 'NAME',
      description: 'With --print-sql: duckdb, trino (Athena) or spark (default trino); the text is the same but for quoting',
    },
    'from-aggregates': {
      type: 'string',
      valueName: 'DIR',
      description: 'Read the tables the --print-sql queries wrote (CSV or Parquet) plus capacity, instead of --data',
    },
    ...DATA_OPTIONS,
  },
  async run(args, io) {
    const { lakeSql } = await import('../../src/services/lake-sql.ts');
    const { precompute } = await import('../../src/services/precompute.ts');
    const { AggregatesSource } = await import('../../src/sources/aggregates-source.ts');
    const config = configFromArgs(args);
    const now = atFromArgs(args, io);
    if (boolOpt(args, 'print-sql')) {
      const dialect = (stringOpt(args, 'dialect') ?? 'trino') as Dialect;
      if (!DIALECTS.includes(dialect)) throw new EvacError(`--dialect "${dialect}": expected ${DIALECTS.join(', ')}`);
      // Past evacuations come from the data directory's evacuations.csv (they are few, and written by hand).
      const evacuations = unwrap(readEvacuations(dataFile(stringOpt(args, 'data') ?? 'fixtures', 'evacuations'), new Set(config.evacuation.regions)));
      io.stdout.write(lakeSql({ config, evacuations, at: now, dialect }));
      return EXIT.ok;
    }
    const out = stringOpt(args, 'out');
    if (!out) throw new EvacError('--out DIR is required', { hint: 'e.g. evac precompute --out precomputed/ (then evac plan --data precomputed/)' });
    const format = textOrJson(args);
    const aggregates = stringOpt(args, 'from-aggregates');
    // Checked before the (possibly long) read, so a bad --out fails at once and writes nothing.
    const input = aggregates ?? ((stringOpt(args, 'source') ?? 'files') === 'files' ? (stringOpt(args, 'data') ?? 'fixtures') : undefined);
    const outIssues = precomputeOutIssues(out, input);
    if (outIssues.length > 0) throw inputError(outIssues, 'pass --out a new directory (or one an earlier evac precompute wrote)');
    const result = aggregates
      ? await precompute({ config, source: new AggregatesSource(aggregates), now })
      : await withSource(args, io, config, (source) => precompute({ config, source, now }));
    if (format === 'json') {
      const manifest = writeDataDir(out, result.data, result.manifest, result.dayTypes);
      io.stdout.write(`${JSON.stringify({ out, manifest, unreachable: result.unreachable }, null, 2)}\n`);
      return result.unreachable.length > 0 ? EXIT.partial : EXIT.ok;
    }
    for (const u of result.unreachable) io.stderr.write(`warning: ${u.region} could not be read (${u.reason}): its series are missing from ${out}\n`);
    const manifest = writeDataDir(out, result.data, result.manifest, result.dayTypes);
    const rows = Object.entries(manifest.rows)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    io.stdout.write(`wrote ${out}: history to ${manifest.dataEnd} folded into ${rows}; plan from it with --data ${out}\n`);
    return result.unreachable.length > 0 ? EXIT.partial : EXIT.ok;
  },
};
