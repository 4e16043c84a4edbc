// Flat config. Two rules keep the layers honest (STYLE.md habit 2, DESIGN.md Layout):
// - Nx module boundaries: contracts import nothing of ours; the pure domain libraries import only
//   each other and contracts; apps and I/O libs sit on top. Test files may also read the vendored
//   fixtures (@md/fixtures).
// - No I/O in a pure library's production files: no I/O or framework package and no Node
//   built-in (node:fs, node:net, node:http, ...). Specs and *.fixture.ts files may read fixtures.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const { TEST_FILES, pureLibsConfig } = require('./tools/lint/pure-libs');

/** Production code gets `layers`; test files may also read the fixtures. */
const LAYERS = {
  'type:contracts': [],
  // The subscriber package (@md-platform/client): published on its own, so it imports nothing of ours.
  'type:client': [],
  'type:domain': ['type:domain', 'type:contracts'],
  'type:config': ['type:contracts'],
  'type:fixtures': [],
  'type:io': ['type:domain', 'type:contracts', 'type:io', 'type:config', 'type:fixtures', 'type:client'],
  'type:app': ['type:domain', 'type:contracts', 'type:io', 'type:config', 'type:client'],
};
// The client's own tests run it against the real stack, through the same test kit as the services.
const TEST_LAYERS = { 'type:client': ['type:io', 'type:config', 'type:contracts', 'type:domain'] };
const boundaries = (withFixtures) => [
  'error',
  {
    allow: [],
    depConstraints: Object.entries(LAYERS).map(([sourceTag, tags]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: withFixtures && sourceTag !== 'type:fixtures' ? [...new Set([...tags, ...(TEST_LAYERS[sourceTag] ?? []), 'type:fixtures'])] : tags,
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
  pureLibsConfig,
];

