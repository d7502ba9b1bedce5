/**
 * The `attune check` command line: reads the files named, judges each (checkText),
 * prints what it found, and says by its exit code whether every file may run.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkText, formatReport, summarise, unreadable } from './check-file';
import { isKind, KINDS } from './kinds';
import type { CheckKind } from './types';

const KIND_NAMES = Object.keys(KINDS).join('|');

/** The command's help text. */
export const CHECK_USAGE = `Usage: attune check [--kind ${KIND_NAMES}] [--json] <file>…

Checks site configs, quizzes, product catalogs and collector sites files, every
problem with its file and JSON path. A file's kind is told by its "$schema" or its
content (placements, questions, a list of products, sites with write keys) unless
--kind gives it for every file.

  --kind <kind>  judge every file as this kind (${KIND_NAMES.replaceAll('|', ', ')})
  --json         print one JSON report (docs/check.md) instead of lines for people
  --help         show this help

Exit code: 0 when no file has an error (warnings allowed), 1 when one has, 2 for a
mistake on the command line.
`;

// What a failed read says, for people (the code alone for anything rarer).
const READ_FAILURES: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder' };

/** Where the command writes; process.stdout and process.stderr, or a test's buffers. */
export interface CheckOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CheckOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Runs `attune <argv>` (argv without `node` and the script, so it starts with
 * `check`) and returns the exit code: 0 clean, 1 problems, 2 usage.
 */
export async function runAttune(argv: readonly string[], io: CheckOutput = processOutput): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(CHECK_USAGE);
    return 0;
  }
  if (command !== 'check') {
    io.err(`${command === undefined ? 'no command given' : `unknown command: ${command}`}\n\n${CHECK_USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { kind: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  const { values, positionals: files } = parsed;
  if (values.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  if (values.kind !== undefined && !isKind(values.kind)) {
    io.err(`--kind must be one of ${KIND_NAMES}, not ${values.kind}\n`);
    return 2;
  }
  if (!files.length) {
    io.err(`which files? Name at least one.\n\n${CHECK_USAGE}`);
    return 2;
  }
  const kind = values.kind as CheckKind | undefined;
  const reports = await Promise.all(
    files.map((file) =>
      readFile(file, 'utf8').then(
        (text) => checkText(file, text, kind),
        (error: NodeJS.ErrnoException) => unreadable(file, READ_FAILURES[error.code ?? ''] ?? error.code ?? error.message, kind),
      ),
    ),
  );
  const report = summarise(reports);
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}
