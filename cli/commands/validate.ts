import { EXIT, formatIssue } from '../../src/errors.ts';
import { boolOpt, type Command, stringOpt } from '../command.ts';
import { textOrJson } from '../options.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check the configs and the data files; exit 2 on any error',
  usage: 'evac validate [--config DIR] [--data DIR | --no-data] [--strict] [--format text|json]',
  options: {
    config: { type: 'string', default: 'metrics-config', valueName: 'DIR', description: 'Config directory' },
    data: { type: 'string', default: 'fixtures', valueName: 'DIR', description: 'Data directory to check against the configs' },
    'no-data': { type: 'boolean', description: 'Check the configs only (fast: for pull requests that touch metrics-config/)' },
    strict: { type: 'boolean', description: 'Treat warnings as errors' },
    format: { type: 'string', valueName: 'FMT', description: 'text (default: problems on stderr) or json (the whole report on stdout)' },
  },
  async run(args, io) {
    const { validate } = await import('../../src/services/validate.ts');
    const configDir = stringOpt(args, 'config') ?? 'metrics-config';
    const dataDir = boolOpt(args, 'no-data') ? undefined : (stringOpt(args, 'data') ?? 'fixtures');
    const format = textOrJson(args);
    const report = await validate({ configDir, now: io.now(), ...(dataDir === undefined ? {} : { dataDir }) });
    const failed = report.errors.length > 0 || (boolOpt(args, 'strict') && report.warnings.length > 0);
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify({ ok: !failed, ...report }, null, 2)}\n`);
      return failed ? EXIT.badInput : EXIT.ok;
    }
    for (const e of report.errors) io.stderr.write(`error: ${formatIssue(e)}\n`);
    for (const w of report.warnings) io.stderr.write(`warning: ${formatIssue(w)}\n`);
    if (report.errors.length > 0) {
      io.stderr.write(`${report.errors.length} error(s)\n`);
      return EXIT.badInput;
    }
    const rows = Object.entries(report.summary.rows)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    const checked = `${report.summary.services} service configs (${report.summary.units} units), ${report.summary.regions} regions${rows ? `; data: ${rows}` : ''}`;
    if (boolOpt(args, 'strict') && report.warnings.length > 0) {
      io.stderr.write(`failed (--strict): ${report.warnings.length} warning(s) treated as errors; checked ${checked}\n`);
      return EXIT.badInput;
    }
    io.stdout.write(`ok: ${checked}; ${report.warnings.length} warning(s)\n`);
    return EXIT.ok;
  },
};
