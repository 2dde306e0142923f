import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { InputIssue } from '../errors.ts';
import { bucketOf } from '../model/bucket.ts';
import type { BucketRows } from '../model/demand-levels.ts';
import type { CapacityRecord, Samples } from '../model/planning-data.ts';
import type { SeriesTable } from './aggregate-sql.ts';
import { dataFile } from './data-tables.ts';
import { isCopiedNumber, MAX_VALUE, MIN_POSITIVE } from './number-bounds.ts';
import {
  type LevelsHeader,
  LevelsHeaderSchema,
  type LevelsQuestion,
  LevelsReader,
  type LevelsSpec,
  LevelsWriter,
  levelBlockBytes,
  levelsUsable,
} from './level-columns.ts';
import { RowLog } from './row-log.ts';
import { loggedSamples, type SamplesOf } from './series-samples.ts';

/**
 * `bucket-columns.bin`, beside the CSV files `evac precompute` writes: the rows of its traffic,
 * trace and demand tables again, as columns (series number, time, value) in one block per
 * time-of-day bucket (traffic: one block), with each series' key names once. A plan reads the
 * blocks of the buckets it needs instead of scanning and parsing their CSV text.
 *
 * It is a copy of the CSV, never the truth: it is used only while each CSV file has the size
 * and modification time it had when the copy was written (a file edited, or copied without its
 * times, is read as CSV), and only for rows the CSV reader would take as they are (plain names
 * of known regions, whole epoch seconds, numbers within the bounds of number-bounds.ts, each
 * row in its bucket). Anything else, a damaged or missing file included, and the caller reads
 * the CSV, whose reader names any problem by file and line.
 *
 * With the plans' day types given, it also holds demand's levels per bucket, found from these
 * rows (level-columns.ts), which a plan uses instead of the demand rows when they are exactly
 * what it would fold.
 *
 * Layout: `EVACCOL1`, the blocks (each 8-byte aligned: Int32 series numbers, padded to 8 bytes,
 * then Float64 times, then Float64 values; a demand block followed by its levels block), the
 * header (JSON, `ColumnsHeaderSchema`), its byte length (Uint32, little-endian) and 4 zero bytes.
 */
export const COLUMNS_FILE = 'bucket-columns.bin';
const MAGIC = 'EVACCOL1';
const TABLES = ['traffic', 'traces', 'demand'] as const;
type ColumnTable = (typeof TABLES)[number];

/**
 * A field's distinct names, joined by line breaks in the header (no name the copy keeps holds one:
 * isPlainName): a few thousand service names are one string to check when a plan opens the copy,
 * not an array of them (~10 ms of zod's checks, cold).
 */
const NamesSchema = z.codec(z.string(), z.array(z.string()), {
  decode: (text) => (text === '' ? [] : text.split('\n')),
  encode: (names) => names.join('\n'),
});

const TableHeaderSchema = z.strictObject({
  /**
   * The CSV file's size and modification time (epoch milliseconds, as precise as the file
   * system keeps them) when this copy was written: the copy is used while the file's time is
   * within a millisecond of it, so that an edit even within the same second sends plans back
   * to the CSV, while a copy of the directory with its times kept (`cp -p`, Node's `cpSync`,
   * which rounds them by a fraction of a millisecond) still uses it. Tools that keep seconds
   * only make the directory read as CSV: slower, never wrong.
   */
  csv: z.strictObject({ bytes: z.number().int().nonnegative(), mtimeMs: z.number() }),
  /** Each key field's distinct names (fields in SERIES_TABLES order). */
  fields: z.array(NamesSchema),
  /** Where the series' name numbers lie: [byte offset, series count] of an Int32 array (field count per series). */
  series: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  /** Per bucket (traffic: one), [byte offset, rows] of its block. */
  blocks: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
});
/** Capacity: its rows' region and service numbers (Int32, each padded to 8 bytes), then current, min, max and observation time (Float64; NaN: empty). */
const CapacityHeaderSchema = z.strictObject({
  csv: TableHeaderSchema.shape.csv,
  /** The distinct regions and services. */
  fields: z.tuple([NamesSchema, NamesSchema]),
  /** [byte offset, rows] of its block. */
  block: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const ColumnsHeaderSchema = z.strictObject({
  version: z.literal(3),
  bucketMinutes: z.number().int().positive(),
  tables: z.strictObject({ traffic: TableHeaderSchema, traces: TableHeaderSchema, demand: TableHeaderSchema, capacity: CapacityHeaderSchema }),
  /** Demand's levels per bucket (level-columns.ts), when the writer was given the plans' day types. */
  levels: LevelsHeaderSchema.optional(),
});
type TableHeader = z.infer<typeof TableHeaderSchema>;

/** Whether a file's time is the one the copy recorded (see TableHeaderSchema's `csv`). */
function sameTime(now: number, recorded: number): boolean {
  return Math.abs(now - recorded) < 1;
}

/**
 * Receives a table's rows as writeDataDir writes them: the key names (SERIES_TABLES order; a
 * table of two keys passes `undefined` third), time and value. No object is made per row (a
 * precompute writes millions).
 */
export interface ColumnSink {
  row(a: string, b: string, c: string | undefined, t: number, value: number): void;
  end(): void;
}

/**
 * Writes the column copy while writeDataDir writes the CSV tables, a block at a time (rows are
 * held for one bucket only). `finish` writes the header once every table is written; a table
 * whose rows are not sorted by bucket, or hold a name the copy does not keep (see isPlainName),
 * leaves no copy at all.
 */
export class ColumnsWriter {
  private readonly tmp: string;
  private fd: number | null = null;
  private offset = 0;
  private readonly tables: Partial<Record<ColumnTable, TableHeader>> = {};
  private capacityHeader: z.infer<typeof CapacityHeaderSchema> | undefined;
  private levelsHeader: LevelsHeader | undefined;
  private failed = false;

  constructor(
    private readonly dir: string,
    private readonly bucketMinutes: number,
    /** With it, the demand table's levels are written too (level-columns.ts). */
    private readonly levels?: LevelsSpec,
  ) {
    this.tmp = path.join(dir, `.${COLUMNS_FILE}.${process.pid}.${Date.now()}.tmp`);
    try {
      mkdirSync(dir, { recursive: true });
      // An older copy goes first: if writing stops half way, no copy is left beside CSV files it
      // does not stand for (their times, to the second, and sizes could match).
      rmSync(path.join(dir, COLUMNS_FILE), { force: true });
      this.fd = openSync(this.tmp, 'wx', 0o644);
    } catch {
      // No copy then (the CSV files' own writes name any problem with the directory).
      this.fd = null;
      this.failed = true;
    }
    this.write(Buffer.from(MAGIC, 'latin1'));
  }

  /** A sink for one table's rows, in the order they are written to its CSV file. */
  table(table: ColumnTable): ColumnSink {
    const byBucket = table !== 'traffic';
    const fieldCount = SERIES_KEYS[table].length;
    // Series by their names' numbers, field by field: no key string made per row.
    const fieldIds = Array.from({ length: fieldCount }, () => new Map<string, number>());
    const fieldNames: string[][] = Array.from({ length: fieldCount }, () => []);
    const trie: Trie = new Map();
    const seriesIds: number[] = [];
    const blocks: [number, number][] = [];
    // Demand: its levels per bucket too, each block's after its rows.
    const levels =
      table === 'demand' && this.levels
        ? new LevelsWriter(this.levels, this.bucketMinutes, (s) => [0, 1].map((j) => fieldNames[j]?.[seriesIds[s * fieldCount + j] as number] as string))
        : undefined;
    const levelBlocks: [number, number][] = [];
    let block = new BlockBuilder();
    let bucket = -1;
    const flush = () => {
      blocks.push([this.offset, block.rows]);
      this.write(block.bytes());
      if (levels) {
        const found = levels.block(block, bucket);
        levelBlocks.push([this.offset, found.rows]);
        this.write(found.bytes);
      }
      block = new BlockBuilder();
    };
    const ids: number[] = new Array(fieldCount);
    return {
      row: (a, second, c, t, value) => {
        if (this.failed) return;
        const b = byBucket ? bucketOf(t, this.bucketMinutes) : 0;
        if (b !== bucket) {
          if (b < bucket) {
            this.failed = true;
            return;
          }
          if (bucket >= 0) flush();
          while (blocks.length < b) blocks.push([this.offset, 0]);
          while (levelBlocks.length < b) levelBlocks.push([this.offset, 0]);
          bucket = b;
        }
        let node = trie;
        for (let j = 0; j < fieldCount; j++) {
          const name = (j === 0 ? a : j === 1 ? second : c) as string;
          const names = fieldIds[j] as Map<string, number>;
          let n = names.get(name);
          if (n === undefined) {
            if (!isPlainName(name)) this.failed = true;
            n = names.size;
            names.set(name, n);
            fieldNames[j]?.push(name);
          }
          ids[j] = n;
          if (j < fieldCount - 1) {
            let next = node.get(n);
            if (next === undefined) {
              next = new Map();
              node.set(n, next);
            }
            node = next as Trie;
          }
        }
        const last = ids[fieldCount - 1] as number;
        let id = node.get(last) as number | undefined;
        if (id === undefined) {
          id = seriesIds.length / fieldCount;
          node.set(last, id);
          seriesIds.push(...ids);
        }
        block.add(id, t, value);
        levels?.row(id, t, value);
      },
      end: () => {
        if (this.failed) return;
        if (bucket >= 0) flush();
        const series: [number, number] = [this.offset, seriesIds.length / fieldCount];
        this.write(padded(Buffer.from(Int32Array.from(seriesIds).buffer)));
        if (levels && !levels.refused) {
          const atCapacity: [number, number] = [this.offset, this.levels?.capacity.length ?? 0];
          this.write(levels.atCapacity());
          this.levelsHeader = levels.header(fieldNames[0] ?? [], levelBlocks, atCapacity);
        }
        const stat = statSync(dataFile(this.dir, table));
        this.tables[table] = { csv: { bytes: stat.size, mtimeMs: stat.mtimeMs }, fields: fieldIds.map((m) => [...m.keys()]), series, blocks };
      },
    };
  }

  /** The capacity rows, once capacity.csv is written. */
  capacity(records: readonly CapacityRecord[]): void {
    if (this.failed) return;
    const fields = [new Map<string, number>(), new Map<string, number>()] as const;
    const idOf = (j: 0 | 1, name: string) => {
      let n = fields[j].get(name);
      if (n === undefined) {
        if (!isPlainName(name)) this.failed = true;
        n = fields[j].size;
        fields[j].set(name, n);
      }
      return n;
    };
    const n = records.length;
    const regions = new Int32Array(n);
    const services = new Int32Array(n);
    const values = new Float64Array(4 * n);
    records.forEach((c, i) => {
      // NaN would come back as an empty cell (null): no copy then (the CSV holds "NaN", refused when read).
      if (Number.isNaN(c.current ?? 0) || Number.isNaN(c.observedAt ?? 0)) this.failed = true;
      regions[i] = idOf(0, c.region);
      services[i] = idOf(1, c.service);
      values[i] = c.current ?? Number.NaN;
      values[n + i] = c.min;
      values[2 * n + i] = c.max;
      values[3 * n + i] = c.observedAt ?? Number.NaN;
    });
    const block: [number, number] = [this.offset, n];
    this.write(Buffer.concat([padded(Buffer.from(regions.buffer)), padded(Buffer.from(services.buffer)), Buffer.from(values.buffer)]));
    const stat = statSync(dataFile(this.dir, 'capacity'));
    this.capacityHeader = { csv: { bytes: stat.size, mtimeMs: stat.mtimeMs }, fields: [[...fields[0].keys()], [...fields[1].keys()]], block };
  }

  /**
   * Writes the header and puts the copy in place, written whole and synced first (as
   * writeFileAtomic does); when it could not be made, no copy is left (an older one removed).
   */
  finish(bucketCount: number): void {
    const fd = this.fd;
    const target = path.join(this.dir, COLUMNS_FILE);
    if (fd === null) {
      rmSync(target, { force: true });
      return;
    }
    const { traffic, traces, demand } = this.tables;
    const capacity = this.capacityHeader;
    let complete = false;
    try {
      if (!this.failed && traffic && traces && demand && capacity && traces.blocks.length <= bucketCount && demand.blocks.length <= bucketCount) {
        for (const t of [traces, demand, this.levelsHeader]) while (t && t.blocks.length < bucketCount) t.blocks.push([this.offset, 0]);
        const headerValue: z.infer<typeof ColumnsHeaderSchema> = {
          version: 3,
          bucketMinutes: this.bucketMinutes,
          tables: { traffic, traces, demand, capacity },
          ...(this.levelsHeader ? { levels: this.levelsHeader } : {}),
        };
        const header = Buffer.from(JSON.stringify(z.encode(ColumnsHeaderSchema, headerValue)));
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(header.length, 0);
        this.write(header);
        this.write(trailer);
        fsyncSync(fd);
        complete = true;
      }
    } finally {
      closeSync(fd);
      this.fd = null;
    }
    if (complete) renameSync(this.tmp, target);
    else {
      rmSync(this.tmp, { force: true });
      rmSync(target, { force: true });
    }
  }

  /** Removes the unfinished copy (writeDataDir failed). */
  abandon(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.tmp, { force: true });
  }

  private write(bytes: Buffer): void {
    if (this.fd === null) return;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.offset += bytes.length;
  }
}

/** Series numbers by their names' numbers, one level per key field. */
type Trie = Map<number, Trie | number>;

const SERIES_KEYS: Readonly<Record<ColumnTable, readonly string[]>> = {
  traffic: ['region', 'device_type'],
  traces: ['region', 'service', 'device_type'],
  demand: ['region', 'service'],
};

/** One block's rows as they come (typed arrays, grown by doubling), written out as three aligned columns. */
class BlockBuilder implements BucketRows {
  series = new Int32Array(1024);
  t = new Float64Array(1024);
  v = new Float64Array(1024);
  rows = 0;

  /** The rows so far, as BucketRows. */
  get n(): number {
    return this.rows;
  }

  add(series: number, t: number, value: number): void {
    if (this.rows === this.t.length) {
      const grow = <A extends Int32Array | Float64Array>(a: A, make: (n: number) => A) => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      this.series = grow(this.series, (n) => new Int32Array(n));
      this.t = grow(this.t, (n) => new Float64Array(n));
      this.v = grow(this.v, (n) => new Float64Array(n));
    }
    this.series[this.rows] = series;
    this.t[this.rows] = t;
    this.v[this.rows] = value;
    this.rows += 1;
  }

  bytes(): Buffer {
    const n = this.rows;
    return Buffer.concat([padded(Buffer.from(this.series.buffer, 0, n * 4)), Buffer.from(this.t.buffer, 0, n * 8), Buffer.from(this.v.buffer, 0, n * 8)]);
  }
}

function padded(bytes: Buffer): Buffer {
  const pad = (8 - (bytes.length % 8)) % 8;
  return pad === 0 ? bytes : Buffer.concat([bytes, Buffer.alloc(pad)]);
}

/**
 * A name the copy keeps: one the CSV reader takes as it is (not empty, no space or control
 * character at either end, no quote, comma or line break, well-formed UTF-16, so that its UTF-8
 * in the CSV reads back the same).
 */
export function isPlainName(name: string): boolean {
  if (name === '' || name.charCodeAt(0) <= 32 || name.charCodeAt(name.length - 1) <= 32) return false;
  if (/[",\n\r]/.test(name)) return false;
  return Buffer.from(name, 'utf8').toString('utf8') === name;
}

/** A table's rows read from the copy: the samples, their series' names, and what the checks of precomputed-ranges.ts ask. */
export interface ColumnsTable<K extends SeriesTable> {
  /** Reads these buckets' blocks; false when a row is not one the CSV reader would take as it is (then read the CSV). */
  read(buckets: readonly number[]): boolean;
  /** The rows read so far, as samples (read live: later reads add to them). */
  readonly samples: Samples<SamplesOf<K>>;
  /** Each series' key names (region first), numbered as the rows' series: in the order first read, as the CSV scanner numbers them. */
  series(): readonly (readonly string[])[];
  /** Distinct (first, second) key names among the series read (traces: (region, service) pairs). */
  traceSeries(): number;
  /** None: a row the CSV reader would refuse or word is not read from the copy (read returns false). */
  issues(): readonly InputIssue[];
  /** Distinct names of key field `field` among the series read. */
  names(field: number): readonly string[];
}

/** The column copy of a precomputed directory, open for reads. */
export interface BucketColumns {
  table<K extends ColumnTable>(table: K): ColumnsTable<K>;
  /**
   * The capacity rows, as readCapacity reads capacity.csv; null when a row is not one it takes
   * as it is, or it would report a problem (a duplicate, min above max): then read the CSV.
   */
  capacity(): CapacityRecord[] | null;
  /**
   * Demand's levels for a plan asking `question` (level-columns.ts), when the copy holds levels
   * that plan may use (levelsUsable), for `capacityRows` capacity rows, and every demand series
   * has names the CSV reader takes as they are; null: read the demand rows.
   */
  levels(question: LevelsQuestion, capacityRows: number): LevelsReader | null;
  close(): void;
}

/**
 * Opens `dir`'s column copy when it stands for its CSV files as they are now (see COLUMNS_FILE):
 * null when there is none, it cannot be read, or a CSV file has another size or modification
 * time than when it was written, or other row counts than `rows` (the manifest's).
 */
export function openColumns(
  dir: string,
  bucketMinutes: number,
  bucketCount: number,
  rows: Readonly<Record<string, number>>,
  regions: ReadonlySet<string>,
): BucketColumns | null {
  let fd: number;
  try {
    fd = openSync(path.join(dir, COLUMNS_FILE), 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(path.join(dir, COLUMNS_FILE)).size;
    const trailer = readExactly(fd, Math.max(0, size - 8), 8);
    const headerBytes = trailer?.readUInt32LE(0) ?? -1;
    const headerAt = size - 8 - headerBytes;
    if (!trailer || headerAt < MAGIC.length || readExactly(fd, 0, MAGIC.length)?.toString('latin1') !== MAGIC) throw new Error('not a column copy');
    // Parsed once a run: without the fast path zod would compile first (it costs more than it saves).
    const parsed = ColumnsHeaderSchema.safeParse(JSON.parse(readExactly(fd, headerAt, headerBytes)?.toString('utf8') ?? ''));
    if (!parsed.success || parsed.data.bucketMinutes !== bucketMinutes) throw new Error('another header');
    const { tables } = parsed.data;
    for (const table of TABLES) {
      const t = tables[table];
      const csv = statSync(dataFile(dir, table));
      const rowCount = t.blocks.reduce((n, [, r]) => n + r, 0);
      const inFile = (offset: number, bytes: number) => offset >= MAGIC.length && offset + bytes <= headerAt;
      if (csv.size !== t.csv.bytes || !sameTime(csv.mtimeMs, t.csv.mtimeMs) || rowCount !== rows[table]) throw new Error('the CSV changed');
      if ((table !== 'traffic' && t.blocks.length !== bucketCount) || t.fields.length !== SERIES_KEYS[table].length) throw new Error('another layout');
      if (!t.blocks.every(([offset, r]) => inFile(offset, blockBytes(r))) || !inFile(t.series[0], 4 * t.fields.length * t.series[1])) {
        throw new Error('blocks outside the file');
      }
    }
    const capacity = tables.capacity;
    const capacityCsv = statSync(dataFile(dir, 'capacity'));
    const [capacityAt, capacityRows] = capacity.block;
    const capacityBytes = 2 * Math.ceil((capacityRows * 4) / 8) * 8 + capacityRows * 32;
    if (capacityCsv.size !== capacity.csv.bytes || !sameTime(capacityCsv.mtimeMs, capacity.csv.mtimeMs) || capacityRows !== rows.capacity) {
      throw new Error('the CSV changed');
    }
    if (capacityAt < MAGIC.length || capacityAt + capacityBytes > headerAt) throw new Error('blocks outside the file');
    const levels = parsed.data.levels;
    if (levels) {
      const inFile = (offset: number, bytes: number) => offset >= MAGIC.length && offset + bytes <= headerAt;
      if (levels.blocks.length !== bucketCount || !levels.blocks.every(([offset, r]) => inFile(offset, levelBlockBytes(r))))
        throw new Error('levels outside the file');
      if (!inFile(levels.atCapacity[0], levels.atCapacity[1] * 8)) throw new Error('levels outside the file');
    }
    return {
      table: (table) => new ColumnsReader(fd, table, tables[table], headerAt, regions, bucketMinutes) as unknown as ColumnsTable<typeof table>,
      capacity: () => readCapacityBlock(fd, capacity, regions),
      levels: (question, capacityRows) => (levels ? levelsReader(fd, levels, tables.demand, regions, question, capacityRows) : null),
      close: () => closeSync(fd),
    };
  } catch {
    closeSync(fd);
    return null;
  }
}

/** The levels reader of levelsOf, or null (see BucketColumns.levels). */
function levelsReader(
  fd: number,
  levels: LevelsHeader,
  demand: TableHeader,
  regions: ReadonlySet<string>,
  question: LevelsQuestion,
  capacityRows: number,
): LevelsReader | null {
  if (!levelsUsable(levels, question) || levels.atCapacity[1] !== capacityRows) return null;
  const [offset, count] = demand.series;
  const ids = readExactly(fd, offset, count * 2 * 4);
  const nearest = readExactly(fd, levels.atCapacity[0], capacityRows * 8);
  if (!ids || !nearest) return null;
  const fileSeries = new Int32Array(ids.buffer, ids.byteOffset, count * 2);
  const [regionNames, serviceNames] = demand.fields as [string[], string[]];
  const plainRegions = regionNames.map((r) => isPlainName(r) && regions.has(r));
  const plainServices = serviceNames.map(isPlainName);
  const names: (readonly string[])[] = [];
  for (let s = 0; s < count; s++) {
    const r = fileSeries[2 * s] as number;
    const v = fileSeries[2 * s + 1] as number;
    if (!plainRegions[r] || !plainServices[v]) return null;
    names.push([regionNames[r] as string, serviceNames[v] as string]);
  }
  const atCapacity = new Float64Array(capacityRows);
  for (let i = 0; i < capacityRows; i++) atCapacity[i] = nearest.readDoubleLE(i * 8);
  return new LevelsReader(levels, names, (at, bytes) => readExactly(fd, at, bytes), atCapacity);
}

function readCapacityBlock(fd: number, header: z.infer<typeof CapacityHeaderSchema>, regions: ReadonlySet<string>): CapacityRecord[] | null {
  const [offset, n] = header.block;
  const idsBytes = Math.ceil((n * 4) / 8) * 8;
  const bytes = readExactly(fd, offset, 2 * idsBytes + n * 32);
  if (!bytes) return null;
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  const regionIds = new Int32Array(buffer, 0, n);
  const serviceIds = new Int32Array(buffer, idsBytes, n);
  const values = new Float64Array(buffer, 2 * idsBytes, 4 * n);
  const [regionNames, serviceNames] = header.fields;
  const plain = (names: readonly string[], ok: (name: string) => boolean) => names.map((name) => isPlainName(name) && ok(name));
  const regionOk = plain(regionNames, (name) => regions.has(name));
  const serviceOk = plain(serviceNames, () => true);
  const number = isCopiedNumber;
  const seen = new Set<number>();
  const records: CapacityRecord[] = [];
  for (let i = 0; i < n; i++) {
    const r = regionIds[i] as number;
    const s = serviceIds[i] as number;
    const current = values[i] as number;
    const min = values[n + i] as number;
    const max = values[2 * n + i] as number;
    const observedAt = values[3 * n + i] as number;
    if (!regionOk[r] || !serviceOk[s]) return null;
    if (!(Number.isNaN(current) || number(current)) || !number(min) || !number(max) || min > max) return null;
    if (!(Number.isNaN(observedAt) || isCopiedTime(observedAt))) return null;
    const pair = r * serviceNames.length + s;
    if (seen.has(pair)) return null;
    seen.add(pair);
    records.push({
      region: regionNames[r] as string,
      service: serviceNames[s] as string,
      current: Number.isNaN(current) ? null : current,
      min,
      max,
      observedAt: Number.isNaN(observedAt) ? null : observedAt,
    });
  }
  return records;
}

/** The bytes of a block of `rows` rows: their series numbers (padded to 8 bytes), times and values. */
function blockBytes(rows: number): number {
  return Math.ceil((rows * 4) / 8) * 8 + rows * 16;
}

/** A time written as whole epoch seconds of at most 11 digits (the form the CSV scanner reads itself). */
function isCopiedTime(t: number): boolean {
  return Number.isInteger(t) && t >= 0 && !Object.is(t, -0) && t < 1e11;
}

/** `bytes` bytes of the file at `position`, or null when it is shorter. */
function readExactly(fd: number, position: number, bytes: number): Buffer | null {
  const buf = Buffer.alloc(bytes);
  let done = 0;
  while (done < bytes) {
    const n = readSync(fd, buf, done, bytes - done, position + done);
    if (n === 0) return null;
    done += n;
  }
  return buf;
}

class ColumnsReader<K extends ColumnTable> implements ColumnsTable<K> {
  private readonly log = new RowLog();
  /** The file's series -> their number here (in the order first read), or -1. */
  private readonly local: Int32Array;
  private readonly seriesNames: (readonly string[])[] = [];
  private readonly fileSeries: Int32Array;
  /** Per (first, second) name numbers: 1 once a series of them is read (traces: (region, service) pairs), and how many. */
  private readonly pairs: Uint8Array;
  private pairCount = 0;
  private readonly seen: boolean[][];
  private readonly namesSeen: string[][];
  /** Per field and name number: whether the name is one the copy may use (see adopt), once asked. */
  private readonly checked: (boolean | undefined)[][];
  private readonly width: number;

  constructor(
    private readonly fd: number,
    private readonly table: K,
    private readonly header: TableHeader,
    headerAt: number,
    private readonly regions: ReadonlySet<string>,
    private readonly bucketMinutes: number,
  ) {
    this.width = header.fields.length;
    const [offset, count] = header.series;
    const bytes = readExactly(fd, offset, count * this.width * 4);
    if (!bytes || offset + bytes.length > headerAt) throw new Error('no series');
    this.fileSeries = new Int32Array(bytes.buffer, bytes.byteOffset, count * this.width);
    this.local = new Int32Array(count).fill(-1);
    this.seen = header.fields.map((names) => new Array<boolean>(names.length).fill(false));
    this.namesSeen = header.fields.map(() => []);
    this.checked = header.fields.map(() => []);
    this.pairs = new Uint8Array(header.fields.length > 2 ? (header.fields[0]?.length ?? 0) * (header.fields[1]?.length ?? 0) : 0);
  }

  get samples(): Samples<SamplesOf<K>> {
    return loggedSamples(this.table, this.log, this.seriesNames);
  }

  series(): readonly (readonly string[])[] {
    return this.seriesNames;
  }

  traceSeries(): number {
    return this.pairCount;
  }

  names(field: number): readonly string[] {
    return this.namesSeen[field] ?? [];
  }

  issues(): readonly InputIssue[] {
    return [];
  }

  read(buckets: readonly number[]): boolean {
    for (const b of buckets) {
      const block = this.header.blocks[b];
      if (block === undefined) return false;
      const [offset, rows] = block;
      if (rows === 0) continue;
      const seriesBytes = Math.ceil((rows * 4) / 8) * 8;
      const bytes = readExactly(this.fd, offset, blockBytes(rows));
      if (!bytes) return false;
      // A copy whose buffer starts 8-byte aligned: the Float64 views need it.
      const buffer = new ArrayBuffer(bytes.length);
      new Uint8Array(buffer).set(bytes);
      const series = new Int32Array(buffer, 0, rows);
      const t = new Float64Array(buffer, seriesBytes, rows);
      const v = new Float64Array(buffer, seriesBytes + rows * 8, rows);
      // The block's seconds of the day (traffic: the whole day). For whole seconds >= 0 this is
      // bucketOf's test: bucketOf(t) === b exactly when t % 86400 lies in [start, end).
      const start = this.table === 'traffic' ? 0 : b * this.bucketMinutes * 60;
      const end = this.table === 'traffic' ? 86_400 : start + this.bucketMinutes * 60;
      const local = this.local;
      let latest = Number.NEGATIVE_INFINITY;
      // Hundreds of thousands of rows, mostly before the loop is optimized: its checks are written
      // out here (isCopiedTime, isCopiedNumber), not called.
      for (let i = 0; i < rows; i++) {
        const time = t[i] as number;
        const value = v[i] as number;
        const second = time % 86_400;
        if (!(time >= 0 && time < 1e11 && Math.floor(time) === time && !Object.is(time, -0) && second >= start && second < end)) return false;
        if (!((value === 0 && !Object.is(value, -0)) || (value >= MIN_POSITIVE && value <= MAX_VALUE))) return false;
        if (time > latest) latest = time;
        const s = series[i] as number;
        let l = local[s];
        if (l === undefined) return false;
        if (l < 0) {
          l = this.adopt(s);
          if (l < 0) return false;
        }
        series[i] = l;
      }
      this.log.append({ series, t, v }, latest);
    }
    return true;
  }

  /** Numbers a series of the file here, the first time a row of it is read; -1 when its names are not ones the CSV reader takes as they are. */
  private adopt(s: number): number {
    const base = s * this.width;
    const names = new Array<string>(this.width);
    for (let j = 0; j < this.width; j++) {
      const id = this.fileSeries[base + j] as number;
      const name = this.header.fields[j]?.[id];
      if (name === undefined) return -1;
      // Each distinct name checked once (a field has a few thousand; series, tens of thousands).
      const checked = this.checked[j] as (boolean | undefined)[];
      let ok = checked[id];
      if (ok === undefined) {
        ok = isPlainName(name) && (j > 0 || this.regions.has(name));
        checked[id] = ok;
      }
      if (!ok) return -1;
      names[j] = name;
    }
    for (let j = 0; j < this.width; j++) {
      const seen = this.seen[j] as boolean[];
      const id = this.fileSeries[base + j] as number;
      if (!seen[id]) {
        seen[id] = true;
        this.namesSeen[j]?.push(names[j] as string);
      }
    }
    if (this.width > 2) {
      const pair = (this.fileSeries[base] as number) * (this.header.fields[1]?.length ?? 0) + (this.fileSeries[base + 1] as number);
      if (this.pairs[pair] !== 1) {
        this.pairs[pair] = 1;
        this.pairCount += 1;
      }
    }
    const l = this.seriesNames.push(names) - 1;
    this.local[s] = l;
    return l;
  }
}
