// Flat config. The Nx module-boundary rule keeps libs/domain pure: it may depend only on
// other pure libs and may not import an I/O or framework package (STYLE.md habit 2).
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const IO_PACKAGES = ['kafkajs', '@kafkajs/*', 'pg', 'ioredis', 'ws', '@nestjs/*', 'express', 'prom-client', '@electric-sql/*'];

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', '.stack/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: IO_PACKAGES },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:io', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:io', 'type:config'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:io', 'type:config'] },
          ],
        },
      ],
    },
  },
];
