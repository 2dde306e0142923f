/** Data that ends more than this long before the time planned for is flagged `stale-data`. */
export const STALE_DATA_SECONDS = 2 * 86_400;

/** Samples dated later than now + this are a clock or unit error: validate rejects them. */
export const FUTURE_TOLERANCE_SECONDS = 86_400;
