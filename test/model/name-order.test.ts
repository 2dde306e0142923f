import { describe, expect, test } from 'vitest';
import { compareNames } from '../../src/model/name-order.ts';

describe('the order of names', () => {
  test('is by UTF-16 code units: capitals before small letters, a prefix before its longer names', () => {
    expect(['b', 'a-1', 'é', 'a', 'Z', 'B', 'a1'].sort(compareNames)).toEqual(['B', 'Z', 'a', 'a-1', 'a1', 'b', 'é']);
    expect(compareNames('svc', 'svc')).toBe(0);
  });

  test('does not follow a locale: "aa" comes before "z" where a Danish collation puts it after', () => {
    expect(new Intl.Collator('da').compare('aa-api', 'z-api')).toBeGreaterThan(0);
    expect(compareNames('aa-api', 'z-api')).toBeLessThan(0);
  });
});
