/** An OTLP/JSON attribute: `{key, value: {stringValue | intValue | boolValue | doubleValue | ...}}`. */
export interface OtlpAttribute {
  readonly key?: unknown;
  readonly value?: unknown;
}

/**
 * The value of attribute `key` as a string, or undefined when absent or not a scalar.
 * `intValue` is a string in OTLP/JSON (int64) and a number in some exporters: both are read.
 * An empty string counts as absent.
 */
export function attributeString(attributes: unknown, key: string): string | undefined {
  if (!Array.isArray(attributes)) return undefined;
  for (const a of attributes as readonly OtlpAttribute[]) {
    if (a === null || typeof a !== 'object' || a.key !== key) continue;
    const v = a.value as Record<string, unknown> | null | undefined;
    if (v === null || typeof v !== 'object') return undefined;
    const scalar = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
    if (typeof scalar === 'string') return scalar === '' ? undefined : scalar;
    if (typeof scalar === 'number' || typeof scalar === 'boolean') return String(scalar);
    return undefined;
  }
  return undefined;
}
