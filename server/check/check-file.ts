/**
 * One file's verdict from its text: pure, so the command line and its tests share it.
 */
import { detectKind, KINDS, unknownKindMessage } from './kinds';
import { parseJson } from './json-text';
import type { CheckKind, CheckProblem, CheckReport, FileReport } from './types';

const verdict = (file: string, kind: CheckKind | null, problems: CheckProblem[]): FileReport => ({
  file,
  kind,
  ok: !problems.some((p) => p.severity === 'error'),
  problems,
});

/**
 * Judges `text`, the content of `file`, as `kind`, or as the kind its content shows
 * when `kind` is not given. Never throws.
 *
 * @example checkText('home.json', '{"placements": []}') // { file: 'home.json', kind: 'config', ok: true, problems: [] }
 */
export function checkText(file: string, text: string, kind?: CheckKind): FileReport {
  const parsed = parseJson(text);
  if (!parsed.ok) return verdict(file, kind ?? null, [parsed.problem]);
  const found = kind ?? detectKind(parsed.value);
  if (!found) return verdict(file, null, [{ path: '$', message: unknownKindMessage(), severity: 'error' }]);
  return verdict(file, found, KINDS[found].check(parsed.value));
}

/** The verdict on a file that could not be read (missing, a folder, no permission). */
export const unreadable = (file: string, reason: string, kind?: CheckKind): FileReport =>
  verdict(file, kind ?? null, [{ path: '$', message: `cannot read the file: ${reason}`, severity: 'error' }]);

/** The run's report: the files' verdicts and the counts over all of them. */
export function summarise(files: FileReport[]): CheckReport {
  const all = files.flatMap((f) => f.problems);
  const errors = all.filter((p) => p.severity === 'error').length;
  return { version: 1, ok: errors === 0, errors, warnings: all.length - errors, files };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The report for people: one line per problem, `file:line:column` where the parser
 * said, then the path and the message, like a compiler's; a line per clean file; a
 * closing count.
 */
export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const f of report.files) {
    if (!f.problems.length) lines.push(`${f.file}: ok (${f.kind})`);
    for (const p of f.problems) {
      const where = p.line === undefined ? f.file : `${f.file}:${p.line}:${p.column}`;
      lines.push(`${where}: ${p.severity} at ${p.path}: ${p.message}`);
    }
  }
  lines.push(`${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')} in ${plural(report.files.length, 'file')}`);
  return lines.join('\n') + '\n';
}
