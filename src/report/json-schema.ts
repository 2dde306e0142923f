import { z } from 'zod';
import { BacktestSchema } from './backtest-schema.ts';
import { ApplyOutputSchema } from './apply-schema.ts';
import { PlanSchema } from './plan-schema.ts';
import { ReportSchema } from './report-schema.ts';
import { RestoreOutputSchema } from './restore-schema.ts';
import { StatusOutputSchema } from './status-schema.ts';
import { EvacuationConfigSchema } from '../config/evacuation-config.ts';
import { ServiceConfigSchema } from '../config/service-config.ts';
import type { SchemaName } from './schema-names.ts';

/** The schemas `evac schema` can print, by name. */
export const SCHEMAS = {
  evacuation: { schema: EvacuationConfigSchema, title: 'evac metrics-config/evacuation.yaml', io: 'input' },
  service: { schema: ServiceConfigSchema, title: 'evac metrics-config/services/<service>.yaml', io: 'input' },
  plan: { schema: PlanSchema, title: 'evac plan JSON (schemaVersion 1)', io: 'output' },
  report: { schema: ReportSchema, title: 'evac report JSON (schemaVersion 1)', io: 'output' },
  backtest: { schema: BacktestSchema, title: 'evac backtest JSON (schemaVersion 1)', io: 'output' },
  apply: { schema: ApplyOutputSchema, title: 'evac apply --format json', io: 'output' },
  restore: { schema: RestoreOutputSchema, title: 'evac restore --format json', io: 'output' },
  status: { schema: StatusOutputSchema, title: 'evac status --format json', io: 'output' },
} as const satisfies Record<SchemaName, { readonly schema: z.ZodType; readonly title: string; readonly io: 'input' | 'output' }>;

export type { SchemaName } from './schema-names.ts';

/** JSON Schema (draft 2020-12) of a config file or contract, for editor completion and validation. */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const { schema, title, io } = SCHEMAS[name];
  return { title, ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) };
}
