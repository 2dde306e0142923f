import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { InputIssue, Result } from '../errors.ts';
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
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { ok: false, issues: [{ file: dir, message: 'config directory not found: expected a directory with evacuation.yaml and services/*.yaml' }] };
  }
  const evacFile = path.join(dir, 'evacuation.yaml');
  const evacuation = parseYamlFile(evacFile, EvacuationConfigSchema, issues);
  const services: LoadedServiceConfig[] = [];
  const servicesDir = path.join(dir, 'services');
  if (existsSync(servicesDir)) {
    const names = readdirSync(servicesDir).filter((f) => /\.ya?ml$/.test(f)).sort();
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
      issues.push({ file, path: `overrides.${i}.shard`, message: `unknown shard "${o.shard}": expected one of the shards listed in "shards" (${(config.shards ?? []).join(', ') || 'none listed'})` });
    }
  });
}

function parseYamlFile<S extends z.ZodType>(file: string, schema: S, issues: InputIssue[]): z.infer<S> | undefined {
  if (!existsSync(file)) {
    issues.push({ file, message: 'file not found' });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = e.linePos?.[0]?.line;
      issues.push({ file, ...(line ? { line } : {}), message: `YAML syntax: ${e.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    // An unknown key is best shown where it stands.
    const fieldPath = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [issue.keys[0] as string] : [])];
    const line = lineOf(doc, lineCounter, fieldPath);
    issues.push({ file, path: fieldPath.join('.') || '(top level)', ...(line ? { line } : {}), message: describeIssue(issue) });
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) return 'unknown key: check the spelling (evac schema prints the allowed keys)';
  if (issue.code === 'unrecognized_keys') return `unknown keys ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling (evac schema prints the allowed keys)`;
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
