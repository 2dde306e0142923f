import { jsonSchema, SCHEMAS, type SchemaName } from '../../src/report/json-schema.ts';
import { EvacError, EXIT } from '../../src/errors.ts';
import type { Command } from '../command.ts';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of a config file or of a JSON output',
  usage: `evac schema [${Object.keys(SCHEMAS).join('|')}]`,
  options: {},
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const name = args.positionals[0];
    if (name === undefined) {
      const all = Object.fromEntries(Object.keys(SCHEMAS).map((n) => [n, jsonSchema(n as SchemaName)]));
      io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      return EXIT.ok;
    }
    if (!(name in SCHEMAS)) throw new EvacError(`unknown schema "${name}": expected one of ${Object.keys(SCHEMAS).join(', ')}`);
    io.stdout.write(`${JSON.stringify(jsonSchema(name as SchemaName), null, 2)}\n`);
    return EXIT.ok;
  },
};
