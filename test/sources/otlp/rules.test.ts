import { describe, expect, test } from 'vitest';
import { TracesConfigSchema } from '../../../src/config/evacuation-config.ts';
import { userRegex } from '../../../src/config/user-regex.ts';
import { deviceRule } from '../../../src/sources/otlp/device-rules.ts';
import { attributeNames, attributeString, pickAttributes } from '../../../src/sources/otlp/otlp-attributes.ts';
import { countsAsRequest } from '../../../src/sources/otlp/span-kind.ts';

const attrs = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

describe('userRegex', () => {
  test('reads a leading (?i) as the case-insensitive flag', () => {
    const r = userRegex('(?i)iphone|ipad');
    expect(r.ok && r.regex.flags).toBe('i');
    expect(r.ok && r.regex.test('Streamer (IPHONE; iOS 17)')).toBe(true);
  });

  test('keeps a pattern without (?i) case-sensitive', () => {
    const r = userRegex('Android');
    expect(r.ok && r.regex.test('android')).toBe(false);
  });

  test('refuses a pattern that does not compile, saying why', () => {
    const r = userRegex('(?i)iphone(');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/not a valid regular expression/);
  });

  test('refuses inline flags other than a leading (?i)', () => {
    expect(userRegex('(?s)a.b').ok).toBe(false);
  });
});

describe('countsAsRequest', () => {
  test('counts SERVER and CONSUMER spans, by number or enum name', () => {
    expect([2, 5, 'SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER'].map(countsAsRequest)).toEqual([true, true, true, true]);
  });

  test('does not count CLIENT, PRODUCER, INTERNAL or unspecified spans', () => {
    expect([0, 1, 3, 4, undefined, 'SPAN_KIND_CLIENT'].map(countsAsRequest)).toEqual([false, false, false, false, false, false]);
  });
});

describe('attributeString', () => {
  test('reads string, int (string or number), double and bool values', () => {
    const list = [
      { key: 's', value: { stringValue: 'x' } },
      { key: 'i', value: { intValue: '42' } },
      { key: 'n', value: { intValue: 7 } },
      { key: 'd', value: { doubleValue: 1.5 } },
      { key: 'b', value: { boolValue: true } },
    ];
    expect(['s', 'i', 'n', 'd', 'b'].map((k) => attributeString(list, k))).toEqual(['x', '42', '7', '1.5', 'true']);
  });

  test('treats an empty string, an array value or a missing key as absent', () => {
    const list = [
      { key: 'e', value: { stringValue: '' } },
      { key: 'a', value: { arrayValue: { values: [] } } },
    ];
    expect(['e', 'a', 'm'].map((k) => attributeString(list, k))).toEqual([undefined, undefined, undefined]);
  });
});

describe('deviceRule', () => {
  const config = TracesConfigSchema.parse({
    deviceType: {
      attribute: 'app.device.type',
      userAgent: [
        { match: '(?i)android', device: 'android' },
        { match: '(?i)iphone|ipad|ios', device: 'ios' },
      ],
    },
  });
  const configured = deviceRule(config);
  // The rule reads the attributes evac picks from the span's and the resource's lists.
  const rule = (span: unknown, resource: unknown) => configured(pickAttributes(span, attributeNames(config)), pickAttributes(resource, attributeNames(config)));

  test('takes the attribute first, from the span', () => {
    expect(rule(attrs({ 'app.device.type': 'tv', 'user_agent.original': 'Android' }), [])).toBe('tv');
  });

  test('takes the attribute from the resource when the span has none', () => {
    expect(rule(attrs({ 'user_agent.original': 'Android' }), attrs({ 'app.device.type': 'settop' }))).toBe('settop');
  });

  test('else the first user-agent regex that matches user_agent.original wins', () => {
    expect(rule(attrs({ 'user_agent.original': 'Streamer/8 (iPad; iOS 17)' }), [])).toBe('ios');
  });

  test('reads the legacy http.user_agent when user_agent.original is absent', () => {
    expect(rule(attrs({ 'http.user_agent': 'ExoPlayer (Linux; ANDROID 14)' }), [])).toBe('android');
  });

  test('gives nothing when no rule matches', () => {
    expect(rule(attrs({ 'user_agent.original': 'curl/8.5.0' }), [])).toBeUndefined();
    expect(rule([], [])).toBeUndefined();
  });
});
