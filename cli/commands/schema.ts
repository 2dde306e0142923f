import { SCHEMA_NAMES, type SchemaName } from '../../src/report/schema-names.ts';
import { EvacError, EXIT } from '../../src/errors.ts';
import type { Command } from '../command.ts';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of a config file or of a JSON output',
  usage: `evac schema [${SCHEMA_NAMES.join('|')}]`,
  options: {},
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const { jsonSchema } = await import('../../src/report/json-schema.ts');
    const name = args.positionals[0];
    if (name === undefined) {
      const all = Object.fromEntries(SCHEMA_NAMES.map((n) => [n, jsonSchema(n)]));
      io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      return EXIT.ok;
    }
    if (!(SCHEMA_NAMES as readonly string[]).includes(name)) throw new EvacError(`unknown schema "${name}": expected one of ${SCHEMA_NAMES.join(', ')}`);
    io.stdout.write(`${JSON.stringify(jsonSchema(name as SchemaName), null, 2)}\n`);
    return EXIT.ok;
  },
};
