import { EvacError, EXIT } from '../../src/errors.ts';
import { AWS_OPTIONS, regionTimeoutFromArgs } from '../aws-options.ts';
import { boolOpt, type Command, stringOpt } from '../command.ts';
import { intOpt, textOrJson } from '../options.ts';
import { renderProgressLine, renderStatus } from '../render/scaling-text.ts';
import { STATE_OPTIONS, WAIT_OPTIONS } from './apply.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show pre-scaling progress: running capacity against the new Min of every target',
  usage: 'evac status [--snapshot FILE] [--wait] [--state-dir DIR] [--format text|json] [--endpoint-url URL|REGION=URL]... [--profile NAME]',
  options: {
    snapshot: { type: 'string', valueName: 'FILE', description: 'The snapshot apply wrote (default: the newest active one in --state-dir)' },
    ...WAIT_OPTIONS,
    ...STATE_OPTIONS,
    format: { type: 'string', valueName: 'FMT', description: 'text (default) or json' },
    ...AWS_OPTIONS,
  },
  async run(args, io) {
    const { readStatus, waitForTargets } = await import('../../src/services/status.ts');
    const { findActiveSnapshot, loadSnapshot } = await import('../../src/state/snapshot.ts');
    const format = textOrJson(args);
    const stateDir = stringOpt(args, 'state-dir') ?? '.evac-state';
    const file = stringOpt(args, 'snapshot') ?? findActiveSnapshot(stateDir)?.file;
    if (file === undefined)
      throw new EvacError(`no active snapshot in ${stateDir}/snapshots: nothing is being pre-scaled`, { hint: 'name one with --snapshot FILE' });
    const snapshot = loadSnapshot(file);
    const aws = await import('../aws.ts');
    const clients = aws.awsClientsFromArgs(args, io);
    try {
      const options = {
        snapshot,
        scaler: aws.scalerFor(clients),
        capacity: aws.capacityReaderFor(clients),
        regionTimeoutMs: regionTimeoutFromArgs(args),
        now: io.now,
      };
      let status: Awaited<ReturnType<typeof readStatus>>;
      let reached: boolean;
      if (boolOpt(args, 'wait')) {
        const timeout = intOpt(args, 'wait-timeout', 900);
        ({ status, reached } = await waitForTargets({
          ...options,
          timeoutMs: timeout * 1000,
          intervalMs: intOpt(args, 'poll-interval', 15, 1) * 1000,
          onPoll: (s) => io.stderr.write(renderProgressLine(s)),
        }));
      } else {
        status = await readStatus(options);
        reached = status.reached === status.total;
      }
      io.stdout.write(format === 'json' ? `${JSON.stringify({ ...status, meta: { apiCalls: clients.calls.calls() } }, null, 2)}\n` : renderStatus(status));
      aws.reportApiCalls(args, io, clients);
      return boolOpt(args, 'wait') && !reached ? EXIT.partial : EXIT.ok;
    } finally {
      clients.destroy();
    }
  },
};
