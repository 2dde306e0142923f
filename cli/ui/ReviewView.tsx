import { Box, Text } from 'ink';

/** What a review shows; the parent fills it from a dry run of the same service that applies. */
export type Review =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | {
      readonly status: 'ready';
      /** The calls, exactly as `evac apply --dry-run` (or `restore --dry-run`) prints them. */
      readonly lines: readonly string[];
      /** Calls to make. */
      readonly calls: number;
      readonly regions: readonly string[];
      /** Why it cannot be applied from here (files source), or null. */
      readonly refusal: string | null;
    };

export interface ReviewViewProps {
  readonly action: 'apply' | 'restore';
  readonly review: Review;
  /** The word to type (the failed region) and what is typed so far. */
  readonly confirmWord: string;
  readonly typed: string;
  /** Rows for the call lines; they scroll off with a count. */
  readonly rows: number;
  readonly width: number;
}

/** The review before apply or restore: the exact calls, how many, where, and the typed confirmation. */
export function ReviewView({ action, review, confirmWord, typed, rows, width }: ReviewViewProps) {
  const title = action === 'apply' ? 'Apply review' : 'Restore review';
  if (review.status === 'loading') return <Text>{title}: reading live Min/Max of every target…</Text>;
  if (review.status === 'error') {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold>{title}</Text>
        <Text wrap="wrap">
          cannot {action}: {review.message}
        </Text>
        <Text dimColor>Esc back</Text>
      </Box>
    );
  }
  const shown = review.lines.slice(0, Math.max(1, rows));
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {title}: {review.calls} call{review.calls === 1 ? '' : 's'} in {review.regions.join(', ') || 'no region'}
      </Text>
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, never reordered
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
      {review.lines.length > shown.length ? (
        <Text dimColor>
          … {review.lines.length - shown.length} more lines (evac {action} --dry-run prints them all)
        </Text>
      ) : null}
      {review.refusal !== null ? (
        <Text bold wrap="wrap">
          {review.refusal}
        </Text>
      ) : review.calls === 0 ? (
        <Text>Nothing to {action}. Esc back</Text>
      ) : (
        <Text bold wrap="truncate-end">
          Type {confirmWord} and Enter to {action}, Esc to go back: {typed}▏
        </Text>
      )}
    </Box>
  );
}
