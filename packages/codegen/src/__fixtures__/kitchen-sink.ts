/**
 * A contract that uses every type shape the generator must print: the source of the
 * `__snapshots__/kitchen-sink.generated.ts` snapshot.
 */
import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

/** A category tree, declared as an interface so `z.lazy` can refer to itself. */
export interface CategoryNode {
  name: string;
  children: CategoryNode[];
}

const categoryNode: z.ZodType<CategoryNode> = z.lazy(() =>
  z.object({ name: z.string(), children: z.array(categoryNode) }),
);

/** A comment thread, recursive through a getter: its type has no name of its own. */
const comment = z.object({
  author: z.string(),
  body: z.string(),
  get replies(): z.ZodArray<typeof comment> {
    return z.array(comment);
  },
});

const money = z.object({ amount: z.number().int(), currency: z.enum(['EUR', 'USD', 'JPY']) });

export const kitchenSink = defineContract({
  orders: defineStream({
    path: '/orders/:orderId',
    params: z.object({ orderId: z.string().brand<'OrderId'>() }),
    description: 'Every change to one order',
    events: {
      created: z.object({
        /** The customer who placed the order. */
        customer: z.string(),
        total: money,
        lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive(), price: money })),
        status: z.enum(['pending', 'paid', 'shipped']),
        priority: z.literal(1).or(z.literal(2)).or(z.literal(3)),
        note: z.string().optional(),
        coupon: z.string().nullable(),
        giftWrap: z.boolean().nullish(),
        placedAt: z.iso.datetime(),
        tags: z.array(z.string()).default([]),
        amountInCents: z.number().int().brand<'Cents'>(),
      }),
      'status.changed': z.discriminatedUnion('status', [
        z.object({ status: z.literal('paid'), paidAt: z.string() }),
        z.object({ status: z.literal('shipped'), carrier: z.string(), tracking: z.string().nullable() }),
        z.object({ status: z.literal('cancelled'), reason: z.string().optional() }),
      ]),
      'line-removed': z.object({ sku: z.string(), position: z.tuple([z.number(), z.number()]) }),
    },
  }),
  catalog: defineStream({
    path: '/catalog/:region/:shop',
    events: {
      tree: z.object({ root: categoryNode, updatedAt: z.string() }),
      thread: comment,
      prices: z.object({
        bySku: z.record(z.string(), z.number()),
        byCurrency: z.record(z.enum(['EUR', 'USD']), z.number()),
        history: z.array(z.tuple([z.string(), z.number()], z.boolean())),
        matrix: z.array(z.array(z.number().nullable())),
        window: z.object({ from: z.string(), to: z.string() }).readonly(),
        meta: z.union([z.string(), z.number(), z.null()]),
        'content-type': z.literal('application/json'),
        extra: z.unknown(),
      }),
      ping: z.string(),
    },
  }),
  status: defineStream({
    path: '/status',
    events: {
      heartbeat: z.object({ up: z.boolean(), load: z.number().min(0).max(1) }),
      mode: z.enum(['normal', 'maintenance']),
      nested: z.object({
        a: z.object({ b: z.object({ c: z.array(z.object({ d: z.string().optional() })) }) }),
      }),
    },
  }),
});
