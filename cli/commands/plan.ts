import { EvacError, EXIT } from '../../src/errors.ts';
import { renderPlanMarkdown, renderPlanTable } from '../../src/report/plan-text.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { boolOpt, type Command, HISTORY_OPTIONS, stringOpt } from '../command.ts';
import { atFromArgs, colorWanted, configFromArgs, emit, formatFromArgs, intOpt, terminalWidth } from '../options.ts';
import { DATA_OPTIONS, withSource } from '../source.ts';

export const planCommand: Command = {
  name: 'plan',
  summary: 'Compute per-service, per-region pre-scaling for the evacuation of one region',
  usage: 'evac plan --failed REGION [--at TIME] [--window MIN] [--format table|markdown|json] [--out FILE]',
  options: {
    failed: { type: 'string', valueName: 'REGION', description: 'The region being evacuated (required)' },
    at: {
      type: 'string',
      valueName: 'TIME',
      description: 'Time to plan for: a time of day today (18:00, UTC unless zoned), ISO 8601 or epoch seconds (default: now)',
    },
    window: { type: 'string', valueName: 'MIN', description: 'Plan for the worst bucket in [at, at+MIN) (default 0)' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), markdown or json (default json when --out ends in .json)' },
    out: { type: 'string', valueName: 'FILE', description: 'Write to FILE (atomically) instead of stdout; a JSON plan can be applied later' },
    ...HISTORY_OPTIONS,
    ...DATA_OPTIONS,
  },
  async run(args, io) {
    const failed = stringOpt(args, 'failed');
    if (!failed) throw new EvacError('--failed REGION is required', { hint: 'e.g. evac plan --failed us-west-2' });
    const format = formatFromArgs(args);
    const config = configFromArgs(args);
    const at = atFromArgs(args, io);
    const windowMinutes = intOpt(args, 'window', 0);
    const allowPartialHistory = boolOpt(args, 'allow-partial-history');
    const plan = await withSource(args, io, config, (source) =>
      planEvacuation({
        config,
        source,
        failedRegion: failed,
        at,
        windowMinutes,
        allowPartialHistory,
        now: io.now(),
        staleAfterSeconds: intOpt(args, 'stale-days', 2) * 86_400,
      }),
    );
    // The table shows warnings itself; JSON, Markdown and --out say them on stderr too.
    if (format !== 'table' || stringOpt(args, 'out') !== undefined) for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
    const text =
      format === 'json'
        ? `${JSON.stringify(plan, null, 2)}\n`
        : format === 'markdown'
          ? renderPlanMarkdown(plan)
          : renderPlanTable(plan, terminalWidth(args, io), { color: colorWanted(args, io) });
    emit(args, io, text);
    return EXIT.ok;
  },
};
