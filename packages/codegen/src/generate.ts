import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type StreamDescriptor, toDescriptor } from '@tidings/contract';
import type { ts } from 'ts-morph';
import { openCheckedContractProgram } from './contract-program.ts';
import { type ClientModule, emitClientModule, type ShapeStream } from './emit-client.ts';
import { TidingsCodegenError } from './errors.ts';
import {
  type ContractSource,
  contractValue,
  importContractModule,
  pickExport,
  resolveContractFile,
} from './load-contract.ts';
import { camelCase, isIdentifier, NameRegistry, pascalCase } from './names.ts';
import type { TypeDeclaration, TypeModel } from './type-model.ts';
import { TypeWalker } from './type-walker.ts';

/** Options of `generateClient` and `checkClient`. */
export interface GenerateOptions extends ContractSource {
  /** Path of the module to write; paths in its header are relative to it. */
  out: string;
}

/** A generated client module. */
export interface GeneratedClient {
  /** The module's source text. */
  code: string;
  /** The contract export it was generated from. */
  exportName: string;
  /** Absolute path of the output file. */
  outFile: string;
}

/** Type names the module itself uses, which contract types must not shadow. */
const RESERVED_NAMES = [
  'ClientOptions',
  'ContractDescriptor',
  'TidingsClient',
  'Brand',
  'Record',
  'PropertyKey',
];

function property(checker: ts.TypeChecker, type: ts.Type, name: string, where: string): ts.Type {
  const symbol = type.getProperty(name);
  if (!symbol) {
    throw new TidingsCodegenError(
      `@tidings/codegen: ${where} exists at run time but not in the contract's type; expected them to match (is the export cast to another type?).`,
    );
  }
  return checker.getTypeOfSymbol(symbol);
}

function moduleNames(exportName: string, registry: NameRegistry): ClientModule['names'] {
  const pascal = pascalCase(exportName);
  const descriptor = `${isIdentifier(exportName) ? exportName : camelCase(exportName)}Descriptor`;
  return {
    shape: registry.allocate(`${pascal}Shape`),
    descriptor,
    factory: `create${pascal}Client`,
  };
}

function posixRelative(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/');
}

interface StreamContext {
  checker: ts.TypeChecker;
  walker: TypeWalker;
  registry: NameRegistry;
  roots: TypeDeclaration[];
}

/** Declares a stream's params (when it has path params), query (when the shape has one) and event types. */
function streamShape(
  context: StreamContext,
  streamType: ts.Type,
  name: string,
  entry: { descriptor: StreamDescriptor; description: string | undefined; where: string },
): ShapeStream {
  const { checker, walker, registry, roots } = context;
  const { descriptor, where } = entry;
  const pascal = pascalCase(name);
  const declare = (type: ts.Type, typeName: string, at: string, doc: string): TypeModel => {
    const allocated = registry.allocate(typeName);
    roots.push(walker.declareRoot(type, allocated, at, doc));
    return { kind: 'ref', name: allocated };
  };
  const params: TypeModel =
    descriptor.params.length > 0
      ? declare(
          property(checker, streamType, 'params', where),
          `${pascal}Params`,
          `${where}, params`,
          `Path params of stream "${name}".`,
        )
      : { kind: 'object', properties: [], indexes: [] };
  const querySymbol = streamType.getProperty('query');
  const query = querySymbol
    ? declare(
        checker.getTypeOfSymbol(querySymbol),
        `${pascal}Query`,
        `${where}, query`,
        `Query of stream "${name}".`,
      )
    : undefined;
  const eventsType = property(checker, streamType, 'events', where);
  const events = descriptor.events.map((event) => {
    const at = `${where}, event "${event}"`;
    const type = property(checker, eventsType, event, at);
    const doc = `Payload of event "${event}" on stream "${name}".`;
    return { name: event, type: declare(type, `${pascal}${pascalCase(event)}Event`, at, doc) };
  });
  return { name, description: entry.description, params, query, events };
}

/**
 * Reads a contract with the TypeScript checker and returns the source of a self-contained client module
 * (plain types, a runtime descriptor and `create<Name>Client`) that imports `@tidings/client` only.
 */
export async function generateClient(options: GenerateOptions): Promise<GeneratedClient> {
  const resolved = resolveContractFile(options);
  const cwd = options.cwd ?? process.cwd();
  const outFile = path.resolve(cwd, options.out);
  const loaded = openCheckedContractProgram(resolved.file, resolved.display, cwd);
  const exportName = pickExport(loaded.exports, resolved.display, options.export);
  const shape = loaded.shapeOf(exportName);
  const contract = contractValue(await importContractModule(resolved), resolved.display, exportName);
  const descriptor = toDescriptor(contract);

  const registry = new NameRegistry(RESERVED_NAMES);
  const names = moduleNames(exportName, registry);
  const walker = new TypeWalker(loaded.program, registry);
  const context: StreamContext = { checker: loaded.checker, walker, registry, roots: [] };
  const typeStreams = new Set(shape.getProperties().map((symbol) => symbol.name));
  const streams = Object.entries(descriptor.streams).map(([name, stream]) => {
    const where = `${resolved.display}: stream "${name}"`;
    typeStreams.delete(name);
    const description = contract.streams[name]?.description;
    return streamShape(context, property(loaded.checker, shape, name, where), name, {
      descriptor: stream,
      description,
      where,
    });
  });
  if (typeStreams.size > 0) {
    throw new TidingsCodegenError(
      `@tidings/codegen: ${resolved.display}: the type of "${exportName}" declares streams [${[...typeStreams].join(', ')}] that do not exist at run time; expected them to match.`,
    );
  }
  const code = emitClientModule({
    source: posixRelative(path.dirname(outFile), resolved.file),
    exportName,
    names,
    descriptor,
    streams,
    declarations: [...context.roots, ...walker.helpers],
    usesBrand: walker.usesBrand,
  });
  return { code, exportName, outFile };
}

/** Generates the client module and writes it to `options.out` (creating its directory). */
export async function writeClient(options: GenerateOptions): Promise<GeneratedClient> {
  const generated = await generateClient(options);
  await mkdir(path.dirname(generated.outFile), { recursive: true });
  await writeFile(generated.outFile, generated.code);
  return generated;
}
