/**
 * Both worker threads' code in one module, for collectors run from the TypeScript source
 * (the tests bundle this file; the built collector is its own worker script). Each
 * module serves only when started with its own marker in `workerData`.
 */
import './rebuild-worker';
import './writer-worker';
