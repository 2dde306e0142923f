import { HEX_ID, NO_PARENT, type SpanBatch } from '../../src/sources/otlp/span-batch.ts';

/** A batch as plain records, strings resolved: what the assembler would receive. */
export function spanRecords(batch: SpanBatch) {
  const s = (i: number) => (i < 0 ? null : batch.strings[i]!);
  const words = (a: Uint32Array, from: number, n: number) => Array.from(a.subarray(from, from + n), (w) => w.toString(16).padStart(8, '0')).join('');
  return Array.from({ length: batch.count }, (_, i) => {
    const [t, id, parent] = [batch.idStrings[i * 3]!, batch.idStrings[i * 3 + 1]!, batch.idStrings[i * 3 + 2]!];
    return {
      trace: t === HEX_ID ? words(batch.traceWords, i * 4, 4) : `string:${s(t)}`,
      span: id === HEX_ID ? words(batch.idWords, i * 4, 2) : `string:${s(id)}`,
      parent: parent === NO_PARENT ? null : parent === HEX_ID ? words(batch.idWords, i * 4 + 2, 2) : `string:${s(parent)}`,
      request: batch.request[i] === 1,
      occurrence: batch.occurrence[i],
      ordinal: batch.ordinal[i],
      device: s(batch.device[i]!),
      service: s(batch.services[batch.resource[i]!]!),
      region: s(batch.regions[batch.resource[i]!]!),
    };
  });
}
