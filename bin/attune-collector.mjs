#!/usr/bin/env node
import { runCli } from '../dist/collector.mjs';
process.exitCode = await runCli(process.argv.slice(2));
