// Builds the workers' bundle once, before any test file runs: the first
// build takes several seconds (rollup and the TypeScript compiler), which a test's
// 5 s timeout on a clean clone cannot afford. Test files then find it built.
import { workerModule } from './worker-module';

export async function setup(): Promise<void> {
  await workerModule();
}
