import { EvacError } from '../../src/errors.ts';
import { renderPlanTable } from '../../src/report/plan-text.ts';
import type { PlanInput } from '../../src/services/evacuate.ts';
import { AWS_OPTIONS, askYesNo, CLOUDWATCH_OPTIONS, regionTimeoutFromArgs } from '../aws-options.ts';
import { boolOpt, CONFIG_OPTIONS, type Command, HISTORY_OPTIONS, stringOpt } from '../command.ts';
import { atFromArgs, configFromArgs, intOpt, terminalWidth } from '../options.ts';
import { renderApplyResult, renderChanges, renderOutcomeLine, renderProgressLine, renderStatus } from '../render/scaling-text.ts';
import { sourceFromArgs } from '../source.ts';

/** Flags shared by apply, restore and status. */
export const STATE_OPTIONS = {
  'state-dir': { type: 'string', default: '.evac-state', valueName: 'DIR', description: 'Where snapshots, the audit log and the lock live' },
} as const;

export const WAIT_OPTIONS = {
  wait: { type: 'boolean', description: 'Poll running capacity until every target reaches its new Min, with a progress bar' },
  'wait-timeout': { type: 'string', default: '900', valueName: 'SECONDS', description: 'Give up waiting after this long (exit 5)' },
  'poll-interval': { type: 'string', default: '15', valueName: 'SECONDS', description: 'Time between polls while waiting' },
} as const;

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Pre-scale the healthy regions: raise MinCapacity (MaxCapacity where allowed) with Application Auto Scaling',
  usage:
    'evac apply [PLAN.json] --failed REGION [--yes] [--dry-run] [--wait] [--state-dir DIR] [--source aws] [--endpoint-url URL|REGION=URL]... [--profile NAME] [--region-timeout MS]',
  positionals: { min: 0, max: 1 },
  options: {
    failed: { type: 'string', valueName: 'REGION', description: 'The region being evacuated (required without PLAN.json; must match it with one)' },
    yes: { type: 'boolean', description: 'Do not ask for confirmation' },
    'dry-run': { type: 'boolean', description: 'Print the exact calls it would make, change nothing' },
    ...WAIT_OPTIONS,
    ...STATE_OPTIONS,
    concurrency: { type: 'string', default: '4', valueName: 'N', description: 'RegisterScalableTarget calls in flight per region' },
    format: { type: 'string', valueName: 'FMT', description: 'text (default) or json (the result on stdout, the rest on stderr)' },
    at: { type: 'string', valueName: 'TIME', description: 'Without PLAN.json: time of day to plan for (default: now)' },
    window: { type: 'string', valueName: 'MIN', description: 'Without PLAN.json: plan for the worst bucket in [at, at+MIN) (default 0)' },
    ...HISTORY_OPTIONS,
    ...CONFIG_OPTIONS,
    source: { type: 'string', default: 'aws', valueName: 'NAME', description: 'Without PLAN.json: where the plan reads data, aws or files' },
    ...CLOUDWATCH_OPTIONS,
    ...AWS_OPTIONS,
  },
  async run(args, io) {
    const { evacuate } = await import('../../src/services/evacuate.ts');
    const format = stringOpt(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new EvacError(`--format "${format}": expected text or json`);
    const out = (text: string) => (format === 'json' ? io.stderr.write(text) : io.stdout.write(text));
    const file = args.positionals[0];
    const failed = stringOpt(args, 'failed');
    if (file === undefined && !failed)
      throw new EvacError('--failed REGION is required without a plan file', { hint: 'e.g. evac apply --failed us-west-2, or evac apply plan.json' });
    const aws = await import('../aws.ts');
    const clients = aws.awsClientsFromArgs(args, io);
    try {
      let input: PlanInput;
      if (file !== undefined) {
        const configDir = stringOpt(args, 'config');
        input = { file, ...(failed === undefined ? {} : { failedRegion: failed }), ...(configDir === undefined ? {} : { configDir }) };
      } else {
        const config = configFromArgs(args);
        const planOptions = {
          config,
          source: await sourceFromArgs(args, io, config, clients),
          failedRegion: failed ?? '',
          at: atFromArgs(args, io),
          windowMinutes: intOpt(args, 'window', 0),
          allowPartialHistory: boolOpt(args, 'allow-partial-history'),
          now: io.now(),
          staleAfterSeconds: intOpt(args, 'stale-days', 2) * 86_400,
        };
        input = { planOptions };
      }
      const dryRun = boolOpt(args, 'dry-run');
      const waitTimeout = intOpt(args, 'wait-timeout', 900, 1);
      const { result, waited } = await evacuate({
        input,
        onPlan: (plan) => {
          if (file === undefined) out(`${renderPlanTable(plan, terminalWidth(args, io))}\n`);
        },
        scaler: aws.scalerFor(clients),
        stateDir: stringOpt(args, 'state-dir') ?? '.evac-state',
        dryRun,
        concurrency: intOpt(args, 'concurrency', 4, 1),
        regionTimeoutMs: regionTimeoutFromArgs(args),
        ...(boolOpt(args, 'yes')
          ? {}
          : {
              confirm: async (changes) => {
                out(renderChanges(changes));
                return askYesNo(
                  io,
                  `Make these ${changes.length} change${changes.length > 1 ? 's' : ''} in ${[...new Set(changes.map((c) => c.region))].join(', ')}?`,
                );
              },
            }),
        onResult: (o) => io.stderr.write(renderOutcomeLine(o)),
        ...(boolOpt(args, 'wait')
          ? {
              wait: {
                capacity: aws.capacityReaderFor(clients),
                timeoutMs: waitTimeout * 1000,
                intervalMs: intOpt(args, 'poll-interval', 15, 1) * 1000,
                onPoll: (s) => io.stderr.write(renderProgressLine(s)),
              },
            }
          : {}),
      });
      if (dryRun) out(renderChanges(result.changes));
      out(renderApplyResult(result));
      if (waited) {
        out(renderStatus(waited.status));
        if (!waited.reached) out(`Not every target reached its new Min within ${waitTimeout} s: evac status --wait goes on waiting.\n`);
      }
      if (format === 'json')
        io.stdout.write(
          `${JSON.stringify({ ...result, ...(waited === null ? {} : { reached: waited.reached }), meta: { apiCalls: clients.calls.calls() } }, null, 2)}\n`,
        );
      aws.reportApiCalls(args, io, clients);
      return result.summary.failed > 0 || waited?.reached === false ? 5 : 0;
    } finally {
      clients.destroy();
    }
  },
};
