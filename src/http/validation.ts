import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifySchema, FastifyServerOptions } from 'fastify';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ??
  addFormatsImport) as unknown as (ajv: Ajv) => Ajv;

const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

type Compile = (route: { schema: FastifySchema; httpPart?: string }) => ValidateFunction;

/**
 * Bodies are validated strictly: `42` is not the string "42", and nothing is silently dropped.
 * Query strings, params and headers arrive as text, so there (and only there) types are coerced.
 *
 * Given to Fastify as its schema controller's validator factory, not with setValidatorCompiler:
 * Fastify rebuilds the compiler of any plugin scope that adds a shared schema from the factory,
 * so a compiler set on the root would silently fall back to Fastify's default (which drops
 * unknown fields) in such a scope. The factory is used in every scope.
 */
function buildValidator(externalSchemas: Record<string, unknown> = {}): Compile {
  const { strict, coercing } = validatorsFor(externalSchemas);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const id = (schema as { $id?: unknown }).$id;
    return (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema as object);
  };
}

interface Validators {
  externalSchemas: Record<string, unknown>;
  strict: Ajv;
  coercing: Ajv;
}

/**
 * Fastify asks for a validator per plugin scope (65 at start-up), and each new Ajv instance
 * compiles the JSON Schema meta-schema again before its first schema: that was most of the
 * start-up's CPU. Scopes with the same shared schemas (the same objects) share one pair.
 */
const built: Validators[] = [];

function validatorsFor(externalSchemas: Record<string, unknown>): Validators {
  const names = Object.keys(externalSchemas);
  const same = (other: Validators) => {
    const otherNames = Object.keys(other.externalSchemas);
    return (
      otherNames.length === names.length && names.every((name) => other.externalSchemas[name] === externalSchemas[name])
    );
  };
  const existing = built.find(same);
  if (existing !== undefined) return existing;
  const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  for (const schema of Object.values(externalSchemas)) {
    strict.addSchema(schema as object);
    coercing.addSchema(schema as object);
  }
  const validators = { externalSchemas: { ...externalSchemas }, strict, coercing };
  built.push(validators);
  return validators;
}

/** The Fastify `schemaController` option that installs these validators in every scope. */
export const SCHEMA_CONTROLLER = { compilersFactory: { buildValidator } } as unknown as NonNullable<
  FastifyServerOptions['schemaController']
>;
