import { openFileBytes } from './line-reader.ts';

/**
 * The messages of an OTLP protobuf file as the OpenTelemetry Collector's file exporter writes it
 * with `format: proto`: each ExportTraceServiceRequest preceded by its length, 4 bytes
 * big-endian; gzipped when the name ends in `.gz`. Read as a stream through one reused buffer:
 * a message's `bytes` are valid until the next one is asked for.
 */
export type ProtoFrame =
  | { readonly ordinal: number; readonly offset: number; readonly bytes: Buffer }
  | { readonly ordinal: number; readonly offset: number; readonly problem: string };

/** A message longer than this is taken for a file that is not length-prefixed protobuf. */
export const MAX_MESSAGE_BYTES = 256 * 2 ** 20;

const READ_BYTES = 4 << 20;

const FRAMING =
  'expected each ExportTraceServiceRequest preceded by its length (4 bytes, big-endian), as the Collector file exporter writes with format: proto';

/**
 * The file's messages in order (`ordinal` from 1, `offset` of the length prefix in the
 * uncompressed bytes); a problem with the framing ends the file. Read errors are thrown.
 */
export async function* protoFrames(file: string): AsyncGenerator<ProtoFrame> {
  const source = await openFileBytes(file);
  let buf = Buffer.allocUnsafe(READ_BYTES);
  /** buf[0, filled) holds the bytes from `offset` on; buf[0, start) are read. */
  let filled = 0;
  let start = 0;
  let offset = 0;
  let ordinal = 0;
  try {
    for (;;) {
      while (filled - start >= 4) {
        const length = buf.readUInt32BE(start);
        if (length > MAX_MESSAGE_BYTES) {
          yield { ordinal: ordinal + 1, offset: offset + start, problem: `a length of ${length} bytes, over ${MAX_MESSAGE_BYTES}: ${FRAMING}` };
          return;
        }
        if (filled - start - 4 < length) break;
        ordinal += 1;
        yield { ordinal, offset: offset + start, bytes: buf.subarray(start + 4, start + 4 + length) };
        start += 4 + length;
      }
      // The unread part to the front, and room for the whole message it begins.
      buf.copyWithin(0, start, filled);
      offset += start;
      filled -= start;
      start = 0;
      const need = filled >= 4 ? 4 + buf.readUInt32BE(0) : 4;
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = await source.read(buf, filled, buf.length - filled);
      if (n === 0) break;
      filled += n;
    }
  } finally {
    await source.close();
  }
  if (filled > 0) {
    const announced = filled >= 4 ? `${buf.readUInt32BE(0)} bytes announced, ${filled - 4} there` : `${filled} bytes left, too few for a length`;
    yield { ordinal: ordinal + 1, offset, problem: `cut off at the end of the file (${announced}): ${FRAMING}` };
  }
}
