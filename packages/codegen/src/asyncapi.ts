import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AnyContract, fingerprint, type JsonSchema, pathParams, toJsonSchema } from '@tidings/contract';
import { fillPath } from '@tidings/contract/wire';
import { stringify } from 'yaml';
import { TidingsCodegenError } from './errors.ts';
import { type ContractSource, loadContract } from './load-contract.ts';

/** A JSON value of the AsyncAPI document. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the AsyncAPI document says about where it comes from. */
export interface AsyncApiSource {
  /** The contract export's name: the document's title. */
  exportName: string;
  /** The contract module's path, as shown in the description. */
  source: string;
  /**
   * `info.version`: `generateAsyncApi` passes the contract package's version with the fingerprint as
   * semver build metadata (`0.1.0+833f30fe1c0c5db6`).
   * @default the contract fingerprint
   */
  version?: string | undefined;
}

/** Options of `generateAsyncApi`. */
export interface AsyncApiOptions extends ContractSource {
  /** Path of the document to write: `.yaml`, `.yml` or `.json` picks the format. */
  out: string;
}

/** A generated AsyncAPI document. */
export interface GeneratedAsyncApi {
  /** The document as text, in the format `out` asks for. */
  text: string;
  /** The document as a plain object. */
  document: { [key: string]: Json };
  format: 'yaml' | 'json';
  exportName: string;
  outFile: string;
}

/** Points every local `$ref` (`#`, `#/$defs/…`) of a schema at its new home inside the document. */
export function rebaseRefs(schema: unknown, base: string): Json {
  if (Array.isArray(schema)) return schema.map((item) => rebaseRefs(item, base));
  if (schema === null || typeof schema !== 'object') return schema as Json;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${base}${value.slice(1)}`
        : rebaseRefs(value, base);
  }
  return out;
}

function pointer(...segments: string[]): string {
  return `#/${segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function parameterOf(name: string, stream: string, params: JsonSchema | null): { [key: string]: Json } {
  const properties = params?.['properties'] as { [key: string]: JsonSchema } | undefined;
  const schema = properties?.[name];
  const parameter: { [key: string]: Json } = {};
  const values = schema?.['enum'];
  if (Array.isArray(values) && values.every((value) => typeof value === 'string')) parameter['enum'] = values;
  const description = schema?.['description'];
  parameter['description'] =
    typeof description === 'string' ? description : `Path param "${name}" of stream "${stream}".`;
  return parameter;
}

/**
 * An AsyncAPI 3.0 document for a contract: a channel per stream (its path params as channel
 * parameters), a message per event with the event's JSON Schema as payload, and a `send` operation
 * per stream (the server sends; an HTTP `GET` binding carries the query schema).
 */
export function toAsyncApi(contract: AnyContract, source: AsyncApiSource): { [key: string]: Json } {
  const json = toJsonSchema(contract);
  const channels: { [key: string]: Json } = {};
  const operations: { [key: string]: Json } = {};
  const messages: { [key: string]: Json } = {};
  const schemas: { [key: string]: Json } = {};
  for (const [name, stream] of Object.entries(contract.streams)) {
    const streamSchema = json.streams[name]!;
    const paramNames = pathParams(stream.path);
    const channelMessages: { [key: string]: Json } = {};
    const operationMessages: Json[] = [];
    for (const event of Object.keys(stream.events)) {
      const key = `${name}.${event}`;
      const schema = streamSchema.events[event];
      schemas[key] = schema ? rebaseRefs(schema, pointer('components', 'schemas', key)) : {};
      messages[key] = {
        name: event,
        title: `${name} ${event}`,
        summary: `Event "${event}" of stream "${name}".`,
        contentType: 'application/json',
        payload: { $ref: pointer('components', 'schemas', key) },
      };
      channelMessages[event] = { $ref: pointer('components', 'messages', key) };
      operationMessages.push({ $ref: pointer('channels', name, 'messages', event) });
    }
    const channel: { [key: string]: Json } = {
      address: fillPath(stream.path, (name) => `{${name}}`),
      title: name,
    };
    if (stream.description !== undefined) channel['description'] = stream.description;
    if (paramNames.length > 0) {
      channel['parameters'] = Object.fromEntries(
        paramNames.map((param) => [param, parameterOf(param, name, streamSchema.params)]),
      );
    }
    channel['messages'] = channelMessages;
    channels[name] = channel;
    const http: { [key: string]: Json } = { method: 'GET' };
    if (streamSchema.query)
      http['query'] = rebaseRefs(
        streamSchema.query,
        pointer('operations', name, 'bindings', 'http', 'query'),
      );
    http['bindingVersion'] = '0.3.0';
    operations[name] = {
      action: 'send',
      title: name,
      summary: `The server sends the events of stream "${name}" as Server-Sent Events.`,
      channel: { $ref: pointer('channels', name) },
      messages: operationMessages,
      bindings: { http },
    };
  }
  const print = fingerprint(contract);
  return {
    asyncapi: '3.0.0',
    info: {
      title: source.exportName,
      version: source.version ?? print,
      description: `Server-Sent Event streams of the "${source.exportName}" Tidings contract. x-tidings-fingerprint is the contract fingerprint its clients send. Generated by \`tidings asyncapi\` from ${source.source}. Do not edit.`,
      'x-tidings-fingerprint': print,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages, schemas },
  };
}

/** Serializes a document as YAML or JSON, always ending in a newline. */
export function serializeDocument(document: { [key: string]: Json }, format: 'yaml' | 'json'): string {
  return format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document, { lineWidth: 0 });
}

/** The output format an AsyncAPI path asks for, or a usage error. */
export function asyncApiFormat(out: string): 'yaml' | 'json' {
  const ext = path.extname(out).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  throw new TidingsCodegenError(
    `@tidings/codegen: --out ${out} has no AsyncAPI extension; expected a path ending in .yaml, .yml or .json.`,
  );
}

/** The `version` of the nearest package.json above a file (the contract's package); `0.0.0` without one. */
async function packageVersion(file: string): Promise<string> {
  let dir = path.dirname(file);
  for (;;) {
    let text: string | undefined;
    try {
      text = await readFile(path.join(dir, 'package.json'), 'utf8');
    } catch {}
    if (text !== undefined) {
      const { version } = JSON.parse(text) as { version?: unknown };
      return typeof version === 'string' && version !== '' ? version : '0.0.0';
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

/** Imports the contract and returns its AsyncAPI 3.0 document, as YAML or JSON by `out`'s extension. */
export async function generateAsyncApi(options: AsyncApiOptions): Promise<GeneratedAsyncApi> {
  const format = asyncApiFormat(options.out);
  const cwd = options.cwd ?? process.cwd();
  const outFile = path.resolve(cwd, options.out);
  const { contract, exportName, resolved } = await loadContract(options);
  const source = path.relative(path.dirname(outFile), resolved.file).split(path.sep).join('/');
  // Semver build metadata keeps the package's version and still changes with every contract change.
  const version = `${(await packageVersion(resolved.file)).split('+')[0]}+${fingerprint(contract)}`;
  const document = toAsyncApi(contract, { exportName, source, version });
  return { text: serializeDocument(document, format), document, format, exportName, outFile };
}

/** Generates the AsyncAPI document and writes it to `options.out` (creating its directory). */
export async function writeAsyncApi(options: AsyncApiOptions): Promise<GeneratedAsyncApi> {
  const generated = await generateAsyncApi(options);
  await mkdir(path.dirname(generated.outFile), { recursive: true });
  await writeFile(generated.outFile, generated.text);
  return generated;
}
