// One run of the OTLP benchmark (bench/otlp.ts), in a process of its own started by plain node
// (no tsx), so that the process's wall and CPU time are the reader's with node's start-up: what
// `evac` pays. Usage: node bench/otlp-measure.mjs READER DIR THREADS|- TRACES_JSON
// Prints {readMs, cpuMs, rssBeforeMb, rssPeakMb, samples, spans}: the read's wall time, the
// process's CPU time so far (all threads, start-up included), its RSS before reading and at peak.
import { pathToFileURL } from 'node:url';

const [reader, dir, threads, traces] = process.argv.slice(2);
const { readOtlpTraces } = await import(pathToFileURL(reader).href);
const rssBeforeMb = process.resourceUsage().maxRSS / 1024;
const start = performance.now();
const result = await readOtlpTraces({
  path: dir,
  traces: JSON.parse(traces),
  regions: new Set(['us-east-1', 'us-west-2', 'eu-west-1']),
  bucketMinutes: 15,
  ...(threads === '-' ? {} : { threads: Number(threads) }),
});
const readMs = performance.now() - start;
if (!result.ok) throw new Error(JSON.stringify(result.issues.slice(0, 3)));
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    readMs,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    rssBeforeMb,
    rssPeakMb: usage.maxRSS / 1024,
    samples: result.data.samples.length,
    spans: result.data.report.spans,
  }),
);
