#!/usr/bin/env node
// A committed bin, so that `pnpm install` links it before this workspace is built.
import "../dist/cli.js";
