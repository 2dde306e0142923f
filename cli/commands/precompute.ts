import { EvacError, EXIT, inputError } from '../../src/errors.ts';
import { precompute } from '../../src/services/precompute.ts';
import { precomputeOutIssues, writeDataDir } from '../../src/sources/data-files.ts';
import { type Command, stringOpt } from '../command.ts';
import { atFromArgs, configFromArgs, textOrJson } from '../options.ts';
import { DATA_OPTIONS, withSource } from '../source.ts';

export const precomputeCommand: Command = {
  name: 'precompute',
  summary: 'Fold the history into a small data directory that plans offline, in milliseconds (the scheduled job)',
  usage: 'evac precompute --out DIR [--at TIME] [--format text|json] [--config DIR] [--data DIR | --source aws ...]',
  options: {
    out: { type: 'string', valueName: 'DIR', description: 'Directory to write (the files-source layout plus precompute.json); required' },
    at: { type: 'string', valueName: 'TIME', description: 'End of the history: a time of day today (18:00, UTC unless zoned), ISO 8601 or epoch seconds (default: now)' },
    format: { type: 'string', valueName: 'FMT', description: 'text (default) or json (the manifest written and the regions not read, on stdout)' },
    ...DATA_OPTIONS,
  },
  async run(args, io) {
    const out = stringOpt(args, 'out');
    if (!out) throw new EvacError('--out DIR is required', { hint: 'e.g. evac precompute --out precomputed/ (then evac plan --data precomputed/)' });
    const format = textOrJson(args);
    // Checked before the (possibly long) read, so a bad --out fails at once and writes nothing.
    const outIssues = precomputeOutIssues(out, (stringOpt(args, 'source') ?? 'files') === 'files' ? (stringOpt(args, 'data') ?? 'fixtures') : undefined);
    if (outIssues.length > 0) throw inputError(outIssues, 'pass --out a new directory (or one an earlier evac precompute wrote)');
    const config = configFromArgs(args);
    const now = atFromArgs(args, io);
    const result = await withSource(args, io, config, (source) => precompute({ config, source, now }));
    if (format === 'json') {
      const manifest = writeDataDir(out, result.data, result.manifest);
      io.stdout.write(`${JSON.stringify({ out, manifest, unreachable: result.unreachable }, null, 2)}\n`);
      return result.unreachable.length > 0 ? EXIT.partial : EXIT.ok;
    }
    for (const u of result.unreachable) io.stderr.write(`warning: ${u.region} could not be read (${u.reason}): its series are missing from ${out}\n`);
    const manifest = writeDataDir(out, result.data, result.manifest);
    const rows = Object.entries(manifest.rows)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    io.stdout.write(`wrote ${out}: history to ${manifest.dataEnd} folded into ${rows}; plan from it with --data ${out}\n`);
    return result.unreachable.length > 0 ? EXIT.partial : EXIT.ok;
  },
};
