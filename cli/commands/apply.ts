import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import type { MetricStat } from '../../src/config/metric-query.ts';
import { planUnits, resolveScope } from '../../src/config/resolve-scope.ts';
import { EvacError, formatIssue, type InputIssue } from '../../src/errors.ts';
import { MAX_JSON_BYTES, readRequiredText } from '../../src/input-file.ts';
import { type Plan, type PlanEntry, PlanSchema } from '../../src/report/plan-schema.ts';
import { renderPlanTable } from '../../src/report/plan-text.ts';
import { applyPlan } from '../../src/services/apply.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { waitForTargets } from '../../src/services/status.ts';
import { loadSnapshot } from '../../src/state/snapshot.ts';
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
  usage: 'evac apply [PLAN.json] --failed REGION [--yes] [--dry-run] [--wait] [--state-dir DIR] [--source aws] [--endpoint-url URL|REGION=URL]... [--profile NAME] [--region-timeout MS]',
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
    const format = stringOpt(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new EvacError(`--format "${format}": expected text or json`);
    const out = (text: string) => (format === 'json' ? io.stderr.write(text) : io.stdout.write(text));
    const aws = await import('../aws.ts');
    const clients = aws.awsClientsFromArgs(args, io);
    try {
      const file = args.positionals[0];
      const failed = stringOpt(args, 'failed');
      let plan: Plan;
      let config: LoadedConfig | undefined;
      if (file !== undefined) {
        plan = readPlanFile(file);
        if (failed !== undefined && failed !== plan.failedRegion) {
          throw new EvacError(`${file} plans the evacuation of ${plan.failedRegion}, not ${failed}`, { hint: `drop --failed, or plan ${failed} with evac plan --failed ${failed} --out FILE` });
        }
        config = optionalConfig(stringOpt(args, 'config') ?? plan.configDir);
      } else {
        if (!failed) throw new EvacError('--failed REGION is required without a plan file', { hint: 'e.g. evac apply --failed us-west-2, or evac apply plan.json' });
        config = configFromArgs(args);
        plan = await planEvacuation({
          config,
          source: await sourceFromArgs(args, io, config, clients),
          failedRegion: failed,
          at: atFromArgs(args, io),
          windowMinutes: intOpt(args, 'window', 0),
          allowPartialHistory: boolOpt(args, 'allow-partial-history'),
          now: io.now(),
          staleAfterSeconds: intOpt(args, 'stale-days', 2) * 86_400,
        });
        out(renderPlanTable(plan, terminalWidth(args, io)));
        out('\n');
      }

      const scaler = aws.scalerFor(clients);
      const yes = boolOpt(args, 'yes');
      const dryRun = boolOpt(args, 'dry-run');
      const result = await applyPlan({
        plan,
        reviewed: file !== undefined,
        scaler,
        stateDir: stringOpt(args, 'state-dir') ?? '.evac-state',
        dryRun,
        concurrency: intOpt(args, 'concurrency', 4, 1),
        regionTimeoutMs: regionTimeoutFromArgs(args),
        ...(config ? { capacityMetricOf: capacityMetricResolver(config) } : {}),
        ...(yes
          ? {}
          : {
              confirm: async (changes) => {
                out(renderChanges(changes));
                return askYesNo(io, `Make these ${changes.length} change${changes.length > 1 ? 's' : ''} in ${[...new Set(changes.map((c) => c.region))].join(', ')}?`);
              },
            }),
        onResult: (o) => io.stderr.write(renderOutcomeLine(o)),
      });
      if (dryRun) out(renderChanges(result.changes));
      out(renderApplyResult(result));

      let waited: boolean | undefined;
      if (boolOpt(args, 'wait') && !dryRun && result.snapshotFile) {
        const snapshot = loadSnapshot(result.snapshotFile);
        const { status, reached } = await waitForTargets({
          snapshot,
          scaler,
          capacity: aws.capacityReaderFor(clients),
          regionTimeoutMs: regionTimeoutFromArgs(args),
          timeoutMs: intOpt(args, 'wait-timeout', 900, 1) * 1000,
          intervalMs: intOpt(args, 'poll-interval', 15, 1) * 1000,
          onPoll: (s) => io.stderr.write(renderProgressLine(s)),
        });
        out(renderStatus(status));
        if (!reached) out(`Not every target reached its new Min within ${intOpt(args, 'wait-timeout', 900, 1)} s: evac status --wait goes on waiting.\n`);
        waited = reached;
      }
      if (format === 'json') io.stdout.write(`${JSON.stringify({ ...result, ...(waited === undefined ? {} : { reached: waited }), meta: { apiCalls: clients.calls.calls() } }, null, 2)}\n`);
      aws.reportApiCalls(args, io, clients);
      return result.summary.failed > 0 || waited === false ? 5 : 0;
    } finally {
      clients.destroy();
    }
  },
};

/**
 * Reads a plan saved by `evac plan --out FILE --format json`.
 * @throws EvacError (exit 2) naming the file and fields at fault.
 */
export function readPlanFile(file: string): Plan {
  const text = readRequiredText(file, { notFound: 'plan file not found', maxBytes: MAX_JSON_BYTES });
  if (!text.ok) throw new EvacError(formatIssue(text.issues[0] as InputIssue), { hint: 'save one with evac plan --failed REGION --out plan.json' });
  let json: unknown;
  try {
    json = JSON.parse(text.data);
  } catch (error) {
    throw new EvacError(`${file}: not JSON (${(error as Error).message.split('\n')[0]})`, { hint: 'save the plan with --format json (or an --out name ending in .json)' });
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issues: InputIssue[] = parsed.error.issues.slice(0, 10).map((i) => ({ file, path: i.path.join('.') || '(top level)', message: i.message }));
    throw new EvacError(`${file} is not an evac plan:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues, hint: 'save one with evac plan --failed REGION --out plan.json' });
  }
  return parsed.data;
}

function optionalConfig(dir: string): LoadedConfig | undefined {
  const loaded = loadConfig(dir);
  return loaded.ok ? loaded.data : undefined;
}

/** The capacity metric a plan entry's scope configures, for `evac status`. */
export function capacityMetricResolver(config: LoadedConfig): (entry: PlanEntry) => MetricStat | undefined {
  return (entry) => {
    const service = config.services.find((s) => s.config.service === entry.baseService);
    const unit = service ? planUnits(service.config).find((u) => u.name === entry.service) : undefined;
    return service && unit ? resolveScope(service.config, unit, entry.region).capacityMetric : undefined;
  };
}
