import { existsSync } from 'node:fs';
import path from 'node:path';
import { EvacError } from '../../src/errors.ts';
import { MANIFEST_FILE } from '../../src/sources/data-files.ts';
import { regionTimeoutFromArgs } from '../aws-options.ts';
import { type Command, type ParsedArgs, STALE_OPTIONS, stringOpt } from '../command.ts';
import type { CliIO } from '../io.ts';
import { atFromArgs, configFromArgs, intOpt } from '../options.ts';
import { DATA_OPTIONS, sourceFromArgs } from '../source.ts';
import { keyHelpText } from '../ui/key-help.ts';
import { STATE_OPTIONS } from './apply.ts';

export const uiCommand: Command = {
  name: 'ui',
  summary: 'The incident cockpit: browse the plans, apply them, watch capacity arrive, restore',
  usage: 'evac ui [--failed REGION] [--at TIME] [--window MIN] [--stale-days DAYS] [--config DIR] [--data DIR] [--source files|aws] [--state-dir DIR]',
  options: {
    failed: { type: 'string', valueName: 'REGION', description: 'Region to show first (default: the first one with steering)' },
    at: { type: 'string', valueName: 'TIME', description: 'Time of day to plan for (default: now; t changes it in the UI)' },
    window: { type: 'string', valueName: 'MIN', description: 'Plan for the worst bucket in [at, at+MIN) (default 0; w changes it)' },
    ...STATE_OPTIONS,
    ...STALE_OPTIONS,
    ...DATA_OPTIONS,
  },
  extraHelp: `Keys:\n${keyHelpText()}\n\nColour marks risk (red: exceeds max, yellow: low confidence); NO_COLOR turns it off.`,
  async run(args, io) {
    const { openIncident } = await import('../../src/services/incident.ts');
    if (!io.stdout.isTTY || !io.stdin?.isTTY) {
      throw new EvacError('evac ui needs an interactive terminal', { hint: 'use "evac plan --format table|markdown|json" in scripts and CI' });
    }
    // The first frame: a line at once, before anything is read.
    io.stdout.write(`evac ui: loading ${sourceLabel(args)}…`);
    // React's production build: its development checks cost tens of ms a keypress with thousands of rows.
    process.env.NODE_ENV ??= 'production';
    // Ink reads CI / CONTINUOUS_INTEGRATION when it loads and then prints only the last frame on
    // exit. The terminal is interactive (checked above), so a CI variable left in the shell (or a
    // test harness running under CI) must not turn the cockpit into a blank screen.
    for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name] !== undefined) process.env[name] = 'false';
    // Ink and React load only for this command (the others start quicker), while the data is read.
    const ui = Promise.all([import('ink'), import('react'), import('../ui/EvacuationApp.tsx'), import('../ui/service-actions.ts')]);
    ui.catch(() => {});
    const config = configFromArgs(args);
    const failedRegions = Object.keys(config.evacuation.steering);
    const initialFailed = stringOpt(args, 'failed') ?? failedRegions[0];
    if (initialFailed === undefined || !failedRegions.includes(initialFailed)) {
      throw new EvacError(`--failed "${initialFailed}": expected a region with steering: ${failedRegions.join(', ')}`);
    }
    const at = atFromArgs(args, io);
    const windowMinutes = intOpt(args, 'window', 0);
    const stateDir = stringOpt(args, 'state-dir') ?? '.evac-state';
    const label = sourceLabel(args);

    const aws = stringOpt(args, 'source') === 'aws' ? await import('../aws.ts') : undefined;
    const clients = aws?.awsClientsFromArgs(args, io);
    try {
      const planner = openIncident({
        config,
        source: await sourceFromArgs(args, io, config, clients, { traceReport: false }),
        now: io.now(),
        staleAfterSeconds: intOpt(args, 'stale-days', 2) * 86_400,
      });
      // Bad data or config fails here, before the UI opens: exit 2 with the message of evac plan.
      const initialPlan = await planner.plan({ failedRegion: initialFailed, at, windowMinutes }).catch((error: unknown) => {
        io.stdout.write('\n');
        throw error;
      });
      const [{ render }, { createElement }, { EvacuationApp }, { awsActions, filesActions }] = await ui;
      const actions =
        aws && clients
          ? awsActions({
              config,
              scaler: aws.scalerFor(clients),
              capacity: aws.capacityReaderFor(clients),
              stateDir,
              concurrency: 4,
              regionTimeoutMs: regionTimeoutFromArgs(args),
            })
          : filesActions(stateDir);
      io.stdout.write('\r\u001B[K');
      const app = render(
        createElement(EvacuationApp, {
          failedRegions,
          initialFailed,
          initialAt: at,
          initialWindow: windowMinutes,
          initialPlan,
          planner,
          actions,
          sourceLabel: label,
          color: colorWanted(io),
          now: () => io.now(),
        }),
        { exitOnCtrlC: false },
      );
      await app.waitUntilExit();
    } finally {
      clients?.destroy();
    }
    return 0;
  },
};

/** Colour unless NO_COLOR is set (to anything but empty) or stdout is not a terminal. */
export function colorWanted(io: CliIO): boolean {
  const noColor = io.env.NO_COLOR;
  return io.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

/** Where the data comes from, for the header: files DIR, precomputed DIR, AWS. */
function sourceLabel(args: ParsedArgs): string {
  const data = stringOpt(args, 'data') ?? 'fixtures';
  if (stringOpt(args, 'source') === 'aws') {
    const history = stringOpt(args, 'history');
    return history === undefined ? 'AWS (CloudWatch)' : `AWS capacity + precomputed ${history}`;
  }
  return existsSync(path.join(data, MANIFEST_FILE)) ? `precomputed ${data}` : `files ${data}`;
}
