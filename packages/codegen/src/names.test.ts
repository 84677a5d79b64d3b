import { describe, expect, test } from 'vitest';
import { camelCase, isIdentifier, NameRegistry, pascalCase } from './names.ts';

describe('names', () => {
  test('pascalCase splits on separators and keeps inner capitals', () => {
    expect(pascalCase('ticker')).toBe('Ticker');
    expect(pascalCase('price.update')).toBe('PriceUpdate');
    expect(pascalCase('order_filled')).toBe('OrderFilled');
    expect(pascalCase('line-removed')).toBe('LineRemoved');
    expect(pascalCase('bookLevel')).toBe('BookLevel');
    expect(pascalCase('2fa')).toBe('_2fa');
    expect(pascalCase('--')).toBe('Unnamed');
  });

  test('camelCase and isIdentifier', () => {
    expect(camelCase('price-feed')).toBe('priceFeed');
    expect(isIdentifier('market')).toBe(true);
    expect(isIdentifier('a-b')).toBe(false);
  });

  test('NameRegistry hands out unique names, avoiding reserved ones and keywords', () => {
    const names = new NameRegistry(['Brand']);
    expect(names.allocate('Quote')).toBe('Quote');
    expect(names.allocate('Quote')).toBe('Quote2');
    expect(names.allocate('Quote')).toBe('Quote3');
    expect(names.allocate('Brand')).toBe('Brand2');
    expect(names.allocate('status.changed')).toBe('StatusChanged');
    expect(names.allocate('string')).toBe('String');
    expect(names.allocate('type')).toBe('Type');
  });
});
