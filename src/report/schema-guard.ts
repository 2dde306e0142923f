import type { z } from 'zod';

/** Whether a value is valid: a guard built from a zod schema by `schemaGuard`. */
export type Guard = (value: unknown) => boolean;

/** The parts of a zod schema's definition a guard reads (zod 4's `_zod.def`). */
interface Def {
  readonly type: string;
  readonly coerce?: boolean;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly catchall?: Schema;
  readonly innerType?: Schema;
  readonly element?: Schema;
  readonly items?: readonly Schema[];
  readonly rest?: Schema | null;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly values?: readonly unknown[];
  readonly keyType?: Schema;
  readonly valueType?: Schema;
}

interface CheckDef {
  readonly check: string;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
}

interface Schema {
  readonly _zod: { readonly def: Def };
}

const REJECT: Guard = () => false;

/**
 * A fast yes/no check built from a zod schema's own definition, for the hot path of checking a
 * big document (a plan of thousands of entries) that is valid by construction almost always:
 * no output object, no issue list, a few nanoseconds a field instead of zod's parse.
 *
 * One-way by design: `true` means zod's `safeParse` succeeds (every rule of the kinds below is
 * applied as zod applies it); `false` means "ask zod", which then decides and words the
 * problem. A kind of schema, or a check, not listed here compiles to a guard that always
 * answers `false`, so the schema stays the single source of truth even when it grows.
 *
 * Kinds: object (strict: no unknown key; or stripping), string, boolean, number (finite, with
 * `min`, `max`, `gt`, `lt`, `int`), nullable, optional, default, array, tuple (no rest), enum,
 * literal, record of string keys.
 */
export function schemaGuard(schema: z.ZodType): Guard {
  return compile(schema as unknown as Schema);
}

function compile(schema: Schema): Guard {
  const def = schema._zod.def;
  const checks = def.checks ?? [];
  // Coercion, or refinements and checks beyond a number's bounds: zod decides.
  if (def.coerce || (checks.length > 0 && def.type !== 'number')) return REJECT;
  switch (def.type) {
    case 'string':
      return (v) => typeof v === 'string';
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'number':
      return numberGuard(checks.map((c) => c._zod.def));
    case 'nullable': {
      const inner = compile(def.innerType as Schema);
      return (v) => v === null || inner(v);
    }
    case 'optional':
    case 'default': {
      const inner = compile(def.innerType as Schema);
      return (v) => v === undefined || inner(v);
    }
    case 'array': {
      const element = compile(def.element as Schema);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (const e of v) if (!element(e)) return false;
        return true;
      };
    }
    case 'tuple': {
      if (def.rest) return REJECT;
      const items = (def.items ?? []).map(compile);
      return (v) => Array.isArray(v) && v.length === items.length && items.every((item, i) => item(v[i]));
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case 'literal': {
      const values = new Set(def.values ?? []);
      return (v) => values.has(v);
    }
    case 'record': {
      if (def.keyType?._zod.def.type !== 'string' || (def.keyType._zod.def.checks ?? []).length > 0 || def.keyType._zod.def.coerce) return REJECT;
      const value = compile(def.valueType as Schema);
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (const k of Object.keys(v)) if (!value(v[k])) return false;
        return true;
      };
    }
    case 'object':
      return objectGuard(def);
    default:
      return REJECT;
  }
}

function numberGuard(checks: readonly CheckDef[]): Guard {
  let min = Number.NEGATIVE_INFINITY;
  let minInclusive = true;
  let max = Number.POSITIVE_INFINITY;
  let maxInclusive = true;
  let int = false;
  // The tightest bound of each side (of two equal ones, the exclusive).
  for (const c of checks) {
    if (c.check === 'greater_than' && typeof c.value === 'number') {
      if (c.value > min) {
        min = c.value;
        minInclusive = c.inclusive === true;
      } else if (c.value === min && c.inclusive !== true) minInclusive = false;
    } else if (c.check === 'less_than' && typeof c.value === 'number') {
      if (c.value < max) {
        max = c.value;
        maxInclusive = c.inclusive === true;
      } else if (c.value === max && c.inclusive !== true) maxInclusive = false;
    } else if (c.check === 'number_format' && c.format === 'safeint') int = true;
    else return REJECT;
  }
  return (v) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (minInclusive ? v >= min : v > min) &&
    (maxInclusive ? v <= max : v < max) &&
    (!int || Number.isSafeInteger(v));
}

function objectGuard(def: Def): Guard {
  const shape = def.shape ?? {};
  const catchall = def.catchall?._zod.def.type;
  // Strict (`never`): no unknown key; none: unknown keys are stripped, so anything goes.
  if (catchall !== undefined && catchall !== 'never') return REJECT;
  const strict = catchall === 'never';
  const keys = Object.keys(shape);
  const fields = keys.map((k) => compile(shape[k] as Schema));
  const known = new Set(keys);
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (let i = 0; i < keys.length; i++) if (!(fields[i] as Guard)(v[keys[i] as string])) return false;
    if (strict) for (const k in v) if (!known.has(k)) return false;
    return true;
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
