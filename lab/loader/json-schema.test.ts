/** The committed topologies/topology.schema.json must equal a fresh generation (run `npm run schema`). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TOPOLOGY_SCHEMA_FILE, topologyJsonSchemaText } from '../model/write-json-schema';
import { listTopologyFiles } from './topology-files';

test('topology.schema.json is up to date with lab/model/schema.ts (else: npm run schema)', () => {
  expect(readFileSync(TOPOLOGY_SCHEMA_FILE, 'utf8')).toBe(topologyJsonSchemaText());
});

test('the schema is strict and documents units', () => {
  const schema = JSON.parse(topologyJsonSchemaText());
  expect(schema.additionalProperties).toBe(false);
  expect(schema.required).toEqual(expect.arrayContaining(['description', 'hosts', 'paths', 'traffic']));
  expect(JSON.stringify(schema)).toContain('1gbit');
});

test('every topology in topologies/ points editors at the schema', () => {
  const files = listTopologyFiles();
  expect(files.map((f) => path.basename(f))).toContain('two-vlan.yaml');
  for (const file of files) {
    expect(`${path.basename(file)}: ${readFileSync(file, 'utf8').split('\n')[0]}`).toBe(`${path.basename(file)}: # yaml-language-server: $schema=./topology.schema.json`);
  }
});
