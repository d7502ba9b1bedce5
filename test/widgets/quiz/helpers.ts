/** An edit of a quiz: [path, value] sets, [path] deletes; the path is dot-separated keys, "" the whole. */
export type Edit = [string, unknown?] | [string];

/** A copy of `base` with `edits` applied, for broken-quiz vectors. */
export function applyEdits(base: unknown, edits: Edit[]): any {
  let out: any = JSON.parse(JSON.stringify(base));
  for (const edit of edits) {
    const [path] = edit;
    if (path == '') {
      out = edit[1];
      continue;
    }
    const keys = path.split('.');
    const last = keys.pop()!;
    const parent = keys.reduce((o, k) => o[k], out);
    if (edit.length == 1) delete parent[last];
    else parent[last] = edit[1];
  }
  return out;
}
