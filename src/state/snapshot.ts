import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MinMaxSchema } from '../scaling/scaler.ts';
import { parseJsonText } from '../config/json-file.ts';
import { MetricStatSchema } from '../config/metric-query.ts';
import { EvacError, formatIssue, type InputIssue } from '../errors.ts';
import { MAX_JSON_BYTES, readRequiredText } from '../input-file.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const SnapshotTargetSchema = z.strictObject({
  region: z.string(),
  /** The plan unit: `<service>` or `<service>/<shard>`. */
  service: z.string(),
  serviceNamespace: z.string(),
  resourceId: z.string(),
  scalableDimension: z.string(),
  /** Min/Max before evac first changed the target: what restore puts back. */
  prior: MinMaxSchema,
  /** Min/Max evac set or is about to set (written before the call). */
  intended: MinMaxSchema,
  /** Min/Max evac set and saw succeed; null until then. */
  applied: MinMaxSchema.nullable(),
  /** Where `evac status` reads the target's running capacity; null when unknown. */
  capacityMetric: MetricStatSchema.nullable(),
});
export type SnapshotTarget = z.infer<typeof SnapshotTargetSchema>;

export const SNAPSHOT_SCHEMA_VERSION = 1;

/**
 * `<state-dir>/snapshots/<id>.json`: every target one evacuation pre-scaled, with its prior
 * Min/Max. Written atomically before the first change; later applies for the same failed
 * region add targets to it but never replace a prior. `restore` puts the priors back and
 * marks it restored.
 */
export const SnapshotSchema = z.strictObject({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  kind: z.literal('evac-snapshot'),
  id: z.string(),
  failedRegion: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.enum(['active', 'restored']),
  restoredAt: z.string().nullable(),
  /** Fingerprints of the plans applied into it, oldest first. */
  plans: z.array(z.strictObject({ fingerprint: z.string(), at: z.string(), appliedAt: z.string() })),
  targets: z.array(SnapshotTargetSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export function snapshotsDir(stateDir: string): string {
  return path.join(stateDir, 'snapshots');
}

/** A file name that sorts by time: `2026-11-25T15-04-05-123Z-us-west-2`. */
export function newSnapshotId(failedRegion: string, now: Date): string {
  return `${now.toISOString().replaceAll(':', '-').replace('.', '-')}-${failedRegion}`;
}

export function snapshotFile(stateDir: string, id: string): string {
  return path.join(snapshotsDir(stateDir), `${id}.json`);
}

/** Writes the snapshot atomically (temp file, fsync, rename). */
export function saveSnapshot(file: string, snapshot: Snapshot): void {
  writeFileAtomic(file, `${JSON.stringify(SnapshotSchema.parse(snapshot), null, 2)}\n`);
}

/**
 * Reads and checks a snapshot file.
 * @throws EvacError (exit 2) naming the file and the fields at fault.
 */
export function loadSnapshot(file: string): Snapshot {
  const text = readRequiredText(file, { notFound: 'snapshot not found', maxBytes: MAX_JSON_BYTES });
  if (!text.ok)
    throw new EvacError(formatIssue(text.issues[0] as InputIssue), { hint: 'snapshots are under <state-dir>/snapshots/; evac status lists the active one' });
  const read = parseJsonText(file, text.data, SnapshotSchema);
  if (read.ok) return read.data;
  throw new EvacError(`${file} is not an evac snapshot:\n${read.issues.map((i) => `  ${i.path ?? '(file)'}: ${i.message}`).join('\n')}`, {
    issues: read.issues,
    hint: 'a snapshot is written by evac apply; restore from an intact copy',
  });
}

/** The newest active snapshot of a failed region (any region when undefined), or undefined. */
export function findActiveSnapshot(stateDir: string, failedRegion?: string): { file: string; snapshot: Snapshot } | undefined {
  const dir = snapshotsDir(stateDir);
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .sort()
    .reverse();
  for (const name of files) {
    const file = path.join(dir, name);
    const snapshot = loadSnapshot(file);
    if (snapshot.status === 'active' && (failedRegion === undefined || snapshot.failedRegion === failedRegion)) return { file, snapshot };
  }
  return undefined;
}
