import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineContract, defineStream, jsonSchemaOf, toJsonSchema } from './index.ts';

describe('toJsonSchema', () => {
  test('the document of a small contract', () => {
    const contract = defineContract({
      ticker: defineStream({
        path: '/ticker/:symbol',
        params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
        query: z.object({ depth: z.coerce.number().int().max(50).optional() }),
        events: {
          quote: z.object({ price: z.number(), venue: z.string().default('XNYS') }),
          halted: z.object({ reason: z.string() }),
        },
        description: 'Live quotes',
      }),
      announcements: defineStream({
        path: '/announcements',
        events: { notice: z.object({ text: z.string() }) },
      }),
      book: defineStream({ path: '/book/:venue/:symbol', events: { level: z.object({ size: z.number() }) } }),
    });
    expect(toJsonSchema(contract)).toMatchInlineSnapshot(`
      {
        "streams": {
          "announcements": {
            "events": {
              "notice": {
                "additionalProperties": false,
                "properties": {
                  "text": {
                    "type": "string",
                  },
                },
                "required": [
                  "text",
                ],
                "type": "object",
              },
            },
            "params": null,
            "path": "/announcements",
            "query": null,
          },
          "book": {
            "events": {
              "level": {
                "additionalProperties": false,
                "properties": {
                  "size": {
                    "type": "number",
                  },
                },
                "required": [
                  "size",
                ],
                "type": "object",
              },
            },
            "params": {
              "additionalProperties": false,
              "properties": {
                "symbol": {
                  "type": "string",
                },
                "venue": {
                  "type": "string",
                },
              },
              "required": [
                "venue",
                "symbol",
              ],
              "type": "object",
            },
            "path": "/book/:venue/:symbol",
            "query": null,
          },
          "ticker": {
            "description": "Live quotes",
            "events": {
              "halted": {
                "additionalProperties": false,
                "properties": {
                  "reason": {
                    "type": "string",
                  },
                },
                "required": [
                  "reason",
                ],
                "type": "object",
              },
              "quote": {
                "additionalProperties": false,
                "properties": {
                  "price": {
                    "type": "number",
                  },
                  "venue": {
                    "default": "XNYS",
                    "type": "string",
                  },
                },
                "required": [
                  "price",
                  "venue",
                ],
                "type": "object",
              },
            },
            "params": {
              "additionalProperties": false,
              "properties": {
                "symbol": {
                  "pattern": "^[A-Z]{1,5}$",
                  "type": "string",
                },
              },
              "required": [
                "symbol",
              ],
              "type": "object",
            },
            "path": "/ticker/:symbol",
            "query": {
              "additionalProperties": false,
              "properties": {
                "depth": {
                  "maximum": 50,
                  "minimum": -9007199254740991,
                  "type": "integer",
                },
              },
              "type": "object",
            },
          },
        },
        "unexpressed": [],
      }
    `);
  });

  test('unexpressed lists the valibot schemas it cannot express; arktype ones are expressed', () => {
    const contract = defineContract({
      mixed: defineStream({
        path: '/mixed/:id',
        params: v.object({ id: v.string() }),
        query: v.object({ depth: v.optional(v.string()) }),
        events: {
          zodEvent: z.object({ n: z.number() }),
          valibotEvent: v.object({ n: v.number() }),
          arkEvent: type({ n: 'number' }),
        },
      }),
    });
    const doc = toJsonSchema(contract);
    expect(doc.unexpressed).toEqual(['mixed.events.valibotEvent', 'mixed.params', 'mixed.query']);
    const stream = doc.streams['mixed']!;
    expect(stream.events['valibotEvent']).toBeNull();
    expect(stream.params).toBeNull();
    expect(stream.query).toBeNull();
    expect(stream.events['arkEvent']).toEqual({
      type: 'object',
      properties: { n: { type: 'number' } },
      required: ['n'],
    });
    expect(stream.events['zodEvent']).toMatchObject({
      type: 'object',
      properties: { n: { type: 'number' } },
    });
  });
});

describe('jsonSchemaOf', () => {
  test('drops $schema and describes the output type', () => {
    const result = jsonSchemaOf(z.object({ venue: z.string().default('XNYS') }));
    expect(result).toEqual({
      ok: true,
      schema: {
        type: 'object',
        properties: { venue: { type: 'string', default: 'XNYS' } },
        required: ['venue'],
        additionalProperties: false,
      },
    });
  });

  test('says why a schema cannot be expressed, and where', () => {
    expect(jsonSchemaOf(z.object({ a: z.object({ when: z.date() }) }))).toMatchObject({
      ok: false,
      field: 'a.when',
      reason: expect.stringContaining('Date'),
    });
    expect(jsonSchemaOf(v.string())).toMatchObject({
      ok: false,
      unsupported: true,
      reason: expect.stringContaining('valibot'),
    });
  });
});
