// A small RFC 4180 CSV reader (quoted fields, doubled quotes, commas and newlines in
// quotes, CRLF), enough for the UCI file and the interactions files.

/** Parses CSV text into rows of string fields; a trailing newline adds no empty row. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') (field += '"'), i++;
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

/** Quotes a field when it needs it. */
export const csvField = (value) => (/[",\n\r]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

/** Rows (arrays) to CSV text with a trailing newline. */
export const toCsv = (rows) => rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';

/**
 * Reads an interactions file with header `user,item,time` (columns in any order; time
 * as milliseconds since the epoch or an ISO 8601 date). Returns `{ user, item, time, line }`,
 * `line` being the row's place in the file, which breaks ties between equal times.
 */
export function readInteractions(text, name = 'input') {
  const [header, ...rows] = parseCsv(text);
  const col = (key) => {
    const at = (header ?? []).map((h) => h.trim().toLowerCase()).indexOf(key);
    if (at < 0) throw new Error(`${name}: the header has no "${key}" column (expected user,item,time)`);
    return at;
  };
  const [u, it, t] = ['user', 'item', 'time'].map(col);
  const out = [];
  rows.forEach((row, line) => {
    if (row.length === 1 && row[0] === '') return;
    const raw = row[t]?.trim() ?? '';
    const time = /^-?\d+(\.\d+)?$/.test(raw) ? +raw : Date.parse(raw);
    if (!row[u] || !row[it] || !Number.isFinite(time)) throw new Error(`${name}: line ${line + 2} needs a user, an item and a time`);
    out.push({ user: row[u], item: row[it], time, line });
  });
  return out;
}
