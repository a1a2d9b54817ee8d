/**
 * Writes topologies/topology.schema.json from the zod schema, for editors (the YAML files
 * point at it with a yaml-language-server comment). Run with `npm run schema`; a unit test
 * fails when the committed file differs from a fresh generation.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Topology } from './schema';

/** Where the generated JSON Schema lives. */
export const TOPOLOGY_SCHEMA_FILE = path.resolve(__dirname, '../../topologies/topology.schema.json');

/** The topology JSON Schema as the file's text (what a YAML file may hold: the input side). */
export function topologyJsonSchemaText(): string {
  return JSON.stringify(z.toJSONSchema(Topology, { io: 'input' }), null, 2) + '\n';
}

/** Writes the JSON Schema file and returns its path. */
export function writeTopologyJsonSchema(file = TOPOLOGY_SCHEMA_FILE): string {
  writeFileSync(file, topologyJsonSchemaText());
  return file;
}

if (require.main === module) {
  console.log(`wrote ${path.relative(process.cwd(), writeTopologyJsonSchema())}`);
}
