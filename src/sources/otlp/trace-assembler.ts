import type { TraceSample } from '../../model/planning-data.ts';
import { type TraceReport, UNKNOWN_DEVICE } from './trace-report.ts';

/** One span as the assembler needs it; `counted` is set for SERVER/CONSUMER spans with a service and region. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  /** Start time, epoch seconds. */
  readonly start: number;
  readonly counted: { readonly service: string; readonly region: string } | undefined;
}

/**
 * What is kept of a pending trace: its span ids (duplicates, orphans), parent ids, and per
 * counted span only (span index, service-region id, bucket occurrence), in flat arrays.
 */
interface PendingTrace {
  readonly ids: string[];
  readonly parents: string[];
  /** Triples: index into ids, service-region id, bucket occurrence (floor(start / bucket seconds)). */
  readonly counted: number[];
  rootDevice: string | undefined;
  anyDevice: string | undefined;
  hasRoot: boolean;
  lastFile: number;
  split: boolean;
}

/**
 * Groups spans by trace id across lines and files, then counts requests per (service, region,
 * device type, bucket occurrence): the aggregate shape `trace-samples.csv` holds.
 *
 * A trace's device type is only known once all its spans are seen (its root may come last, in
 * another file), so every trace stays pending until `finish`: memory grows with the spans read
 * (the id strings and three numbers per counted span; see README, "Traces from OpenTelemetry").
 */
export class TraceAssembler {
  private readonly pending = new Map<string, PendingTrace>();
  private readonly pairs = new Map<string, number>();
  private readonly pairNames: { service: string; region: string }[] = [];
  private spans = 0;

  /** @param bucketSeconds width of a time-of-day bucket: counts are summed per occurrence of each bucket */
  constructor(private readonly bucketSeconds: number) {}

  /** Whether the trace still needs a device type from this span (so the caller can skip the rules). */
  wantsDevice(traceId: string, isRoot: boolean): boolean {
    const t = this.pending.get(traceId);
    if (t === undefined) return true;
    return isRoot ? t.rootDevice === undefined : t.rootDevice === undefined && t.anyDevice === undefined;
  }

  /** Adds a span read from file number `file`, with the device type its own attributes give (if asked). */
  add(span: SpanRecord, file: number, device: string | undefined): void {
    this.spans += 1;
    let t = this.pending.get(span.traceId);
    if (t === undefined) {
      t = { ids: [], parents: [], counted: [], rootDevice: undefined, anyDevice: undefined, hasRoot: false, lastFile: file, split: false };
      this.pending.set(span.traceId, t);
    } else if (t.lastFile !== file) {
      t.split = true;
      t.lastFile = file;
    }
    const isRoot = span.parentSpanId === '';
    if (isRoot) t.hasRoot = true;
    if (device !== undefined) {
      if (isRoot) t.rootDevice ??= device;
      else t.anyDevice ??= device;
    }
    if (span.counted !== undefined) {
      const key = `${span.counted.service}\u0000${span.counted.region}`;
      let pair = this.pairs.get(key);
      if (pair === undefined) {
        pair = this.pairNames.length;
        this.pairs.set(key, pair);
        this.pairNames.push({ service: span.counted.service, region: span.counted.region });
      }
      t.counted.push(t.ids.length, pair, Math.floor(span.start / this.bucketSeconds));
    }
    t.ids.push(span.spanId);
    t.parents.push(span.parentSpanId);
  }

  /**
   * Finalizes every trace: one sample per (service, region, device, bucket occurrence) with
   * the summed count, stamped at the occurrence's start; and the report of what was found.
   */
  finish(files: number, report: Pick<TraceReport, 'noService' | 'noRegion' | 'otherRegions'>): { samples: TraceSample[]; report: TraceReport } {
    const devices = new Map<string, number>();
    const deviceNames: string[] = [];
    const cells = new Map<string, number>();
    let requests = 0;
    let duplicateSpans = 0;
    let splitAcrossFiles = 0;
    const unknown = { traces: 0, requests: 0, byService: {} as Record<string, number> };
    const broken = { traces: 0, orphanSpans: 0, noRoot: 0 };
    for (const t of this.pending.values()) {
      const seen = new Set<string>();
      const duplicate: boolean[] = new Array(t.ids.length).fill(false);
      for (let i = 0; i < t.ids.length; i++) {
        const id = t.ids[i]!;
        if (seen.has(id)) {
          duplicate[i] = true;
          duplicateSpans += 1;
        } else seen.add(id);
      }
      let orphans = 0;
      for (let i = 0; i < t.parents.length; i++) {
        const parent = t.parents[i]!;
        if (!duplicate[i] && parent !== '' && !seen.has(parent)) orphans += 1;
      }
      if (orphans > 0 || !t.hasRoot) {
        broken.traces += 1;
        broken.orphanSpans += orphans;
        if (!t.hasRoot) broken.noRoot += 1;
      }
      if (t.split) splitAcrossFiles += 1;
      const device = t.rootDevice ?? t.anyDevice ?? UNKNOWN_DEVICE;
      let deviceId = devices.get(device);
      if (deviceId === undefined) {
        deviceId = deviceNames.length;
        devices.set(device, deviceId);
        deviceNames.push(device);
      }
      const isUnknown = t.rootDevice === undefined && t.anyDevice === undefined;
      if (isUnknown) unknown.traces += 1;
      for (let i = 0; i < t.counted.length; i += 3) {
        if (duplicate[t.counted[i]!]) continue;
        const pair = t.counted[i + 1]!;
        const key = `${pair}:${deviceId}:${t.counted[i + 2]!}`;
        cells.set(key, (cells.get(key) ?? 0) + 1);
        requests += 1;
        if (isUnknown) {
          unknown.requests += 1;
          const service = this.pairNames[pair]!.service;
          unknown.byService[service] = (unknown.byService[service] ?? 0) + 1;
        }
      }
    }
    const samples: TraceSample[] = [];
    for (const [key, count] of cells) {
      const [pair, deviceId, occurrence] = key.split(':').map(Number) as [number, number, number];
      const { service, region } = this.pairNames[pair]!;
      samples.push({ t: occurrence * this.bucketSeconds, region, service, device: deviceNames[deviceId]!, count });
    }
    samples.sort((a, b) => a.t - b.t || a.region.localeCompare(b.region) || a.service.localeCompare(b.service) || a.device.localeCompare(b.device));
    return {
      samples,
      report: { files, spans: this.spans, traces: this.pending.size, requests, unknownDevice: unknown, broken, duplicateSpans, splitAcrossFiles, ...report },
    };
  }
}
