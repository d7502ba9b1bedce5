/**
 * `attune check` for Node, built to dist/check.mjs for `bin/attune.mjs`: the door's
 * validators without the collector (no database, no better-sqlite3).
 */
export { runAttune, CHECK_USAGE, type CheckOutput } from './cli';
export { checkText, formatReport, summarise } from './check-file';
export { detectKind, KINDS } from './kinds';
export type { CheckKind, CheckProblem, CheckReport, FileReport } from './types';
