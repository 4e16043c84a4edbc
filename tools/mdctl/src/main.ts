#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runMdctl } from './program';

// `mdctl` (npx mdctl / npm run mdctl --): the ops CLI. Library logs only when they matter.
Logger.overrideLogger(['warn', 'error']);
runMdctl(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`mdctl: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
