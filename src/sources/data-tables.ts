import path from 'node:path';
import type { InputIssue } from '../errors.ts';
import type { ColumnKind } from './csv-table.ts';

/** The CSV files of the files source, by name, with their columns. */
export const DATA_FILES = {
  traffic: { file: 'device-traffic.csv', required: true, columns: { timestamp: 'time', region: 'text', device_type: 'text', value: 'number' } },
  traces: { file: 'trace-samples.csv', required: true, columns: { timestamp: 'time', region: 'text', service: 'text', device_type: 'text', count: 'number' } },
  demand: { file: 'service-demand.csv', required: true, columns: { timestamp: 'time', region: 'text', service: 'text', value: 'number' } },
  capacity: {
    file: 'capacity.csv',
    required: true,
    columns: {
      region: 'text',
      service: 'text',
      current_capacity: 'optional-number',
      min_capacity: 'number',
      max_capacity: 'number',
      timestamp: 'optional-time',
    },
  },
  evacuations: { file: 'evacuations.csv', required: false, columns: { start: 'time', end: 'time', failed_region: 'text' } },
} as const satisfies Record<string, { file: string; required: boolean; columns: Record<string, ColumnKind> }>;

export function dataFile(dir: string, key: keyof typeof DATA_FILES): string {
  return path.join(dir, DATA_FILES[key].file);
}

/** A row's region that evacuation.yaml does not list. */
export function unknownRegion(file: string, line: number, region: string, column: string, regions: ReadonlySet<string>): InputIssue {
  return {
    file,
    line,
    message: `unknown region "${region}" in column "${column}": expected one of the regions in evacuation.yaml (${[...regions].join(', ')})`,
  };
}

/** A sample dated after now + 1 day (`evac validate`'s check): a clock or unit error. */
export function futureSample(file: string, line: number, column: string, t: number, notAfter: number): InputIssue {
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return {
    file,
    line,
    message: `column "${column}": ${iso(t)} is after now + 1 day (${iso(notAfter)}): a clock or unit error? expected a time in the past (epoch seconds, not milliseconds)`,
  };
}
