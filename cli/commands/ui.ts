import { EvacError } from '../../src/errors.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { MemoSource } from '../../src/sources/memo-source.ts';
import { type Command, stringOpt } from '../command.ts';
import { atFromArgs, configFromArgs, intOpt } from '../options.ts';
import { DATA_OPTIONS, withSource } from '../source.ts';

export const uiCommand: Command = {
  name: 'ui',
  summary: 'Interactive terminal view of the plans, for use during an incident',
  usage: 'evac ui [--failed REGION] [--at TIME] [--window MIN] [--config DIR] [--data DIR] [--source files|aws]',
  options: {
    failed: { type: 'string', valueName: 'REGION', description: 'Region to show first (default: the first one with steering)' },
    at: { type: 'string', valueName: 'TIME', description: 'Time of day to plan for (default: now)' },
    window: { type: 'string', valueName: 'MIN', description: 'Plan for the worst bucket in [at, at+MIN) (default 0)' },
    ...DATA_OPTIONS,
  },
  async run(args, io) {
    if (!io.stdout.isTTY || !io.stdin?.isTTY) {
      throw new EvacError('evac ui needs an interactive terminal', { hint: 'use "evac plan --format table|markdown|json" in scripts and CI' });
    }
    const config = configFromArgs(args);
    const failedRegions = Object.keys(config.evacuation.steering);
    const initialFailed = stringOpt(args, 'failed') ?? failedRegions[0];
    if (initialFailed === undefined || !failedRegions.includes(initialFailed)) {
      throw new EvacError(`--failed "${initialFailed}": expected a region with steering: ${failedRegions.join(', ')}`);
    }
    const at = atFromArgs(args, io);
    const windowMinutes = intOpt(args, 'window', 0);
    // Data is read once; switching region only recomputes. AWS clients live as long as the view.
    await withSource(args, io, config, async (inner) => {
      const source = new MemoSource(inner);
      const loadPlan = (failedRegion: string) => planEvacuation({ config, source, failedRegion, at, windowMinutes, allowPartialHistory: true, now: io.now() });
      // Ink and React load only for this command, to keep the others quick to start.
      const [{ render }, { createElement }, { EvacuationApp }] = await Promise.all([import('ink'), import('react'), import('../ui/EvacuationApp.tsx')]);
      const listHeight = Math.max(5, (process.stdout.rows ?? 40) - 22);
      const app = render(createElement(EvacuationApp, { failedRegions, initialFailed, loadPlan, listHeight }));
      await app.waitUntilExit();
    });
    return 0;
  },
};
