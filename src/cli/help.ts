import { USAGE } from './usage.js';

/** USAGE's command lines, each with its continuation lines (the indented description below it). */
function usageEntries(): { command: string; text: string }[] {
  const entries: { command: string; text: string }[] = [];
  for (const line of USAGE.split('\n')) {
    if (/^ {2}\S/.test(line)) entries.push({ command: line.trim(), text: line });
    else if (/^ {3,}\S/.test(line) && entries.length > 0)
      (entries[entries.length - 1] as { text: string }).text += `\n${line}`;
  }
  return entries;
}

/** Whether the arguments ask for help: `--help` or `-h` anywhere (no value of ours is either). */
export function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/**
 * The usage of the command the words before `--help` name: the longest run of leading words that
 * some USAGE line starts with (`clients add --help`: the clients add line; `users --help`: every
 * users line). Undefined when no line starts with the first word.
 */
export function helpFor(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const entries = usageEntries();
  for (let n = words.length; n > 0; n--) {
    const prefix = words.slice(0, n).join(' ');
    const matching = entries.filter((e) => e.command === prefix || e.command.startsWith(`${prefix} `));
    if (matching.length > 0) return `Usage: bulwark <command>\n\n${matching.map((e) => e.text).join('\n')}`;
  }
  return undefined;
}
