import { z } from 'zod';
import { NearestSample } from '../model/capacity-rescale.ts';
import { type DayTypes, regionZone, zoneDayTypes } from '../model/day-type.ts';
import { type BucketRows, type DemandLevels, type LevelBlock, levelBlock } from '../model/demand-levels.ts';
import type { CapacityRecord, EvacuationWindow } from '../model/planning-data.ts';
import { isCopiedNumber } from './number-bounds.ts';

/**
 * The demand levels section of the column copy (bucket-columns.ts): per time-of-day bucket,
 * every demand series' nominal level over all dates, weekdays and weekends, found by
 * NominalLevels from the rows the copy holds (levelBlock), and per capacity row the demand
 * sample nearest its observation. A plan of thousands of services reads these few kilobytes
 * per bucket instead of every date's demand row, and gets the same levels: it uses them only
 * when folding the rows would give exactly them (levelsUsable), and reads the rows otherwise.
 */
export const LevelsHeaderSchema = z.strictObject({
  /** The zone each region's dates were given their day type in (the config's `timeZones`, else UTC). */
  zones: z.record(z.string(), z.string()),
  /** The earliest and latest demand row times (epoch seconds). */
  span: z.tuple([z.number(), z.number()]),
  /** Per bucket, [byte offset, rows] of its levels (see levelBlockBytes). */
  blocks: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
  /** [byte offset, capacity rows] of the nearest demand samples (Float64 each; NaN: none). */
  atCapacity: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
export type LevelsHeader = z.infer<typeof LevelsHeaderSchema>;

/** What the column copy needs to find levels while the demand rows are written: the plans' day types and the capacity rows (their observations). */
export interface LevelsSpec {
  readonly dayTypes: DayTypes;
  readonly capacity: readonly CapacityRecord[];
}

/** The bytes of a levels block of `rows` series: their numbers (Int32, padded to 8 bytes), three Float64 columns (all, weekday, weekend), then the fallback bits (Uint8, padded). */
export function levelBlockBytes(rows: number): number {
  return pad8(rows * 4) + rows * 24 + pad8(rows);
}

function pad8(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}

/**
 * Finds the levels of the demand table's buckets as the column copy writes them: `row` sees each
 * demand row (series numbered as the copy numbers them), `block` turns a bucket's rows into its
 * levels block, `atCapacity` gives the nearest samples once every row is seen.
 */
export class LevelsWriter {
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  /** A row whose value is outside the plan's bounds: no levels then (a plan reads the rows, and their reader names it). */
  refused = false;
  /** Per series: the capacity rows of its (region, service) with an observation time, and their nearest samples. */
  private readonly nearestOf: ({ readonly record: number; readonly sample: NearestSample }[] | null)[] = [];
  /** Capacity rows with an observation, by region and service. */
  private readonly observed = new Map<string, number[]>();
  private readonly samples: (NearestSample | undefined)[];

  constructor(
    private readonly spec: LevelsSpec,
    private readonly bucketMinutes: number,
    /** A series' names ([region, service]) by its number. */
    private readonly namesOf: (series: number) => readonly string[],
  ) {
    this.samples = spec.capacity.map(() => undefined);
    spec.capacity.forEach((c, i) => {
      if (c.observedAt === undefined || c.observedAt === null) return;
      const k = `${c.region}\u0000${c.service}`;
      const records = this.observed.get(k) ?? [];
      records.push(i);
      this.observed.set(k, records);
    });
  }

  row(series: number, t: number, value: number): void {
    if (!isCopiedNumber(value)) this.refused = true;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    let nearest = this.nearestOf[series];
    if (nearest === undefined) {
      const [region, service] = this.namesOf(series);
      const records = this.observed.get(`${region}\u0000${service}`);
      nearest = records
        ? records.map((record) => {
            const sample = new NearestSample(this.spec.capacity[record]?.observedAt as number, this.bucketMinutes * 60);
            this.samples[record] = sample;
            return { record, sample };
          })
        : null;
      this.nearestOf[series] = nearest;
    }
    if (nearest !== null) for (const n of nearest) n.sample.offer(t, value);
  }

  /** The levels block of one bucket's rows, as bytes (levelBlockBytes) and its row count. */
  block(rows: BucketRows, bucket: number): { bytes: Buffer; rows: number } {
    const zones = this.spec.dayTypes;
    const typers: ((t: number) => 'weekday' | 'weekend')[] = [];
    const block = levelBlock(rows, bucket, this.bucketMinutes, (series) => {
      let typer = typers[series];
      if (typer === undefined) {
        typer = zoneDayTypes(regionZone(zones, this.namesOf(series)[0] as string));
        typers[series] = typer;
      }
      return typer;
    });
    return { bytes: blockToBytes(block), rows: block.series.length };
  }

  /** The nearest demand sample of each capacity row (NaN: none), as Float64 bytes. */
  atCapacity(): Buffer {
    const values = Float64Array.from(this.samples, (s) => s?.value ?? Number.NaN);
    return Buffer.from(values.buffer);
  }

  /** The header of the levels written: `blocks` and `atCapacity` where they lie, the zones of `regions`. */
  header(regions: readonly string[], blocks: [number, number][], atCapacity: [number, number]): LevelsHeader {
    const zones: Record<string, string> = {};
    for (const region of regions) zones[region] = regionZone(this.spec.dayTypes, region);
    const span: [number, number] = this.first <= this.last ? [this.first, this.last] : [0, 0];
    return { zones, span, blocks, atCapacity };
  }
}

function blockToBytes(block: LevelBlock): Buffer {
  const n = block.series.length;
  const out = Buffer.alloc(levelBlockBytes(n));
  let at = 0;
  Buffer.from(block.series.buffer, block.series.byteOffset, n * 4).copy(out, at);
  at += pad8(n * 4);
  for (const column of [block.all, block.weekday, block.weekend]) {
    Buffer.from(column.buffer, column.byteOffset, n * 8).copy(out, at);
    at += n * 8;
  }
  Buffer.from(block.fallback.buffer, block.fallback.byteOffset, n).copy(out, at);
  return out;
}

/** A levels block from its bytes (an aligned copy: the Float64 views need it). */
export function blockFromBytes(bytes: Buffer, rows: number): LevelBlock {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  let at = 0;
  const series = new Int32Array(buffer, at, rows);
  at += pad8(rows * 4);
  const [all, weekday, weekend] = [0, 1, 2].map((k) => new Float64Array(buffer, at + k * rows * 8, rows)) as [Float64Array, Float64Array, Float64Array];
  at += rows * 24;
  return { series, all, weekday, weekend, fallback: new Uint8Array(buffer, at, rows) };
}

/** What decides whether a plan may use the levels instead of folding the demand rows. */
export interface LevelsQuestion {
  /** The plan's day types (its config's). */
  readonly dayTypes: DayTypes;
  /** The plan's lookback window: (start, end], epoch seconds. */
  readonly window: { readonly start: number; readonly end: number };
  /** The past evacuations the plan leaves out of its history. */
  readonly evacuations: readonly EvacuationWindow[];
}

/**
 * Whether folding the copy's demand rows for this plan would give exactly the levels written:
 * its window holds every row (so none is left out), no past evacuation overlaps it (so none is
 * left out either), and, with day types, each region's zone is the one the levels were found in.
 * Levels over all dates (rule `all`) do not depend on zones.
 */
export function levelsUsable(header: LevelsHeader, question: LevelsQuestion): boolean {
  const { window, evacuations, dayTypes } = question;
  const [first, last] = header.span;
  if (!(first > window.start && last <= window.end)) return false;
  if (evacuations.some((e) => e.end > window.start && e.start <= window.end)) return false;
  if (dayTypes.rule === 'all') return true;
  return Object.entries(header.zones).every(([region, zone]) => regionZone(dayTypes, region) === zone);
}

/**
 * The levels of a column copy for one plan, read a few buckets at a time: what the demand rows'
 * reader would give a plan, as levels (`levels`), with every demand series' names (`series`,
 * `names`) and no row. `readAt` reads bytes of the copy (null: the file is shorter).
 */
export class LevelsReader {
  private readonly buckets = new Map<number, LevelBlock>();

  constructor(
    private readonly header: LevelsHeader,
    private readonly seriesNames: readonly (readonly string[])[],
    private readonly readAt: (offset: number, bytes: number) => Buffer | null,
    private readonly atCapacity: Float64Array,
  ) {}

  /** Reads these buckets' levels; false when one cannot be read or names a series the copy does not hold. */
  read(buckets: readonly number[]): boolean {
    for (const b of buckets) {
      const entry = this.header.blocks[b];
      if (entry === undefined) return false;
      const [offset, rows] = entry;
      const bytes = this.readAt(offset, levelBlockBytes(rows));
      if (!bytes) return false;
      const block = blockFromBytes(bytes, rows);
      for (let r = 0; r < rows; r++) {
        const s = block.series[r] as number;
        if (!(s >= 0 && s < this.seriesNames.length)) return false;
        for (const column of [block.all, block.weekday, block.weekend]) if (!isCopiedNumber(column[r] as number)) return false;
      }
      this.buckets.set(b, block);
    }
    return true;
  }

  /** The levels read so far. */
  levels(): DemandLevels {
    return { series: this.seriesNames, buckets: this.buckets, atCapacity: this.atCapacity, span: this.header.span };
  }

  /** Every demand series' names ([region, service]), numbered as the levels' series. */
  series(): readonly (readonly string[])[] {
    return this.seriesNames;
  }

  /** Distinct names of key field `field` among the demand series. */
  names(field: number): readonly string[] {
    return [...new Set(this.seriesNames.map((names) => names[field] as string))];
  }
}
