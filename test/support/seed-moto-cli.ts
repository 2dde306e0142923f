/**
 * Seeds a running moto server from a files-source data directory, for trying `--source aws`
 * by hand:
 *
 *   .venv/bin/moto_server -H 127.0.0.1 -p 5000 &
 *   npx tsx test/support/seed-moto-cli.ts --endpoint-url http://127.0.0.1:5000 --config test/aws/fixtures/config --data DIR --at 2026-11-22T20:00:00Z
 *   evac plan --source aws --failed us-west-2 --config ... --data DIR --at ... --endpoint-url http://127.0.0.1:5000
 *
 * Moto's GetMetricData scans every period of every query over all points in the range, so
 * keep the data small (days, not weeks, of history).
 */
import { parseArgs } from 'node:util';
import { parseTime } from '../../src/sources/csv-table.ts';
import { seedMotoFromData } from './seed-moto.ts';

const { values } = parseArgs({
  options: {
    'endpoint-url': { type: 'string' },
    config: { type: 'string', default: 'metrics-config' },
    data: { type: 'string', default: 'fixtures' },
    at: { type: 'string' },
    // Only the running-capacity metrics: enough for --source aws --history DIR.
    'capacity-only': { type: 'boolean' },
  },
});
const endpoint = values['endpoint-url'];
if (!endpoint) throw new Error('--endpoint-url URL (the moto server) is required');
const at = values.at === undefined ? Math.floor(Date.now() / 1000) : parseTime(values.at);
if (at === undefined) throw new Error(`--at "${values.at}": expected ISO 8601 with a zone or epoch seconds`);
const targets = await seedMotoFromData({ endpoint, configDir: values.config, dataDir: values.data, at, metrics: values['capacity-only'] ? 'capacity' : 'all' });
console.log(`seeded ${targets.length} scalable targets and their metrics into ${endpoint}`);
