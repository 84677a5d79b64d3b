import { defineContract, defineStream } from '@tidings/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { createHub } from './create-hub.ts';
import { heldBroker } from './test-support/held-broker.ts';

// Regression tests for two hand-over bugs found in review: a replayed event sent again when its
// live copy arrived after the resumer went live, and live events dropped after a future-id gap.

const contract = defineContract({
  feed: defineStream({ path: '/feed', events: { item: z.object({ n: z.number() }) } }),
});

it('a replayed event whose live copy arrives late is not written twice', async () => {
  await using late = heldBroker('live');
  await using hub = createHub(contract, { broker: late.broker });
  await using server = await serverResource(hub);
  await using first = await openSse(`${server.url}/feed`);
  const ids = [
    await hub.streams.feed.emit('item', { n: 1 }),
    await hub.streams.feed.emit('item', { n: 2 }),
    await hub.streams.feed.emit('item', { n: 3 }),
  ];
  await using second = await openSse(`${server.url}/feed`, { 'last-event-id': ids[0]! });
  await second.until(2); // the replay: 2 and 3, while their live copies are still held
  late.release();
  await first.until(3);
  ids.push(await hub.streams.feed.emit('item', { n: 4 }));
  late.release();
  await first.until(4);
  await second.until(3);
  expect(second.events.map((e) => e.id)).toEqual(ids.slice(1));
  expect(first.events.map((e) => e.id)).toEqual(ids);
});

it('after a gap for a future id, live events that arrive during the replay are delivered', async () => {
  await using late = heldBroker('replay');
  await using hub = createHub(contract, { broker: late.broker });
  await using server = await serverResource(hub);
  await hub.streams.feed.emit('item', { n: 0 });
  await using stream = await openSse(`${server.url}/feed`, { 'last-event-id': '9999999999999-0' });
  const live = [await hub.streams.feed.emit('item', { n: 1 }), await hub.streams.feed.emit('item', { n: 2 })];
  late.release();
  const events = await stream.until(3);
  expect(events.map((e) => e.event)).toEqual(['gap', 'item', 'item']);
  expect(events.slice(1).map((e) => e.id)).toEqual(live);
});
