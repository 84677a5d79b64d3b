import { expect, test } from 'vitest';
import { appendField } from './field-path.ts';

test('appendField builds dotted field paths with [] for items and [key] for map values', () => {
  const root = 'c.ts: stream "orders", event "placed"';
  expect(appendField(root, 'lines')).toBe('c.ts: stream "orders", event "placed", field "lines"');
  const lines = appendField(appendField(root, 'lines'), '[]');
  expect(appendField(lines, 'price')).toBe('c.ts: stream "orders", event "placed", field "lines[].price"');
  expect(appendField(appendField(root, 'byId'), '[key]')).toBe(
    'c.ts: stream "orders", event "placed", field "byId[key]"',
  );
});
