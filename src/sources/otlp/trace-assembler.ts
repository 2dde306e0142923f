import { getOrInsert } from '../../model/get-or-insert.ts';
import type { TraceSample } from '../../model/planning-data.ts';
import { HEX_ID, NO_PARENT, type SpanBatch } from './span-batch.ts';
import { type TraceReport, UNKNOWN_DEVICE } from './trace-report.ts';

/** Span flags: its id is a string (index in `names`), its parent id is, it is a root. */
const ID_STRING = 1;
const PARENT_STRING = 2;
const ROOT = 4;
/** Trace flags. */
const HAS_ROOT = 1;
const SPLIT = 2;

/** At most this much room is made before spans come (see the constructor). */
const MAX_EXPECTED_SPANS = 1 << 26;

/** A resource's pair id when its requests are not counted: why. */
const NO_SERVICE = -1;
const NO_REGION = -2;
const OTHER_REGION = -3;

/**
 * Groups spans by trace id across lines and files, then counts requests per (service, region,
 * device type, bucket occurrence): the aggregate shape `trace-samples.csv` holds.
 *
 * A trace's device type is only known once all its spans are seen (its root may come last, in
 * another file), so every trace stays pending until `finish`, in typed arrays: per span its two
 * ids (as 64-bit values, or string numbers), its counted service-region pair and bucket
 * occurrence and its reading-order ordinal, about 45 bytes (see README, "Performance").
 *
 * The result does not depend on the order batches are added in (worker threads deliver them in
 * any order): every "first" (the device type of a trace, the copy of a duplicate span that is
 * counted) is the first in reading order, by ordinal.
 */
export class TraceAssembler {
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly pairs = new Map<string, number>();
  private readonly pairNames: { service: string; region: string }[] = [];
  private noService = 0;
  private noRegion = 0;
  private readonly otherRegions = new Map<string, number>();

  // Traces: an open-addressing table on the hex id's 4 words, and a map for string ids.
  private slots = new Int32Array(1 << 16).fill(-1);
  private traceCount = 0;
  private traceCap = 0;
  private traceKeys = new Uint32Array(0);
  private head = new Int32Array(0);
  private firstFile = new Int32Array(0);
  private traceFlags = new Uint8Array(0);
  private rootDevice = new Int32Array(0);
  private rootOrdinal = new Float64Array(0);
  private anyDevice = new Int32Array(0);
  private anyOrdinal = new Float64Array(0);
  private readonly stringTraces = new Map<number, number>();

  // Spans, linked per trace (`next`).
  private spanCount = 0;
  private spanCap = 0;
  private next = new Int32Array(0);
  private idWords = new Uint32Array(0);
  private spanFlags = new Uint8Array(0);
  private pair = new Int32Array(0);
  private occurrence = new Float64Array(0);
  private ordinal = new Float64Array(0);
  /** The first and last bucket occurrence of a counted span. */
  private minOccurrence = Number.POSITIVE_INFINITY;
  private maxOccurrence = Number.NEGATIVE_INFINITY;

  /**
   * @param bucketSeconds width of a time-of-day bucket: counts are summed per occurrence of each bucket
   * @param regions the regions of evacuation.yaml: requests of other regions are reported, not counted
   * @param expectedSpans room to make at once (growing by doubling copies the arrays; room never
   *   written costs address space only, the pages are the system's zeroed ones until touched)
   */
  constructor(
    private readonly bucketSeconds: number,
    private readonly regions: ReadonlySet<string>,
    expectedSpans = 0,
  ) {
    const spans = Math.max(1 << 16, Math.min(expectedSpans, MAX_EXPECTED_SPANS));
    this.growTraces(spans >> 2);
    this.growSpans(spans);
  }

  /** Adds a batch of spans (in any order relative to other batches). */
  add(batch: SpanBatch): void {
    const g = new Int32Array(batch.strings.length);
    for (let i = 0; i < g.length; i++) g[i] = this.name(batch.strings[i]!);
    const resourcePair = new Int32Array(batch.services.length);
    const resourceRegion = new Int32Array(batch.services.length);
    for (let r = 0; r < resourcePair.length; r++) {
      const s = batch.services[r]!;
      const rg = batch.regions[r]!;
      resourceRegion[r] = rg < 0 ? -1 : g[rg]!;
      if (s < 0) resourcePair[r] = NO_SERVICE;
      else if (rg < 0) resourcePair[r] = NO_REGION;
      else if (!this.regions.has(this.names[g[rg]!]!)) resourcePair[r] = OTHER_REGION;
      else resourcePair[r] = this.pairOf(this.names[g[s]!]!, this.names[g[rg]!]!);
    }
    if (this.spanCount + batch.count > this.spanCap) this.growSpans(Math.max(this.spanCap * 2, this.spanCount + batch.count));
    const { traceWords, idWords, idStrings, request, occurrence, ordinal, device, resource } = batch;
    for (let i = 0; i < batch.count; i++) {
      let pair = -1;
      if (request[i] === 1) {
        const r = resource[i]!;
        pair = resourcePair[r]!;
        if (pair === NO_SERVICE) this.noService += 1;
        else if (pair === NO_REGION) this.noRegion += 1;
        else if (pair === OTHER_REGION) {
          const region = this.names[resourceRegion[r]!]!;
          this.otherRegions.set(region, (this.otherRegions.get(region) ?? 0) + 1);
        }
        if (pair < 0) pair = -1;
      }
      const traceString = idStrings[i * 3]!;
      const t =
        traceString === HEX_ID
          ? this.hexTrace(traceWords[i * 4]!, traceWords[i * 4 + 1]!, traceWords[i * 4 + 2]!, traceWords[i * 4 + 3]!, batch.file)
          : this.stringTrace(g[traceString]!, batch.file);
      if (this.firstFile[t] !== batch.file) this.traceFlags[t]! |= SPLIT;
      const ord = ordinal[i]!;
      const d = device[i]!;
      const parentString = idStrings[i * 3 + 2]!;
      const isRoot = parentString === NO_PARENT;
      if (isRoot) this.traceFlags[t]! |= HAS_ROOT;
      if (d >= 0) {
        if (isRoot) {
          if (ord < this.rootOrdinal[t]!) {
            this.rootOrdinal[t] = ord;
            this.rootDevice[t] = g[d]!;
          }
        } else if (ord < this.anyOrdinal[t]!) {
          this.anyOrdinal[t] = ord;
          this.anyDevice[t] = g[d]!;
        }
      }
      const s = this.spanCount++;
      this.next[s] = this.head[t]!;
      this.head[t] = s;
      let flags = isRoot ? ROOT : 0;
      const spanString = idStrings[i * 3 + 1]!;
      const w = s * 4;
      if (spanString === HEX_ID) {
        this.idWords[w] = idWords[i * 4]!;
        this.idWords[w + 1] = idWords[i * 4 + 1]!;
      } else {
        this.idWords[w] = g[spanString]!;
        this.idWords[w + 1] = 0;
        flags |= ID_STRING;
      }
      if (parentString === HEX_ID) {
        this.idWords[w + 2] = idWords[i * 4 + 2]!;
        this.idWords[w + 3] = idWords[i * 4 + 3]!;
      } else if (parentString >= 0) {
        this.idWords[w + 2] = g[parentString]!;
        this.idWords[w + 3] = 0;
        flags |= PARENT_STRING;
      }
      this.spanFlags[s] = flags;
      this.pair[s] = pair;
      const occ = occurrence[i]!;
      this.occurrence[s] = occ;
      if (pair >= 0) {
        if (occ < this.minOccurrence) this.minOccurrence = occ;
        if (occ > this.maxOccurrence) this.maxOccurrence = occ;
      }
      this.ordinal[s] = ord;
    }
  }

  /**
   * Finalizes every trace: one sample per (service, region, device, bucket occurrence) with
   * the summed count, stamped at the occurrence's start; and the report of what was found.
   */
  finish(files: number): { samples: TraceSample[]; report: TraceReport } {
    const unknownId = this.name(UNKNOWN_DEVICE);
    // Device types as dense numbers, for the cell keys.
    const deviceOf = new Map<number, number>();
    const deviceNames: string[] = [];
    const dense = (id: number) => {
      let d = deviceOf.get(id);
      if (d === undefined) {
        d = deviceNames.length;
        deviceOf.set(id, d);
        deviceNames.push(this.names[id]!);
      }
      return d;
    };
    // Every trace's device type first, so that their number is known for the cell keys.
    const traceDevice = new Int32Array(this.traceCount);
    for (let t = 0; t < this.traceCount; t++) {
      const known = this.rootDevice[t]! >= 0 ? this.rootDevice[t]! : this.anyDevice[t]!;
      traceDevice[t] = dense(known < 0 ? unknownId : known);
    }
    const devices = deviceNames.length;
    const pairs = this.pairNames.length;
    // Cells are numbered in the order samples come out: by occurrence, region, service, device.
    const pairPlace = places(this.pairNames.length, localeOrder(this.pairNames.map((p) => p.region)), localeOrder(this.pairNames.map((p) => p.service)));
    const devicePlace = places(devices, localeOrder(deviceNames));
    const counts = new CellCounts(this.minOccurrence, this.maxOccurrence, pairs * devices, this.spanCount);
    let requests = 0;
    let duplicateSpans = 0;
    let splitAcrossFiles = 0;
    let unknownTraces = 0;
    let unknownRequests = 0;
    const unknownByPair = new Float64Array(pairs);
    const broken = { traces: 0, orphanSpans: 0, noRoot: 0 };
    const ids = new IdSet();
    let order = new Int32Array(64);
    let duplicate = new Uint8Array(64);
    for (let t = 0; t < this.traceCount; t++) {
      let n = 0;
      for (let s = this.head[t]!; s >= 0; s = this.next[s]!) {
        if (n === order.length) {
          const bigger = new Int32Array(n * 2);
          bigger.set(order);
          order = bigger;
          duplicate = new Uint8Array(n * 2);
        }
        order[n++] = s;
      }
      // The list runs newest first: reversed, it is in reading order but for batches that came out of order.
      order.subarray(0, n).reverse();
      sortByOrdinal(order, n, this.ordinal);
      ids.reset(n);
      for (let k = 0; k < n; k++) {
        const s = order[k]!;
        const isDuplicate = !ids.add(this.spanFlags[s]! & ID_STRING, this.idWords[s * 4]!, this.idWords[s * 4 + 1]!);
        duplicate[k] = isDuplicate ? 1 : 0;
        if (isDuplicate) duplicateSpans += 1;
      }
      let orphans = 0;
      for (let k = 0; k < n; k++) {
        const s = order[k]!;
        const flags = this.spanFlags[s]!;
        if (
          duplicate[k] === 0 &&
          (flags & ROOT) === 0 &&
          !ids.has((flags & PARENT_STRING) === 0 ? 0 : ID_STRING, this.idWords[s * 4 + 2]!, this.idWords[s * 4 + 3]!)
        )
          orphans += 1;
      }
      const hasRoot = (this.traceFlags[t]! & HAS_ROOT) !== 0;
      if (orphans > 0 || !hasRoot) {
        broken.traces += 1;
        broken.orphanSpans += orphans;
        if (!hasRoot) broken.noRoot += 1;
      }
      if ((this.traceFlags[t]! & SPLIT) !== 0) splitAcrossFiles += 1;
      const isUnknown = this.rootDevice[t]! < 0 && this.anyDevice[t]! < 0;
      if (isUnknown) unknownTraces += 1;
      const device = traceDevice[t]!;
      for (let k = 0; k < n; k++) {
        const s = order[k]!;
        const pair = this.pair[s]!;
        if (pair < 0 || duplicate[k] === 1) continue;
        counts.add(this.occurrence[s]!, pairPlace[pair]! * devices + devicePlace[device]!);
        requests += 1;
        if (isUnknown) {
          unknownRequests += 1;
          unknownByPair[pair]! += 1;
        }
      }
    }
    const pairAt = new Int32Array(pairs);
    for (let p = 0; p < pairs; p++) pairAt[pairPlace[p]!] = p;
    const deviceAt = new Int32Array(devices);
    for (let d = 0; d < devices; d++) deviceAt[devicePlace[d]!] = d;
    const samples: TraceSample[] = [];
    counts.forEach((occ, cell, count) => {
      const { service, region } = this.pairNames[pairAt[Math.floor(cell / devices)]!]!;
      samples.push({ t: occ * this.bucketSeconds, region, service, device: deviceNames[deviceAt[cell % devices]!]!, count });
    });
    const byService = new Map<string, number>();
    for (let p = 0; p < pairs; p++) {
      if (unknownByPair[p]! === 0) continue;
      const service = this.pairNames[p]!.service;
      byService.set(service, (byService.get(service) ?? 0) + unknownByPair[p]!);
    }
    return {
      samples,
      report: {
        files,
        spans: this.spanCount,
        traces: this.traceCount,
        requests,
        unknownDevice: { traces: unknownTraces, requests: unknownRequests, byService: sortedRecord(byService) },
        broken,
        duplicateSpans,
        splitAcrossFiles,
        noService: this.noService,
        noRegion: this.noRegion,
        otherRegions: sortedRecord(this.otherRegions),
      },
    };
  }

  /** Bytes held per pending span (span and trace arrays, at their current capacity), for the benchmark. */
  bytesPerSpan(): number {
    const spanBytes = this.spanCap * (4 + 16 + 1 + 4 + 8 + 8);
    const traceBytes = this.traceCap * (16 + 4 + 4 + 1 + 4 + 8 + 4 + 8) + this.slots.length * 4;
    return (spanBytes + traceBytes) / Math.max(1, this.spanCount);
  }

  private name(s: string): number {
    return getOrInsert(this.nameIndex, s, () => this.names.push(s) - 1);
  }

  private pairOf(service: string, region: string): number {
    const key = `${service}\u0000${region}`;
    let p = this.pairs.get(key);
    if (p === undefined) {
      p = this.pairNames.length;
      this.pairs.set(key, p);
      this.pairNames.push({ service, region });
    }
    return p;
  }

  private hexTrace(w0: number, w1: number, w2: number, w3: number, file: number): number {
    const mask = this.slots.length - 1;
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca77) ^ Math.imul(w3, 0xc2b2ae3d), 0x27d4eb2f);
    h = (h ^ (h >>> 15)) & mask;
    const keys = this.traceKeys;
    for (;;) {
      const t = this.slots[h]!;
      if (t < 0) break;
      if (keys[t * 4] === w0 && keys[t * 4 + 1] === w1 && keys[t * 4 + 2] === w2 && keys[t * 4 + 3] === w3) return t;
      h = (h + 1) & mask;
    }
    const t = this.newTrace(file);
    this.traceKeys[t * 4] = w0;
    this.traceKeys[t * 4 + 1] = w1;
    this.traceKeys[t * 4 + 2] = w2;
    this.traceKeys[t * 4 + 3] = w3;
    this.slots[h] = t;
    if (this.traceCount * 2 > this.slots.length) this.rehash();
    return t;
  }

  private stringTrace(id: number, file: number): number {
    let t = this.stringTraces.get(id);
    if (t === undefined) {
      t = this.newTrace(file);
      this.stringTraces.set(id, t);
    }
    return t;
  }

  private newTrace(file: number): number {
    if (this.traceCount === this.traceCap) this.growTraces(this.traceCap * 2);
    const t = this.traceCount++;
    this.head[t] = -1;
    this.firstFile[t] = file;
    this.traceFlags[t] = 0;
    this.rootDevice[t] = -1;
    this.rootOrdinal[t] = Number.POSITIVE_INFINITY;
    this.anyDevice[t] = -1;
    this.anyOrdinal[t] = Number.POSITIVE_INFINITY;
    return t;
  }

  private rehash(): void {
    const stringIds = new Uint8Array(this.traceCount);
    for (const t of this.stringTraces.values()) stringIds[t] = 1;
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    const keys = this.traceKeys;
    for (let t = 0; t < this.traceCount; t++) {
      if (stringIds[t] === 1) continue;
      const w0 = keys[t * 4]!;
      let h = Math.imul(
        w0 ^ Math.imul(keys[t * 4 + 1]!, 0x9e3779b1) ^ Math.imul(keys[t * 4 + 2]!, 0x85ebca77) ^ Math.imul(keys[t * 4 + 3]!, 0xc2b2ae3d),
        0x27d4eb2f,
      );
      h = (h ^ (h >>> 15)) & mask;
      while (this.slots[h]! >= 0) h = (h + 1) & mask;
      this.slots[h] = t;
    }
  }

  private growTraces(cap: number): void {
    this.traceKeys = grown(this.traceKeys, cap * 4);
    this.head = grown(this.head, cap);
    this.firstFile = grown(this.firstFile, cap);
    this.traceFlags = grown(this.traceFlags, cap);
    this.rootDevice = grown(this.rootDevice, cap);
    this.rootOrdinal = grown(this.rootOrdinal, cap);
    this.anyDevice = grown(this.anyDevice, cap);
    this.anyOrdinal = grown(this.anyOrdinal, cap);
    this.traceCap = cap;
  }

  private growSpans(cap: number): void {
    this.next = grown(this.next, cap);
    this.idWords = grown(this.idWords, cap * 4);
    this.spanFlags = grown(this.spanFlags, cap);
    this.pair = grown(this.pair, cap);
    this.occurrence = grown(this.occurrence, cap);
    this.ordinal = grown(this.ordinal, cap);
    this.spanCap = cap;
  }
}

type Typed = Uint32Array | Int32Array | Uint8Array | Float64Array;

/** A copy of `a` with room for `length` elements. */
function grown<T extends Typed>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** Sorts order[0, n) by ordinal (insertion sort: traces are small, and nearly sorted). */
function sortByOrdinal(order: Int32Array, n: number, ordinal: Float64Array): void {
  if (n > 64) {
    const sorted = Array.from(order.subarray(0, n)).sort((a, b) => ordinal[a]! - ordinal[b]!);
    order.set(sorted);
    return;
  }
  for (let i = 1; i < n; i++) {
    const s = order[i]!;
    const o = ordinal[s]!;
    let j = i - 1;
    while (j >= 0 && ordinal[order[j]!]! > o) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = s;
  }
}

/** A set of span ids (string flag, two words) for one trace at a time: open addressing, cleared by a generation stamp. */
class IdSet {
  private stamp = new Int32Array(256);
  private kind = new Uint8Array(256);
  private hi = new Uint32Array(256);
  private lo = new Uint32Array(256);
  private generation = 0;
  private mask = 255;

  reset(n: number): void {
    if (n * 2 > this.stamp.length) {
      let size = this.stamp.length;
      while (n * 2 > size) size *= 2;
      this.stamp = new Int32Array(size);
      this.kind = new Uint8Array(size);
      this.hi = new Uint32Array(size);
      this.lo = new Uint32Array(size);
      this.generation = 0;
      this.mask = size - 1;
    }
    this.generation += 1;
  }

  /** Adds the id; false when it was there already. */
  add(kind: number, hi: number, lo: number): boolean {
    let h = this.slot(hi, lo);
    while (this.stamp[h] === this.generation) {
      if (this.kind[h] === kind && this.hi[h] === hi && this.lo[h] === lo) return false;
      h = (h + 1) & this.mask;
    }
    this.stamp[h] = this.generation;
    this.kind[h] = kind;
    this.hi[h] = hi;
    this.lo[h] = lo;
    return true;
  }

  has(kind: number, hi: number, lo: number): boolean {
    let h = this.slot(hi, lo);
    while (this.stamp[h] === this.generation) {
      if (this.kind[h] === kind && this.hi[h] === hi && this.lo[h] === lo) return true;
      h = (h + 1) & this.mask;
    }
    return false;
  }

  private slot(hi: number, lo: number): number {
    const h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca77);
    return (h ^ (h >>> 16)) & this.mask;
  }
}

/**
 * Each name's rank in localeCompare order (by index in `names`); names it finds equal (e.g.
 * canonically equivalent Unicode) are ordered by their code units, so every distinct name has
 * its own rank.
 */
function localeOrder(names: readonly string[]): Int32Array {
  const sorted = [...new Set(names)].sort((a, b) => a.localeCompare(b) || (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(sorted.map((name, i) => [name, i]));
  return Int32Array.from(names, (name) => rank.get(name)!);
}

/** The place of each of `n` items when sorted by the first ranks, then the next (ties: by index). */
function places(n: number, ...ranks: Int32Array[]): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (const r of ranks) if (r[a] !== r[b]) return r[a]! - r[b]!;
    return a - b;
  });
  const place = new Int32Array(n);
  for (const [i, item] of order.entries()) place[item] = i;
  return place;
}

/**
 * Request counts per (bucket occurrence, cell), cells numbered 0 to `cells` - 1: in one array
 * over every occurrence from the first to the last when that is at most 4 cells per span (or a
 * million), else per occurrence that has requests (start times years apart).
 */
class CellCounts {
  private readonly dense: Uint32Array | undefined;
  private readonly sparse = new Map<number, Map<number, number>>();

  constructor(
    private readonly minOcc: number,
    maxOcc: number,
    private readonly cells: number,
    spans: number,
  ) {
    const size = maxOcc >= minOcc ? (maxOcc - minOcc + 1) * cells : 0;
    if (size <= Math.max(1 << 20, 4 * spans)) this.dense = new Uint32Array(size);
  }

  add(occ: number, cell: number): void {
    if (this.dense !== undefined) {
      this.dense[(occ - this.minOcc) * this.cells + cell]! += 1;
      return;
    }
    let row = this.sparse.get(occ);
    if (row === undefined) {
      row = new Map();
      this.sparse.set(occ, row);
    }
    row.set(cell, (row.get(cell) ?? 0) + 1);
  }

  /** Calls `f` for every cell with requests, in order of occurrence, then cell. */
  forEach(f: (occ: number, cell: number, count: number) => void): void {
    const { dense, cells } = this;
    if (dense !== undefined) {
      for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) f(this.minOcc + Math.floor(i / cells), i % cells, dense[i]!);
      return;
    }
    for (const occ of [...this.sparse.keys()].sort((a, b) => a - b)) {
      const row = this.sparse.get(occ)!;
      for (const cell of [...row.keys()].sort((a, b) => a - b)) f(occ, cell, row.get(cell)!);
    }
  }
}

/** A map as a record with its keys sorted (so the report does not depend on reading order). */
function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  const record: Record<string, number> = {};
  for (const key of [...map.keys()].sort()) record[key] = map.get(key)!;
  return record;
}
