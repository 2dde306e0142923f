import { Box, Text } from 'ink';
import { KEY_HELP } from './key-help.ts';

/** The `?` overlay: every key, one line each. */
export function HelpOverlay({ width }: { readonly width: number }) {
  const keyWidth = Math.max(...KEY_HELP.map(([k]) => k.length));
  return (
    <Box flexDirection="column" width={width} borderStyle="single" paddingX={1}>
      <Text bold>Keys (any key closes this help)</Text>
      {KEY_HELP.map(([k, what]) => (
        <Text key={k} wrap="truncate-end">
          {k.padEnd(keyWidth)} {what}
        </Text>
      ))}
    </Box>
  );
}
