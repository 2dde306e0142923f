import path from 'node:path';
import { type Document, isNode, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import type { InputIssue, Result } from '../errors.ts';
import { directoryIssues, listDirectory, readRequiredText } from '../input-file.ts';
import { type EvacuationConfig, EvacuationConfigSchema } from './evacuation-config.ts';
import { type ServiceConfig, ServiceConfigSchema } from './service-config.ts';

export interface LoadedServiceConfig {
  readonly file: string;
  readonly config: ServiceConfig;
}

export interface LoadedConfig {
  readonly dir: string;
  readonly evacuation: EvacuationConfig;
  readonly services: readonly LoadedServiceConfig[];
}

/**
 * Reads `evacuation.yaml` and `services/*.yaml` from a config directory.
 * Never throws on bad input: every problem is returned with its file, field path and line.
 */
export function loadConfig(dir: string): Result<LoadedConfig> {
  const issues: InputIssue[] = [];
  const dirIssues = directoryIssues(dir, 'config directory not found: expected a directory with evacuation.yaml and services/*.yaml');
  if (dirIssues.length > 0) return { ok: false, issues: dirIssues };
  const evacFile = path.join(dir, 'evacuation.yaml');
  const evacuation = parseYamlFile(evacFile, EvacuationConfigSchema, issues);
  const services: LoadedServiceConfig[] = [];
  const servicesDir = path.join(dir, 'services');
  // Absent: no service configs. A file, a broken link or an unreadable directory: an error.
  const listed = listDirectory(servicesDir, { optional: true });
  if (!listed.ok) issues.push(...listed.issues.map((i) => ({ ...i, message: `${i.message} (services/*.yaml)` })));
  else {
    const names = listed.data.filter((f) => /\.ya?ml$/.test(f)).sort();
    const seen = new Map<string, string>();
    for (const name of names) {
      const file = path.join(servicesDir, name);
      const config = parseYamlFile(file, ServiceConfigSchema, issues);
      if (!config) continue;
      const previous = seen.get(config.service);
      if (previous) {
        issues.push({ file, path: 'service', message: `service "${config.service}" is already configured in ${previous}: expected one file per service` });
        continue;
      }
      seen.set(config.service, file);
      if (evacuation) checkServiceRegions(file, config, evacuation, issues);
      services.push({ file, config });
    }
  }
  if (issues.length > 0 || !evacuation) return { ok: false, issues };
  return { ok: true, data: { dir, evacuation, services } };
}

function checkServiceRegions(file: string, config: ServiceConfig, evacuation: EvacuationConfig, issues: InputIssue[]): void {
  const regions = new Set(evacuation.regions);
  config.overrides.forEach((o, i) => {
    if (o.region !== undefined && !regions.has(o.region)) {
      issues.push({ file, path: `overrides.${i}.region`, message: `unknown region "${o.region}": expected one of ${evacuation.regions.join(', ')}` });
    }
    if (o.shard !== undefined && !(config.shards ?? []).includes(o.shard)) {
      issues.push({
        file,
        path: `overrides.${i}.shard`,
        message: `unknown shard "${o.shard}": expected one of the shards listed in "shards" (${(config.shards ?? []).join(', ') || 'none listed'})`,
      });
    }
  });
}

/** A config file is small: bigger is a mistake (or an attack), refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Nesting a config needs is a handful of levels; the YAML parser takes minutes (or runs out of memory) on 100,000. */
export const MAX_YAML_NESTING = 100;

function parseYamlFile<S extends z.ZodType>(file: string, schema: S, issues: InputIssue[]): z.infer<S> | undefined {
  const text = readRequiredText(file, { maxBytes: MAX_CONFIG_BYTES });
  if (!text.ok) {
    issues.push(...text.issues);
    return undefined;
  }
  const deep = yamlNesting(text.data);
  if (deep.depth > MAX_YAML_NESTING) {
    issues.push({ file, line: deep.line, message: `nested ${deep.depth} levels deep (indentation, "- " or brackets): expected at most ${MAX_YAML_NESTING}` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.data, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = e.linePos?.[0]?.line;
      issues.push({ file, ...(line ? { line } : {}), message: `YAML syntax: ${e.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const radix = nonDecimalNumbers(doc, lineCounter, file);
  if (radix.length > 0) {
    issues.push(...radix);
    return undefined;
  }
  let js: unknown;
  try {
    // yaml refuses documents whose aliases expand too far (a "billion laughs" bomb).
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    issues.push({ file, message: `YAML aliases: ${(error as Error).message}: expected a config without deeply repeated anchors (*alias)` });
    return undefined;
  }
  // Without zod's generated fast paths: a config file is parsed once, and compiling them cost
  // more than they saved (~3 ms of a plan's evacuation.yaml and 11 service files).
  const parsed = schema.safeParse(js ?? {}, { jitless: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    // An unknown key is best shown where it stands.
    const fieldPath = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [issue.keys[0] as string] : [])];
    const line = lineOf(doc, lineCounter, fieldPath);
    issues.push({ file, path: fieldPath.join('.') || '(top level)', ...(line ? { line } : {}), message: describeIssue(issue) });
  }
  return undefined;
}

/**
 * How deep a YAML text nests, over-estimated without parsing: per line, its indentation plus
 * its leading "- " / "? " indicators, plus the open flow brackets carried from earlier lines
 * (quotes and comments skipped). Linear in the text.
 */
export function yamlNesting(text: string): { depth: number; line: number } {
  let worst = { depth: 0, line: 1 };
  let flow = 0;
  let line = 1;
  let i = 0;
  while (i <= text.length) {
    let end = text.indexOf('\n', i);
    if (end === -1) end = text.length;
    let j = i;
    while (j < end && text.charCodeAt(j) === 32) j++;
    let depth = j - i;
    while (j + 1 < end && (text[j] === '-' || text[j] === '?' || text[j] === ':') && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
      depth += 1;
      j += 2;
      while (j < end && text.charCodeAt(j) === 32) j++;
    }
    let quote = '';
    for (let k = j; k < end; k++) {
      const ch = text[k];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#' && (k === 0 || /\s/.test(text[k - 1] ?? ' '))) break;
      else if (ch === '[' || ch === '{') {
        flow += 1;
        if (flow + depth > worst.depth) worst = { depth: flow + depth, line };
      } else if ((ch === ']' || ch === '}') && flow > 0) flow -= 1;
    }
    if (flow + depth > worst.depth) worst = { depth: flow + depth, line };
    line += 1;
    i = end + 1;
  }
  return worst;
}

/** Numbers written in hex, octal or binary (`0x1A`, `0o17`): YAML reads them, a config reader would not expect them. */
function nonDecimalNumbers(doc: Document, lineCounter: LineCounter, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && typeof node.source === 'string' && /^[-+]?0[xob]/i.test(node.source)) {
        const line = node.range ? lineCounter.linePos(node.range[0]).line : undefined;
        issues.push({
          file,
          ...(line ? { line } : {}),
          message: `"${node.source}" is a hex, octal or binary number: expected a decimal number (or quote it for text)`,
        });
      }
    },
  });
  return issues;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) return 'unknown key: check the spelling (evac schema prints the allowed keys)';
  if (issue.code === 'unrecognized_keys')
    return `unknown keys ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling (evac schema prints the allowed keys)`;
  return issue.message;
}

/** Line of the deepest node that exists along a field path. */
function lineOf(doc: Document, lineCounter: LineCounter, fieldPath: readonly string[]): number | undefined {
  for (let n = fieldPath.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(fieldPath.slice(0, n), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
