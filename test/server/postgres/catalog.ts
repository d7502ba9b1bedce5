// Reads the shape of a schema (tables, columns, unique keys, named indexes) from SQLite's
// PRAGMAs and from PostgreSQL's catalogs into one form, so a test can compare the two stores.
import type pg from 'pg';
import type { Db } from '../../../server/database';

/** A column as both stores describe it; `type` is the store's own name for it. */
export interface Column {
  name: string;
  type: string;
  notNull: boolean;
  /** The default's text with PostgreSQL's casts stripped, or null. */
  default: string | null;
}

/** One table's shape. */
export interface TableShape {
  columns: Column[];
  /** Every primary key and unique constraint or index, as its column names joined by ",". */
  uniqueKeys: string[];
  /** Named (not automatic) indexes: name → "columns" plus " WHERE" when partial. */
  indexes: Record<string, string>;
}

/** The shapes of every table of a migrated SQLite database. */
export function sqliteShapes(db: Db): Map<string, TableShape> {
  const shapes = new Map<string, TableShape>();
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  for (const { name } of tables) {
    const info = db.prepare(`PRAGMA table_info(${name})`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const uniqueKeys = pk.length ? [pk.map((c) => c.name).join(',')] : [];
    const indexes: Record<string, string> = {};
    for (const index of db.prepare(`PRAGMA index_list(${name})`).all() as { name: string; unique: number; origin: string; partial: number }[]) {
      const columns = (db.prepare(`PRAGMA index_info(${index.name})`).all() as { name: string }[]).map((c) => c.name).join(',');
      if (index.unique && index.origin !== 'pk') uniqueKeys.push(columns);
      if (index.origin === 'c') indexes[index.name] = columns + (index.partial ? ' WHERE' : '');
    }
    shapes.set(name, {
      // An INTEGER PRIMARY KEY is the rowid: NOT NULL though PRAGMA says otherwise.
      columns: info.map((c) => ({ name: c.name, type: c.type, notNull: c.notnull === 1 || (c.pk === 1 && pk.length === 1 && c.type === 'INTEGER'), default: c.dflt_value })),
      uniqueKeys: [...new Set(uniqueKeys)].sort(),
      indexes,
    });
  }
  return shapes;
}

/** The shapes of every table in the `public` schema of the database `client` is connected to. */
export async function postgresShapes(client: pg.ClientBase): Promise<Map<string, TableShape>> {
  const shapes = new Map<string, TableShape>();
  const columns = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  for (const c of columns.rows) {
    const shape = shapes.get(c.table_name) ?? { columns: [], uniqueKeys: [], indexes: {} };
    shapes.set(c.table_name, shape);
    // Identity columns have no column_default; a cast such as '{}'::text is the literal '{}'.
    const plain = c.column_default?.replace(/::[a-z ]+$/, '') ?? null;
    shape.columns.push({ name: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO', default: plain });
  }
  const indexes = await client.query<{ table: string; index: string; unique: boolean; constraint: boolean; partial: boolean; columns: string }>(
    `SELECT t.relname AS table, i.relname AS index, x.indisunique AS unique, c.oid IS NOT NULL AS constraint,
            x.indpred IS NOT NULL AS partial,
            (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace s ON s.oid = t.relnamespace LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid
     WHERE s.nspname = 'public'`,
  );
  for (const row of indexes.rows) {
    const shape = shapes.get(row.table);
    if (!shape) continue;
    if (row.unique) shape.uniqueKeys.push(row.columns);
    if (!row.constraint) shape.indexes[row.index] = row.columns + (row.partial ? ' WHERE' : '');
  }
  for (const shape of shapes.values()) shape.uniqueKeys.sort();
  return shapes;
}

/** The PostgreSQL types each SQLite column type may become. */
export const COMPATIBLE_TYPES: Readonly<Record<string, readonly string[]>> = {
  INTEGER: ['bigint', 'integer'],
  TEXT: ['text'],
  REAL: ['double precision'],
};
