/** One row of an event's fields table, read from its JSON Schema. */
export interface FieldRow {
  /** The field's path: `course_id`, `answers[]`, `grade.max`. */
  readonly path: string;
  /** Its type, as a phrase: `string`, `integer ≥ 1`, `array of string`, `"audit" | "verified"`. */
  readonly type: string;
  /** Whether the field must be present. */
  readonly required: boolean;
  /** Its `description` in the schema; `''` when there is none. */
  readonly description: string;
}

type Schema = Record<string, unknown>;

/** The rows of the fields table of a payload schema: each property, then its nested ones, in declaration order. */
export function fieldRows(schema: Schema): FieldRow[] {
  const rows: FieldRow[] = [];
  collect(schema, '', rows);
  return rows;
}

function collect(schema: Schema, prefix: string, rows: FieldRow[]): void {
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties !== undefined) {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      const path = prefix ? `${prefix}.${name}` : name;
      rows.push({ path, type: typeOf(property), required: required.has(name), description: String(property.description ?? '') });
      collect(property, path, rows);
    }
  }
  const items = schema.items as Schema | undefined;
  if (schema.type === 'array' && items !== undefined && items.type === 'object') collect(items, `${prefix}[]`, rows);
}

/** A schema's type as a short phrase. */
export function typeOf(schema: Schema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeOf).join(' | ');
  const type = schema.type;
  if (type === 'array') return schema.items ? `array of ${typeOf(schema.items as Schema)}` : 'array';
  if (type === 'string') return withLimits('string', schema, [['format', ' (%)'], ['pattern', ' matching /%/'], ['minLength', ', length ≥ %'], ['maxLength', ', length ≤ %']]);
  if (type === 'integer' || type === 'number') return withLimits(type, schema, [['minimum', ' ≥ %'], ['maximum', ' ≤ %'], ['exclusiveMinimum', ' > %'], ['exclusiveMaximum', ' < %']]);
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.join(' | ');
  return 'any';
}

function withLimits(base: string, schema: Schema, limits: [string, string][]): string {
  return limits.reduce((text, [key, template]) => (key in schema ? text + template.replace('%', String(schema[key])) : text), base);
}
