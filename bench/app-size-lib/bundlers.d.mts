/** Types of bundlers.mjs, for the tests that build its fixture apps. */

/** One output chunk of an app's build, in the same shape for every bundler. */
export interface AppChunk {
  fileName: string;
  isEntry: boolean;
  code: string;
  /** Chunks it imports statically (loaded with it) and dynamically (loaded when used), by fileName. */
  imports: string[];
  dynamicImports: string[];
  /** The absolute ids of the modules it holds. */
  modules: string[];
  /** Each module's code before minification, where the bundler gives it (Rollup, Vite). */
  moduleCode: Record<string, string>;
}

export type AddonName = 'quiz' | 'recs' | 'triggers';

export const PACKAGE_ROOT: string;
export const APPS: Record<'create-only' | 'condition-only', string>;
export const ADDONS: { name: AddonName; module: RegExp; marker: string }[];
export function addonsIn(chunk: AppChunk): AddonName[];
export function appFolder(app: keyof typeof APPS): { dir: string; entry: string; dispose(): void };
export function buildRollup(entry: string, options?: { minify?: boolean }): Promise<AppChunk[]>;
export function buildVite(entry: string, root: string): Promise<AppChunk[]>;
export function buildEsbuild(entry: string, root: string): Promise<AppChunk[]>;
export const BUNDLERS: Record<'Vite' | 'Rollup' | 'esbuild --splitting', (entry: string, root: string) => Promise<AppChunk[]>>;
export function initialChunks(chunks: AppChunk[]): { entry: AppChunk; initial: AppChunk[] };
