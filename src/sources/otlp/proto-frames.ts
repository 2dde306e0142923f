import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/**
 * The messages of an OTLP protobuf file as the OpenTelemetry Collector's file exporter writes it
 * with `format: proto`: each ExportTraceServiceRequest preceded by its length, 4 bytes
 * big-endian; gzipped when the name ends in `.gz`. Read as a stream: one message in memory at a
 * time.
 */
export type ProtoFrame =
  | { readonly ordinal: number; readonly offset: number; readonly bytes: Buffer }
  | { readonly ordinal: number; readonly offset: number; readonly problem: string };

/** A message longer than this is taken for a file that is not length-prefixed protobuf. */
export const MAX_MESSAGE_BYTES = 256 * 2 ** 20;

const FRAMING =
  'expected each ExportTraceServiceRequest preceded by its length (4 bytes, big-endian), as the Collector file exporter writes with format: proto';

/**
 * The file's messages in order (`ordinal` from 1, `offset` of the length prefix in the
 * uncompressed bytes); a problem with the framing ends the file.
 */
export async function* protoFrames(file: string): AsyncGenerator<ProtoFrame> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let pending = Buffer.alloc(0);
  // Chunks not yet joined to `pending`: joined once `want` bytes are there, so that a long
  // message is copied once, not once per chunk.
  const queue: Buffer[] = [];
  let queued = 0;
  let want = 4;
  let offset = 0;
  let ordinal = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      queue.push(chunk);
      queued += chunk.length;
      if (pending.length + queued < want) continue;
      pending = Buffer.concat([pending, ...queue.splice(0)]);
      queued = 0;
      let at = 0;
      want = 4;
      while (pending.length - at >= 4) {
        const length = pending.readUInt32BE(at);
        if (length > MAX_MESSAGE_BYTES) {
          yield { ordinal: ordinal + 1, offset, problem: `a length of ${length} bytes, over ${MAX_MESSAGE_BYTES}: ${FRAMING}` };
          return;
        }
        if (pending.length - at - 4 < length) {
          want = 4 + length;
          break;
        }
        ordinal += 1;
        yield { ordinal, offset, bytes: pending.subarray(at + 4, at + 4 + length) };
        at += 4 + length;
        offset += 4 + length;
      }
      pending = pending.subarray(at);
    }
  } finally {
    raw.destroy();
  }
  pending = Buffer.concat([pending, ...queue]);
  if (pending.length > 0) {
    const announced =
      pending.length >= 4 ? `${pending.readUInt32BE(0)} bytes announced, ${pending.length - 4} there` : `${pending.length} bytes left, too few for a length`;
    yield { ordinal: ordinal + 1, offset, problem: `cut off at the end of the file (${announced}): ${FRAMING}` };
  }
}
