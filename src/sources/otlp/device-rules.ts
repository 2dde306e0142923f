import type { TracesConfig } from '../../config/evacuation-config.ts';
import { userRegex } from '../../config/user-regex.ts';
import { DEVICE, LEGACY_USER_AGENT, type PickedAttributes, USER_AGENT } from './otlp-attributes.ts';

/** Gives the device type of a span from its own attributes and its resource's (as picked by `pickAttributes`), or undefined. */
export type DeviceRule = (span: PickedAttributes, resource: PickedAttributes) => string | undefined;

/**
 * The configured device-type rules as one function. First rule that yields a value wins:
 * 1. `deviceType.attribute`, on the span, else on its resource (the value as written);
 * 2. each `deviceType.userAgent` regex in order, over `user_agent.original` (else the legacy
 *    `http.user_agent`), on the span, else on its resource: the first match gives its `device`.
 * Patterns were checked when the config was loaded; one that does not compile here is a bug.
 *
 * @example deviceRule({deviceType: {userAgent: [{match: '(?i)iphone', device: 'ios'}]}, ...})
 *   (picked span attributes with user_agent.original "Mozilla/5.0 (iPhone...)", none) // 'ios'
 */
export function deviceRule(config: TracesConfig): DeviceRule {
  const { attribute, userAgent } = config.deviceType;
  const agents = userAgent.map((r) => {
    const compiled = userRegex(r.match);
    if (!compiled.ok) throw new Error(`traces.deviceType.userAgent "${r.match}": ${compiled.message}`);
    return { regex: compiled.regex, device: r.device };
  });
  return (span, resource) => {
    if (attribute !== undefined) {
      const value = span[DEVICE] ?? resource[DEVICE];
      if (value !== undefined) return value;
    }
    if (agents.length === 0) return undefined;
    const agent = span[USER_AGENT] ?? span[LEGACY_USER_AGENT] ?? resource[USER_AGENT] ?? resource[LEGACY_USER_AGENT];
    if (agent === undefined) return undefined;
    for (const a of agents) if (a.regex.test(agent)) return a.device;
    return undefined;
  };
}
