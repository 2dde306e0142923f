import path from 'node:path';
import { EvacError } from '../../src/errors.ts';
import { parseTime } from '../../src/sources/csv-table.ts';
import { writeFileAtomic } from '../../src/state/atomic-write.ts';
import { type Command, stringOpt } from '../command.ts';
import { configFromArgs, emit, formatFromArgs, terminalWidth } from '../options.ts';
import { DATA_OPTIONS, withSource } from '../source.ts';

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'Replay past evacuations: how well weighted, uniform and no scaling predicted the demand observed',
  usage: 'evac backtest [--evacuation START] [--format table|markdown|json] [--out FILE]',
  options: {
    evacuation: {
      type: 'string',
      valueName: 'START',
      description: 'Replay only the evacuation starting at START (ISO 8601 or epoch seconds; default: all in evacuations.csv)',
    },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), markdown or json (default from --out: .json, .md)' },
    out: {
      type: 'string',
      valueName: 'FILE',
      description: 'Write to FILE (atomically); a Markdown report gets its SVG chart beside it (FILE without .md + .svg)',
    },
    ...DATA_OPTIONS,
  },
  async run(args, io) {
    const { renderBacktestTerminalChart } = await import('../render/backtest-chart.ts');
    const { renderBacktestSvg } = await import('../../src/report/backtest-svg.ts');
    const { renderBacktestMarkdown, renderBacktestTable } = await import('../../src/report/backtest-text.ts');
    const { runBacktest } = await import('../../src/services/backtest.ts');
    const format = formatFromArgs(args);
    const config = configFromArgs(args);
    const text = stringOpt(args, 'evacuation');
    const evacuationStart = text === undefined ? undefined : parseTime(text);
    if (evacuationStart === undefined && text !== undefined)
      throw new EvacError(`--evacuation "${text}": expected ISO 8601 with a zone (2026-11-22T14:00:00Z) or Unix epoch seconds`);
    const backtest = await withSource(args, io, config, (source) =>
      runBacktest({ config, source, now: Math.floor(io.now()), ...(evacuationStart === undefined ? {} : { evacuationStart }) }),
    );
    const out = stringOpt(args, 'out');
    if (format === 'json') emit(args, io, `${JSON.stringify(backtest, null, 2)}\n`);
    else if (format === 'markdown') {
      let chart: string | undefined;
      if (out !== undefined) {
        const svg = `${out.replace(/\.md$/, '')}.svg`;
        writeFileAtomic(svg, renderBacktestSvg(backtest));
        io.stderr.write(`wrote ${svg}\n`);
        chart = path.basename(svg);
      }
      emit(args, io, renderBacktestMarkdown(backtest, chart));
    } else {
      const tty = out === undefined && io.stdout.isTTY === true;
      emit(args, io, `${renderBacktestTable(backtest, terminalWidth(args, io))}\n${renderBacktestTerminalChart(backtest, tty)}`);
    }
    return 0;
  },
};
