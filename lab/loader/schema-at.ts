/**
 * Walks a zod schema along a YAML path to the schema that governs that spot, so problem
 * messages can list the keys an object allows or the examples a unit field expects.
 */
import { z } from 'zod';
import type { YamlPath } from './yaml-path';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

// Strips wrappers (optional, default, pipe) down to the schema that holds the structure.
function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) return s;
    s = next;
  }
}

/** The schema at `path` inside `root`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: YamlPath): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    const def = defOf(unwrapSchema(s));
    if (def.type === 'object') s = def.shape?.[String(seg)];
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'array') s = def.element;
    else return undefined;
  }
  return s;
}

/** The keys an object schema allows (empty when `schema` is not an object). */
export function allowedKeys(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const def = defOf(unwrapSchema(schema));
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** The first `examples` metadata found on the schema or the schemas it wraps. */
export function examplesOf(schema: z.ZodType | undefined): string[] {
  let s = schema;
  while (s) {
    const examples = (s.meta() as { examples?: unknown } | undefined)?.examples;
    if (Array.isArray(examples)) return examples.map(String);
    const def = defOf(s);
    s = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return [];
}
