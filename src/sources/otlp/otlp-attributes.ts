import type { TracesConfig } from '../../config/evacuation-config.ts';

/** An OTLP/JSON attribute: `{key, value: {stringValue | intValue | boolValue | doubleValue | ...}}`. */
export interface OtlpAttribute {
  readonly key?: unknown;
  readonly value?: unknown;
}

/** The OpenTelemetry semantic-convention attribute holding the user agent. */
export const USER_AGENT_ATTRIBUTE = 'user_agent.original';
/** The older name of the same attribute (semantic conventions before 1.21), still written by many instrumentations. */
export const LEGACY_USER_AGENT_ATTRIBUTE = 'http.user_agent';

/** Slots of the attributes evac reads, in `attributeNames` order. */
export const SERVICE = 0;
export const REGION = 1;
export const DEVICE = 2;
export const USER_AGENT = 3;
export const LEGACY_USER_AGENT = 4;

/** The values of the attributes evac reads from one attribute list, by slot (undefined: absent). */
export type PickedAttributes = (string | undefined)[];

/**
 * The names of the attributes evac reads, by slot: the configured service, region and device
 * attributes (the device one undefined when not configured), the user agent and its legacy name.
 */
export function attributeNames(traces: TracesConfig): readonly (string | undefined)[] {
  return [traces.serviceAttribute, traces.regionAttribute, traces.deviceType.attribute, USER_AGENT_ATTRIBUTE, LEGACY_USER_AGENT_ATTRIBUTE];
}

/** The values of the named attributes in an attribute list (each as `attributeString` reads it). */
export function pickAttributes(attributes: unknown, names: readonly (string | undefined)[]): PickedAttributes {
  return names.map((name) => (name === undefined ? undefined : attributeString(attributes, name)));
}

/**
 * The value of attribute `key` as a string, or undefined when absent or not a scalar: the first
 * attribute with that key decides.
 */
export function attributeString(attributes: unknown, key: string): string | undefined {
  if (!Array.isArray(attributes)) return undefined;
  for (const a of attributes as readonly OtlpAttribute[]) {
    if (a === null || typeof a !== 'object' || a.key !== key) continue;
    return attributeValueString(a.value);
  }
  return undefined;
}

/**
 * An attribute's `value` object as a string, or undefined when not a scalar.
 * `intValue` is a string in OTLP/JSON (int64) and a number in some exporters: both are read.
 * An empty string counts as absent.
 */
export function attributeValueString(value: unknown): string | undefined {
  const v = value as Record<string, unknown> | null | undefined;
  if (v === null || typeof v !== 'object') return undefined;
  const scalar = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
  if (typeof scalar === 'string') return scalar === '' ? undefined : scalar;
  if (typeof scalar === 'number' || typeof scalar === 'boolean') return String(scalar);
  return undefined;
}
