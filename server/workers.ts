/**
 * The worker thread's code as one module, for collectors run from the TypeScript source
 * (the tests bundle this file; the built collector is its own worker script). A module
 * here serves only when started with its own marker in `workerData`.
 */
import './writer-worker';
