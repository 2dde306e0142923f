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

/**
 * A fast yes/no check built from a zod schema's own definition, for the hot path of checking a
 * big document (a plan of thousands of entries) that is valid by construction almost always:
 * no output object, no issue list, one generated function that reads each field by name (a
 * nanosecond or so a field once optimized, against zod's parse that copies the document).
 *
 * One-way by design: `true` means zod's `safeParse` succeeds (every rule of the kinds below is
 * applied as zod applies it); `false` means "ask zod", which then decides and words the
 * problem. A kind of schema, or a check, not listed here compiles to "answer `false`", so the
 * schema stays the single source of truth even when it grows.
 *
 * Kinds: object (strict: no unknown key; or stripping), string, boolean, number (finite, with
 * `min`, `max`, `gt`, `lt`, `int`), nullable, optional, default, array, tuple (no rest), enum,
 * literal, record of string keys.
 */
export function schemaGuard(schema: z.ZodType): Guard {
  const code = new GuardCode();
  const body = code.check(schema as unknown as Schema, 'value');
  // Generated code (as zod's own parser does): each field is read by its name at a site of its
  // own, so the loads stay fast where one shared loop over keys would see every object's shape.
  // An array's element is checked by a function of its own: small, it is optimized after a few
  // of a plan's thousands of entries, where one big function would wait to be optimized whole.
  return new Function('sets', `${code.helpers.join('\n')}\nreturn function guard(value) {\n${body}\nreturn true;\n};`)(code.sets) as Guard;
}

/** Writes the statements that `return false` unless a value satisfies a schema. */
class GuardCode {
  /** The sets the code reads (enum values, literals, an object's keys), by index. */
  readonly sets: ReadonlySet<unknown>[] = [];
  /** The element checkers of arrays, as function declarations, and the key lists of strict objects. */
  readonly helpers: string[] = [];
  private names = 0;

  /** Statements checking the expression `v` (a variable: it is read more than once). */
  check(schema: Schema, v: string): string {
    const def = schema._zod.def;
    const checks = def.checks ?? [];
    // Coercion, or refinements and checks beyond a number's bounds: zod decides.
    if (def.coerce || (checks.length > 0 && def.type !== 'number')) return 'return false;';
    switch (def.type) {
      case 'string':
        return `if (typeof ${v} !== 'string') return false;`;
      case 'boolean':
        return `if (typeof ${v} !== 'boolean') return false;`;
      case 'number':
        return numberCheck(
          checks.map((c) => c._zod.def),
          v,
        );
      case 'nullable':
        return `if (${v} !== null) {\n${this.check(def.innerType as Schema, v)}\n}`;
      case 'optional':
      case 'default':
        return `if (${v} !== undefined) {\n${this.check(def.innerType as Schema, v)}\n}`;
      case 'array': {
        const e = this.name();
        const i = this.name();
        const element = this.name();
        this.helpers.push(`function ${element}(${e}) {\n${this.check(def.element as Schema, e)}\nreturn true;\n}`);
        return `if (!Array.isArray(${v})) return false;\nfor (let ${i} = 0; ${i} < ${v}.length; ${i}++) if (!${element}(${v}[${i}])) return false;`;
      }
      case 'tuple': {
        if (def.rest) return 'return false;';
        const items = def.items ?? [];
        return [
          `if (!Array.isArray(${v}) || ${v}.length !== ${items.length}) return false;`,
          ...items.map((item, i) => {
            const e = this.name();
            return `{\nconst ${e} = ${v}[${i}];\n${this.check(item, e)}\n}`;
          }),
        ].join('\n');
      }
      case 'enum':
        return `if (!sets[${this.set(Object.values(def.entries ?? {}))}].has(${v})) return false;`;
      case 'literal':
        return `if (!sets[${this.set(def.values ?? [])}].has(${v})) return false;`;
      case 'record': {
        const key = def.keyType?._zod.def;
        if (key?.type !== 'string' || (key.checks ?? []).length > 0 || key.coerce) return 'return false;';
        const k = this.name();
        const e = this.name();
        return [objectTest(v), `for (const ${k} of Object.keys(${v})) {\nconst ${e} = ${v}[${k}];\n${this.check(def.valueType as Schema, e)}\n}`].join('\n');
      }
      case 'object': {
        const catchall = def.catchall?._zod.def.type;
        // Strict (`never`): no unknown key; none: unknown keys are stripped, so anything goes.
        if (catchall !== undefined && catchall !== 'never') return 'return false;';
        const shape = def.shape ?? {};
        const keys = Object.keys(shape);
        const fields = keys.map((key) => {
          const e = this.name();
          return `{\nconst ${e} = ${v}[${JSON.stringify(key)}];\n${this.check(shape[key] as Schema, e)}\n}`;
        });
        return [objectTest(v), ...fields, ...(catchall === 'never' ? [this.knownKeys(v, keys)] : [])].join('\n');
      }
      default:
        return 'return false;';
    }
  }

  /**
   * Statements that `return false` when `for...in` (as zod's strict object reads it) yields a
   * key not among `keys`. An object built in the schema's key order (a plan's thousands of
   * entries are) yields them in that order: each key is compared with the one expected there
   * first, a pointer comparison for the interned names, and looked up only when it differs.
   */
  private knownKeys(v: string, keys: readonly string[]): string {
    const order = this.name();
    const i = this.name();
    const k = this.name();
    this.helpers.push(`const ${order} = ${JSON.stringify(keys)};`);
    return `{\nlet ${i} = 0;\nfor (const ${k} in ${v}) if (${k} !== ${order}[${i}++] && !sets[${this.set(keys)}].has(${k})) return false;\n}`;
  }

  private name(): string {
    this.names += 1;
    return `v${this.names}`;
  }

  private set(values: readonly unknown[]): number {
    return this.sets.push(new Set(values)) - 1;
  }
}

function objectTest(v: string): string {
  return `if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) return false;`;
}

/** The statement checking a number: finite, within its tightest bounds, whole when `int`. */
function numberCheck(checks: readonly CheckDef[], v: string): string {
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
    else return 'return false;';
  }
  // Finite: v - v is 0 for a finite number, NaN for NaN and the infinities (no call per field,
  // which costs while the guard runs in the interpreter, most of a plan's entries).
  const tests = [`typeof ${v} === 'number'`, `${v} - ${v} === 0`];
  // Bounds as exact literals (a double's shortest round-trip form, or an exponent form).
  if (min !== Number.NEGATIVE_INFINITY) tests.push(`${v} ${minInclusive ? '>=' : '>'} ${numberLiteral(min)}`);
  if (max !== Number.POSITIVE_INFINITY) tests.push(`${v} ${maxInclusive ? '<=' : '<'} ${numberLiteral(max)}`);
  if (int) tests.push(`Number.isSafeInteger(${v})`);
  return `if (!(${tests.join(' && ')})) return false;`;
}

/** A finite number as JavaScript source that reads back as the same double. */
function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`a bound must be finite: ${n}`);
  return Object.is(n, -0) ? '-0' : `(${String(n)})`;
}
