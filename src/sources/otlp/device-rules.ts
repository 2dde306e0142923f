import type { TracesConfig } from '../../config/evacuation-config.ts';
import { userRegex } from '../../config/user-regex.ts';
import { attributeString } from './otlp-attributes.ts';

/** The OpenTelemetry semantic-convention attribute holding the user agent. */
export const USER_AGENT_ATTRIBUTE = 'user_agent.original';
/** The older name of the same attribute (semantic conventions before 1.21), still written by many instrumentations. */
export const LEGACY_USER_AGENT_ATTRIBUTE = 'http.user_agent';

/** Gives the device type of a span from its own attributes and its resource's, or undefined. */
export type DeviceRule = (spanAttributes: unknown, resourceAttributes: unknown) => string | undefined;

/**
 * The configured device-type rules as one function. First rule that yields a value wins:
 * 1. `deviceType.attribute`, on the span, else on its resource (the value as written);
 * 2. each `deviceType.userAgent` regex in order, over `user_agent.original` (else the legacy
 *    `http.user_agent`), on the span, else on its resource: the first match gives its `device`.
 * Patterns were checked when the config was loaded; one that does not compile here is a bug.
 *
 * @example deviceRule({deviceType: {userAgent: [{match: '(?i)iphone', device: 'ios'}]}, ...})
 *   (spanAttrs with user_agent.original "Mozilla/5.0 (iPhone...)", []) // 'ios'
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
      const value = attributeString(span, attribute) ?? attributeString(resource, attribute);
      if (value !== undefined) return value;
    }
    if (agents.length === 0) return undefined;
    const agent = userAgentOf(span) ?? userAgentOf(resource);
    if (agent === undefined) return undefined;
    for (const a of agents) if (a.regex.test(agent)) return a.device;
    return undefined;
  };
}

function userAgentOf(attributes: unknown): string | undefined {
  return attributeString(attributes, USER_AGENT_ATTRIBUTE) ?? attributeString(attributes, LEGACY_USER_AGENT_ATTRIBUTE);
}
