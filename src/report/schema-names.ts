/**
 * The names `evac schema` prints a JSON Schema for, in `evac help`'s order. The schemas
 * themselves are in json-schema.ts, which must list exactly these (the compiler checks it); the
 * names stand apart so that the CLI's help does not build every schema at start-up.
 */
export const SCHEMA_NAMES = ['evacuation', 'service', 'plan', 'report', 'backtest', 'apply', 'restore', 'status'] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];
