// Flat config. Two rules keep the layers honest (STYLE.md habit 2, DESIGN.md Layout):
// - Nx module boundaries: contracts import nothing of ours; the pure domain libraries import only
//   each other and contracts; apps and I/O libs sit on top. Test files may also read the vendored
//   fixtures (@md/fixtures).
// - No I/O in a pure library's production files: no I/O or framework package and no Node
//   built-in (node:fs, node:net, node:http, ...). Specs and *.fixture.ts files may read fixtures.
const { builtinModules } = require('node:module');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const IO_PACKAGES = ['kafkajs', '@kafkajs/*', 'pg', 'pg-*', 'ioredis', 'ws', '@nestjs/*', 'express', 'prom-client', '@electric-sql/*', 'yauzl', 'commander'];
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);
const TEST_FILES = ['**/*.spec.ts', '**/*.fixture.ts', '**/test/**/*.ts'];

/** Libraries whose project.json tags them pure (type:domain, type:contracts). */
const PURE_LIBS = readdirSync(join(__dirname, 'libs')).filter((lib) => {
  const project = join(__dirname, 'libs', lib, 'project.json');
  if (!existsSync(project)) return false;
  const tags = JSON.parse(readFileSync(project, 'utf8')).tags ?? [];
  return tags.includes('type:domain') || tags.includes('type:contracts');
});

/** Production code gets `layers`; test files may also read the fixtures. */
const LAYERS = {
  'type:contracts': [],
  'type:domain': ['type:domain', 'type:contracts'],
  'type:config': ['type:contracts'],
  'type:fixtures': [],
  'type:io': ['type:domain', 'type:contracts', 'type:io', 'type:config', 'type:fixtures'],
  'type:app': ['type:domain', 'type:contracts', 'type:io', 'type:config'],
};
const boundaries = (withFixtures) => [
  'error',
  {
    allow: [],
    depConstraints: Object.entries(LAYERS).map(([sourceTag, tags]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: withFixtures && sourceTag !== 'type:fixtures' ? [...new Set([...tags, 'type:fixtures'])] : tags,
    })),
  },
];

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', '.stack/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(false),
    },
  },
  { files: TEST_FILES, rules: { '@nx/enforce-module-boundaries': boundaries(true) } },
  {
    files: PURE_LIBS.map((lib) => `libs/${lib}/src/**/*.ts`),
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', {
        paths: NODE_BUILTINS.map((name) => ({ name, message: 'pure library: no I/O here (STYLE.md habit 2); do it in an app or an I/O lib and pass the data in' })),
        patterns: [{ group: IO_PACKAGES, message: 'pure library: no I/O or framework package here (STYLE.md habit 2)' }],
      }],
    },
  },
];

module.exports.PURE_LIBS = PURE_LIBS;
