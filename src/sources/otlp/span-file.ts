import type { TracesConfig } from '../../config/evacuation-config.ts';
import type { InputIssue } from '../../errors.ts';
import { deviceRule } from './device-rules.ts';
import { readRequestJson } from './json-request.ts';
import { fileLines } from './line-reader.ts';
import { attributeNames } from './otlp-attributes.ts';
import { OtlpScanner } from './otlp-scanner.ts';
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

/**
 * Reads the spans of one OTLP/JSON file (`file`, number `fileIndex` in the sorted list) into
 * batches handed to `emit`: each line by the byte scanner, or by JSON.parse when the scanner
 * leaves it (both write the same records, see otlp-scanner.ts). Returns the problems found (a
 * line that is not a request, a span without ids...), with file and line, up to MAX_ISSUES,
 * then a read error if reading failed.
 */
export async function readSpanFile(
  file: string,
  fileIndex: number,
  setup: SpanFileSetup,
  emit: (batch: SpanBatch) => void,
  stats: SpanFileStats = { scanned: 0, parsed: 0 },
): Promise<InputIssue[]> {
  const names = attributeNames(setup.traces);
  const builder = new SpanBatchBuilder(fileIndex, setup.bucketSeconds, deviceRule(setup.traces));
  const scanner = new OtlpScanner(names);
  const issues: InputIssue[] = [];
  try {
    for await (const { line, bytes, start, end } of fileLines(file)) {
      const mark = builder.mark();
      if (scanner.scan(bytes, start, end, builder)) stats.scanned += 1;
      else {
        builder.rollback(mark);
        stats.parsed += 1;
        readRequestJson(bytes.toString('utf8', start, end), names, builder, (path, message) => {
          if (issues.length < MAX_ISSUES) issues.push({ file, line, path, message });
        });
      }
      if (builder.count >= BATCH_SPANS) emit(builder.take());
    }
    if (builder.count > 0) emit(builder.take());
  } catch (error) {
    issues.push({ file, message: `cannot read: ${(error as Error).message}` });
  }
  return issues;
}
