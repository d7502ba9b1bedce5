// Bytes of the recommendation widget as a page would load it: the renderer plus the
// models it needs, bundled from src/ and minified like dist/ (terser, ES2020), gzip -9.
import { statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';
import ts from 'typescript';

const isFile = (file) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

// Resolves `./x` to `./x.ts` and strips types file by file (type checking is tsc's job).
const typescriptFiles = (entryCode) => ({
  name: 'recs-size-typescript',
  resolveId(source, importer) {
    if (source === 'entry') return source;
    if (!importer || !source.startsWith('.')) return null;
    const base = path.resolve(path.dirname(importer), source);
    return [`${base}.ts`, base].find(isFile) ?? null;
  },
  load: (id) => (id === 'entry' ? entryCode : null),
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const out = ts.transpileModule(code, { fileName: id, compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext } });
    return { code: out.outputText, map: null };
  },
});

/** Minified and gzip -9 bytes of an ES module that re-exports `names` from src files. */
export async function widgetSize(src, exports) {
  const entry = exports.map(([names, file]) => `export { ${names.join(', ')} } from ${JSON.stringify(path.join(src, file))};`).join('\n');
  const bundle = await rollup({ input: 'entry', plugins: [typescriptFiles(entry)], treeshake: { moduleSideEffects: false } });
  const { output } = await bundle.generate({
    format: 'es',
    plugins: [terser({ ecma: 2020, module: true, compress: { passes: 3 }, format: { comments: false } })],
  });
  await bundle.close();
  const code = Buffer.from(output[0].code);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}
