// The pure libraries' I/O ban, in a module of its own so tests can run it without loading the Nx
// plugin (eslint.config.js includes it). A library is pure when its project.json tags it
// type:domain or type:contracts; its production files (not specs or *.fixture.ts) may import no
// Node built-in (node:fs, node:net, node:http, ...) and no I/O or framework package (STYLE.md habit 2).
const { builtinModules } = require('node:module');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const IO_PACKAGES = ['kafkajs', '@kafkajs/*', 'pg', 'pg-*', 'ioredis', 'ws', '@nestjs/*', 'express', 'prom-client', '@electric-sql/*', 'yauzl', 'commander'];
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);
const TEST_FILES = ['**/*.spec.ts', '**/*.fixture.ts', '**/test/**/*.ts'];

const PURE_LIBS = readdirSync(join(ROOT, 'libs')).filter((lib) => {
  const project = join(ROOT, 'libs', lib, 'project.json');
  if (!existsSync(project)) return false;
  const tags = JSON.parse(readFileSync(project, 'utf8')).tags ?? [];
  return tags.includes('type:domain') || tags.includes('type:contracts');
});

/** The flat-config block of the ban. */
const pureLibsConfig = {
  files: PURE_LIBS.map((lib) => `libs/${lib}/src/**/*.ts`),
  ignores: TEST_FILES,
  rules: {
    'no-restricted-imports': ['error', {
      paths: NODE_BUILTINS.map((name) => ({ name, message: 'pure library: no I/O here (STYLE.md habit 2); do it in an app or an I/O lib and pass the data in' })),
      patterns: [{ group: IO_PACKAGES, message: 'pure library: no I/O or framework package here (STYLE.md habit 2)' }],
    }],
  },
};

module.exports = { PURE_LIBS, TEST_FILES, pureLibsConfig };
