import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { fingerprint } from '@tidings/contract';
import { describe, expect, test } from 'vitest';
import { kitchenSink } from './__fixtures__/kitchen-sink.ts';
import { generateAsyncApi, rebaseRefs } from './asyncapi.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const contract = path.join(here, '__fixtures__', 'kitchen-sink.ts');
const snapshot = path.join(here, '__snapshots__', 'kitchen-sink.asyncapi.yaml');
/** The fixture's nearest package.json is the codegen package's own. */
const manifest = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8')) as {
  version: string;
};

async function parse(text: string) {
  const { document, diagnostics } = await new Parser().parse(text);
  const errors = diagnostics
    .filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)
    .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
  return { document, errors };
}

describe('asyncapi', () => {
  test("rebaseRefs points local refs at the schema's place in the document", () => {
    const schema = {
      items: { $ref: '#' },
      $defs: { a: { $ref: '#/$defs/a' } },
      other: { $ref: 'http://x/y' },
    };
    expect(rebaseRefs(schema, '#/components/schemas/s.e')).toEqual({
      items: { $ref: '#/components/schemas/s.e' },
      $defs: { a: { $ref: '#/components/schemas/s.e/$defs/a' } },
      other: { $ref: 'http://x/y' },
    });
  });

  test('the kitchen-sink YAML document matches its snapshot and @asyncapi/parser accepts it', async () => {
    const generated = await generateAsyncApi({ contract, out: snapshot });
    await expect(generated.text).toMatchFileSnapshot(snapshot);
    const again = await generateAsyncApi({ contract, out: snapshot });
    expect(again.text).toBe(generated.text);

    const { document, errors } = await parse(generated.text);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((channel) => channel.id()),
    ).toEqual(['orders', 'catalog', 'status']);
    const catalog = document?.channels().get('catalog');
    expect(catalog?.address()).toBe('/catalog/{region}/{shop}');
    expect(
      catalog
        ?.parameters()
        .all()
        .map((parameter) => parameter.id()),
    ).toEqual(['region', 'shop']);
    expect(
      catalog
        ?.messages()
        .all()
        .map((message) => message.name()),
    ).toEqual(['tree', 'thread', 'prices', 'ping']);
    const thread = catalog
      ?.messages()
      .all()
      .find((message) => message.name() === 'thread');
    const replies = thread?.payload()?.properties()?.['replies'];
    expect(replies?.items()).toBeDefined();
    expect(document?.operations().get('orders')?.action()).toBe('send');
  }, 60_000);

  test("info carries the contract package's version with the fingerprint, and the fingerprint as x-tidings-fingerprint", async () => {
    const generated = await generateAsyncApi({ contract, out: snapshot });
    const { document, errors } = await parse(generated.text);
    expect(errors).toEqual([]);
    const print = fingerprint(kitchenSink);
    expect(document?.info().version()).toBe(`${manifest.version}+${print}`);
    expect(document?.info().extensions().get('x-tidings-fingerprint')?.value()).toBe(print);
  }, 60_000);

  test('a .json path gives the same document as JSON (parsed above as YAML)', async () => {
    const yaml = await generateAsyncApi({ contract, out: path.join(here, 'asyncapi.yaml') });
    const json = await generateAsyncApi({ contract, out: path.join(here, 'asyncapi.json') });
    expect(json.format).toBe('json');
    expect(JSON.parse(json.text)).toEqual(yaml.document);
    expect(json.text.endsWith('}\n')).toBe(true);
  });
});
