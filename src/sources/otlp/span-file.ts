import type { TracesConfig } from '../../config/evacuation-config.ts';
import type { InputIssue } from '../../errors.ts';
import { deviceRule } from './device-rules.ts';
import { readRequest, readRequestJson } from './json-request.ts';
import { type ByteRange, fileLines } from './line-reader.ts';
import { attributeNames } from './otlp-attributes.ts';
import { OTLP_PROTO_FILE } from './otlp-files.ts';
import { OtlpScanner } from './otlp-scanner.ts';
import { protoFrames } from './proto-frames.ts';
import { ProtoScanner } from './proto-scanner.ts';
import { decodeTraceRequest, ProtoError } from './proto-request.ts';
import { type SpanBatch, SpanBatchBuilder } from './span-batch.ts';

/** What reading a span file needs: plain data, so that it crosses to a worker thread. */
export interface SpanFileSetup {
  readonly traces: TracesConfig;
  readonly bucketSeconds: number;
}

/** At most this many problems are reported per file (and over all files). */
export const MAX_ISSUES = 20;
/** Spans per batch handed to the assembler. */
const BATCH_SPANS = 1 << 15;

/** How many lines of a file each reader took (the benchmark reports it). */
export interface SpanFileStats {
  scanned: number;
  parsed: number;
}

/** A file to read, or a byte range of it (the `range`-th of a plain file cut in parts). */
export interface SpanFileTask {
  readonly file: string;
  /** Its index in the sorted file list. */
  readonly fileIndex: number;
  readonly range?: ByteRange & { readonly index: number };
}

/** At most this many ranges per file (ordinals leave room for them). */
export const MAX_RANGES = 64;

/**
 * Reads the spans of one OTLP/JSON file (or range of one) into batches handed to `emit`: each
 * line by the byte scanner, or by JSON.parse when the scanner leaves it (both write the same
 * records, see otlp-scanner.ts). Returns the problems found (a line that is not a request, a span
 * without ids...), with file and line (in the range: see `rangeLines`), up to MAX_ISSUES, then a
 * read error if reading failed; and the number of lines read. With `lend`, `emit` is given
 * batches whose columns are the builder's (see `SpanBatchBuilder.take`): it must be done with
 * them when it returns (the assembler copies what it keeps; a worker thread posting them must not).
 * `ahead`: the next bytes of a JSON file are read while its lines are scanned (see `fileLines`;
 * for a thread that reads alone).
 */
export async function readSpanFile(
  task: SpanFileTask,
  setup: SpanFileSetup,
  emit: (batch: SpanBatch) => void,
  { lend = false, ahead = false, stats = { scanned: 0, parsed: 0 } }: { lend?: boolean; ahead?: boolean; stats?: SpanFileStats } = {},
): Promise<{ issues: InputIssue[]; lines: number }> {
  const { file } = task;
  const names = attributeNames(setup.traces);
  const rangeIndex = task.range?.index ?? 0;
  if (rangeIndex >= MAX_RANGES) throw new Error(`range ${rangeIndex} of ${file}: at most ${MAX_RANGES}`);
  const builder = new SpanBatchBuilder(task.fileIndex * MAX_RANGES + rangeIndex, task.fileIndex, setup.bucketSeconds, deviceRule(setup.traces));
  const scanner = new OtlpScanner(names);
  const issues: InputIssue[] = [];
  const counted = { lines: 0 };
  const flush = () => emit(builder.take(lend));
  try {
    if (OTLP_PROTO_FILE.test(file)) await readProtoMessages(file, names, builder, flush, issues, stats);
    else
      for await (const { line, bytes, start, end } of fileLines(file, task.range, counted, { ahead })) {
        const mark = builder.mark();
        if (scanner.scan(bytes, start, end, builder)) stats.scanned += 1;
        else {
          builder.rollback(mark);
          stats.parsed += 1;
          readRequestJson(bytes.toString('utf8', start, end), names, builder, (path, message) => {
            if (issues.length < MAX_ISSUES) issues.push({ file, line, path, message });
          });
        }
        if (builder.count >= BATCH_SPANS) flush();
      }
    if (builder.count > 0) flush();
  } catch (error) {
    issues.push({ file, message: `cannot read: ${(error as Error).message}` });
  }
  return { issues, lines: counted.lines };
}

/**
 * Reads an OTLP protobuf file (proto-frames.ts) into the builder: each message by the protobuf
 * scanner, or when the scanner leaves it, decoded into its OTLP/JSON form (proto-request.ts) and
 * read by the same reader as a JSON line (both write the same records, see proto-scanner.ts);
 * full batches emitted (the caller emits the last). A problem names the message by its number
 * and byte offset.
 */
async function readProtoMessages(
  file: string,
  names: readonly (string | undefined)[],
  builder: SpanBatchBuilder,
  flush: () => void,
  issues: InputIssue[],
  stats: SpanFileStats,
): Promise<void> {
  const scanner = new ProtoScanner(names);
  for await (const frame of protoFrames(file)) {
    const where = `message ${frame.ordinal} (byte ${frame.offset})`;
    const fail = (path: string, message: string) => {
      if (issues.length < MAX_ISSUES) issues.push({ file, path: `${where} ${path}`, message });
    };
    if ('problem' in frame) {
      fail('(framing)', frame.problem);
      return;
    }
    const mark = builder.mark();
    if (scanner.scan(frame.bytes, 0, frame.bytes.length, builder)) {
      stats.scanned += 1;
      if (builder.count >= BATCH_SPANS) flush();
      continue;
    }
    builder.rollback(mark);
    stats.parsed += 1;
    let request: unknown;
    try {
      request = decodeTraceRequest(frame.bytes, 0, frame.bytes.length);
    } catch (error) {
      if (!(error instanceof ProtoError)) throw error;
      fail('(protobuf)', `${error.message}: expected an OTLP ExportTraceServiceRequest`);
      continue;
    }
    readRequest(request, names, builder, fail);
    if (builder.count >= BATCH_SPANS) flush();
  }
}
