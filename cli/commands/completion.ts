import { EvacError, EXIT } from '../../src/errors.ts';
import type { Command } from '../command.ts';
import { SHORT_FLAGS } from '../flags.ts';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** Text safe inside a single-quoted shell word and a zsh `_arguments` description. */
const plain = (text: string) =>
  text
    .replace(/['[\]:\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function bash(commands: readonly Command[]): string {
  const cases = commands.map((c) => {
    const flags = [...Object.keys(c.options).map((n) => `--${n}`), '--help'].join(' ');
    return `    ${c.name}) COMPREPLY=($(compgen -W '${flags}' -- "$cur")) ;;`;
  });
  return [
    '# evac completion for bash: eval "$(evac completion bash)" (e.g. in ~/.bashrc)',
    '_evac() {',
    '  local cur=$2 command',
    '  read -r _ command _ <<< "$COMP_LINE"',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W '${commands.map((c) => c.name).join(' ')} help --version' -- "$cur"))`,
    '    return',
    '  fi',
    '  [[ $cur == -* ]] || return',
    '  case $command in',
    ...cases,
    '  esac',
    '}',
    'complete -o default -F _evac evac',
    '',
  ].join('\n');
}

function zsh(commands: readonly Command[]): string {
  const cases = commands.map((c) => {
    const specs = Object.entries(c.options).map(([n, o]) => {
      const short = SHORT_FLAGS[n];
      const names = short ? `'(-${short} --${n})'{-${short},--${n}}` : `'--${n}`;
      const open = short ? "'" : '';
      const value = o.type === 'string' ? `:${plain(o.valueName ?? 'VALUE')}:_default` : '';
      return `${names}${open}[${plain(o.description)}]${value}'`;
    });
    return `    ${c.name}) _arguments -s ${[...specs, "'*:file:_files'"].join(' ')} ;;`;
  });
  return [
    '#compdef evac',
    '# evac completion for zsh: eval "$(evac completion zsh)" in ~/.zshrc (after compinit)',
    '_evac() {',
    '  local -a commands',
    `  commands=(${commands.map((c) => `'${c.name}:${plain(c.summary)}'`).join(' ')})`,
    '  if (( CURRENT == 2 )); then',
    "    _describe 'command' commands",
    '    return',
    '  fi',
    '  local command=$words[2]',
    '  shift words',
    '  (( CURRENT-- ))',
    '  case $command in',
    ...cases,
    '  esac',
    '}',
    'compdef _evac evac',
    '',
  ].join('\n');
}

function fish(commands: readonly Command[]): string {
  const lines = ['# evac completion for fish: evac completion fish > ~/.config/fish/completions/evac.fish', 'complete -c evac -f'];
  for (const c of commands) lines.push(`complete -c evac -n __fish_use_subcommand -a ${c.name} -d '${plain(c.summary)}'`);
  for (const c of commands) {
    for (const [n, o] of Object.entries(c.options)) {
      const short = SHORT_FLAGS[n];
      lines.push(
        `complete -c evac -n '__fish_seen_subcommand_from ${c.name}' -l ${n}${short ? ` -s ${short}` : ''}${o.type === 'string' ? ' -r -F' : ''} -d '${plain(o.description)}'`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `evac completion bash|zsh|fish`: a completion script of every command and flag. */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash, zsh or fish)',
    usage: 'evac completion bash|zsh|fish',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(args, io) {
      const shell = args.positionals[0] as Shell;
      if (!SHELLS.includes(shell)) throw new EvacError(`completion: unknown shell "${shell}": expected one of ${SHELLS.join(', ')}`);
      const write = { bash, zsh, fish }[shell];
      io.stdout.write(write(commands()));
      return EXIT.ok;
    },
  };
}
