import { EvacError, EXIT } from '../../src/errors.ts';
import { AWS_OPTIONS, askYesNo, regionTimeoutFromArgs } from '../aws-options.ts';
import { boolOpt, type Command, stringOpt } from '../command.ts';
import { intOpt, textOrJson } from '../options.ts';
import { renderOutcomeLine, renderRestoreResult } from '../render/scaling-text.ts';
import { STATE_OPTIONS } from './apply.ts';

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Put every target of a snapshot back to exactly its prior Min/Max',
  usage: 'evac restore [--snapshot FILE] [--force] [--yes] [--dry-run] [--state-dir DIR] [--endpoint-url URL|REGION=URL]... [--profile NAME]',
  options: {
    snapshot: { type: 'string', valueName: 'FILE', description: 'The snapshot apply wrote (default: the newest active one in --state-dir)' },
    force: { type: 'boolean', description: 'Also restore targets someone else changed after evac set them' },
    yes: { type: 'boolean', description: 'Do not ask for confirmation' },
    'dry-run': { type: 'boolean', description: 'Print what would be restored, change nothing' },
    ...STATE_OPTIONS,
    concurrency: { type: 'string', default: '4', valueName: 'N', description: 'RegisterScalableTarget calls in flight per region' },
    format: { type: 'string', valueName: 'FMT', description: 'text (default) or json' },
    ...AWS_OPTIONS,
  },
  async run(args, io) {
    const { restoreSnapshot } = await import('../../src/services/restore.ts');
    const { findActiveSnapshot } = await import('../../src/state/snapshot.ts');
    const format = textOrJson(args);
    const out = (text: string) => (format === 'json' ? io.stderr.write(text) : io.stdout.write(text));
    const stateDir = stringOpt(args, 'state-dir') ?? '.evac-state';
    const file = stringOpt(args, 'snapshot') ?? findActiveSnapshot(stateDir)?.file;
    if (file === undefined) throw new EvacError(`no active snapshot in ${stateDir}/snapshots`, { hint: 'name one with --snapshot FILE (or --state-dir DIR)' });
    const concurrency = intOpt(args, 'concurrency', 4, 1);
    const aws = await import('../aws.ts');
    const clients = aws.awsClientsFromArgs(args, io);
    try {
      const result = await restoreSnapshot({
        snapshotFile: file,
        scaler: aws.scalerFor(clients),
        stateDir,
        force: boolOpt(args, 'force'),
        dryRun: boolOpt(args, 'dry-run'),
        concurrency,
        regionTimeoutMs: regionTimeoutFromArgs(args),
        ...(boolOpt(args, 'yes')
          ? {}
          : {
              confirm: async (changes) => {
                out(changes.map(renderOutcomeLine).join(''));
                return askYesNo(io, `Restore ${changes.length} target${changes.length > 1 ? 's' : ''} to their prior Min/Max?`);
              },
            }),
        onResult: (o) => io.stderr.write(renderOutcomeLine(o)),
      });
      out(renderRestoreResult(result));
      if (format === 'json') io.stdout.write(`${JSON.stringify({ ...result, meta: { apiCalls: clients.calls.calls() } }, null, 2)}\n`);
      aws.reportApiCalls(args, io, clients);
      return result.summary.failed > 0 ? EXIT.partial : EXIT.ok;
    } finally {
      clients.destroy();
    }
  },
};
