import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MinMaxSchema } from '../scaling/scaler.ts';

/** One line of `<state-dir>/audit.jsonl`: one RegisterScalableTarget call and how it ended. */
export const AuditEntrySchema = z.strictObject({
  time: z.string().describe('ISO 8601, UTC, when the call ended'),
  action: z.enum(['apply', 'restore']),
  snapshot: z.string().describe('Snapshot id the call belongs to'),
  region: z.string(),
  service: z.string(),
  serviceNamespace: z.string(),
  resourceId: z.string(),
  scalableDimension: z.string(),
  before: MinMaxSchema.describe('Min/Max read just before the call'),
  after: MinMaxSchema.describe('Min/Max the call set'),
  result: z.enum(['ok', 'error']),
  error: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export function auditFile(stateDir: string): string {
  return path.join(stateDir, 'audit.jsonl');
}

/**
 * Appends one JSON line and fsyncs it. O_APPEND keeps concurrent writers' lines whole; the
 * log is never rewritten.
 */
export function appendAudit(stateDir: string, entry: AuditEntry): void {
  mkdirSync(stateDir, { recursive: true });
  const fd = openSync(auditFile(stateDir), 'a', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(AuditEntrySchema.parse(entry))}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
