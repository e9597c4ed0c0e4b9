// The subset of JSON Schema the agent tools declare their input with, and a validator for it. VS Code and MCP
// clients get the schema as is; the handlers get only input that passed `validateInput`, so a bad argument is a
// clear message naming the field, never a crash deep inside a tool.
import { SpanLensError } from '../errors';
import { quoteForDisplay } from '../text/quoteForDisplay';

export type JsonSchema =
  | { readonly type: 'string'; readonly description?: string; readonly enum?: readonly string[]; readonly pattern?: string; readonly minLength?: number; readonly maxLength?: number; readonly default?: string }
  | { readonly type: 'integer' | 'number'; readonly description?: string; readonly minimum?: number; readonly maximum?: number; readonly default?: number }
  | { readonly type: 'boolean'; readonly description?: string; readonly default?: boolean }
  | { readonly type: 'array'; readonly description?: string; readonly items: JsonSchema; readonly minItems?: number; readonly maxItems?: number }
  | {
      readonly type: 'object';
      readonly description?: string;
      readonly properties: Readonly<Record<string, JsonSchema>>;
      readonly required?: readonly string[];
      /** false: unknown keys are refused; a schema: the type of every value (a string map). */
      readonly additionalProperties: false | JsonSchema;
      readonly maxProperties?: number;
    };

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function problems(schema: JsonSchema, value: unknown, at: string, out: string[]): void {
  const where = at === '' ? 'the input' : `'${at}'`;
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return void out.push(`${where} must be a string, not ${typeName(value)}`);
      if (schema.enum && !schema.enum.includes(value)) return void out.push(`${where} must be one of ${schema.enum.map((e) => `"${e}"`).join(', ')}, not "${quoteForDisplay(value, 60)}"`);
      if (schema.minLength !== undefined && value.length < schema.minLength) return void out.push(`${where} must have at least ${schema.minLength} character(s)`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return void out.push(`${where} must have at most ${schema.maxLength} characters`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) out.push(`${where}: "${quoteForDisplay(value, 60)}" does not have the expected form (${schema.description ?? schema.pattern})`);
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return void out.push(`${where} must be a number, not ${typeName(value)}`);
      if (schema.type === 'integer' && !Number.isInteger(value)) return void out.push(`${where} must be a whole number, not ${value}`);
      if (schema.minimum !== undefined && value < schema.minimum) return void out.push(`${where} must be at least ${schema.minimum}, not ${value}`);
      if (schema.maximum !== undefined && value > schema.maximum) out.push(`${where} must be at most ${schema.maximum}, not ${value}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${where} must be true or false, not ${typeName(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) return void out.push(`${where} must be an array, not ${typeName(value)}`);
      if (schema.minItems !== undefined && value.length < schema.minItems) return void out.push(`${where} must have at least ${schema.minItems} item(s)`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return void out.push(`${where} must have at most ${schema.maxItems} items`);
      value.forEach((v, i) => problems(schema.items, v, `${at}[${i}]`, out));
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void out.push(`${where} must be an object, not ${typeName(value)}`);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) out.push(`${where} must have at most ${schema.maxProperties} entries`);
      for (const key of schema.required ?? []) if (record[key] === undefined) out.push(`'${at === '' ? key : `${at}.${key}`}' is required`);
      for (const key of keys) {
        const child = at === '' ? key : `${at}.${key}`;
        const known = schema.properties[key];
        if (known) {
          if (record[key] !== undefined) problems(known, record[key], child, out);
        } else if (schema.additionalProperties === false) {
          out.push(`unknown argument '${quoteForDisplay(child, 60)}' (known: ${Object.keys(schema.properties).join(', ') || 'none'})`);
        } else problems(schema.additionalProperties, record[key], child, out);
      }
      return;
    }
  }
}

/** The input as a record when it matches `schema`; otherwise a 'bad-input' SpanLensError listing every problem. */
export function validateInput(schema: JsonSchema, input: unknown): Record<string, unknown> {
  const out: string[] = [];
  problems(schema, input ?? {}, '', out);
  if (out.length > 0) throw new SpanLensError('bad-input', `Invalid arguments: ${out.slice(0, 5).join('; ')}.`);
  return (input ?? {}) as Record<string, unknown>;
}
