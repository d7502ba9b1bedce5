#!/usr/bin/env node
// `attune check <files…>`: see `attune check --help` and docs/check.md.
import { runAttune } from '../dist/check.mjs';
process.exitCode = await runAttune(process.argv.slice(2));
