/**
 * What `attune check` finds and reports: the shapes behind its `--json` output
 * (documented in docs/check.md), shared with the collector's config loading.
 */

/** One problem in a file: where (a JSON path), what, and how bad. */
export interface CheckProblem {
  /** JSON path from the document's root, e.g. `$.placements[0].variants[1].when.age`. */
  path: string;
  /** What is wrong, for people; the path is not repeated in it. */
  message: string;
  /** `error`: the file would not run as written (the check fails); `warning`: it would, with this part ignored. */
  severity: 'error' | 'warning';
  /** For a file that is not JSON: where the parser stopped, 1-based, when it said. */
  line?: number;
  column?: number;
}

/** The kinds of file `attune check` knows. */
export type CheckKind = 'config' | 'quiz' | 'catalog' | 'sites';

/** One file's verdict. `kind` is null when it could not be told (or the file not read). */
export interface FileReport {
  file: string;
  kind: CheckKind | null;
  /** True when no problem is an error. */
  ok: boolean;
  problems: CheckProblem[];
}

/** The whole run, as `--json` prints it. */
export interface CheckReport {
  /** The shape's version: bumped only when a field changes meaning or goes away. */
  version: 1;
  ok: boolean;
  errors: number;
  warnings: number;
  files: FileReport[];
}
