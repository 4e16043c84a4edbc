import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { SERVICE_NAMES } from '@md/config';
import { repoRoot } from '@md/testing';
import { libraryLines, librariesOf, lineCount, projectTags, readmeServiceLibraries, sourceFiles } from './house-rules';

// Issue 11's "done when", checked on every run: small libraries and files, pure domain libraries
// that cannot do I/O, and a README that names each service's libraries.
const root = repoRoot();
const libs = readdirSync(join(root, 'libs'));
const pure = libs.filter((lib) => projectTags(root, `libs/${lib}`).some((t) => t === 'type:domain' || t === 'type:contracts'));

describe('the house', () => {
  it('has no library over 3,000 source lines', () => {
    const over = [...libraryLines(root)].filter(([, n]) => n > 3000);
    expect(over).toEqual([]);
  });

  it('has no source file over 300 lines', () => {
    const over = sourceFiles(root).map((f) => [f, lineCount(root, f)] as const).filter(([, n]) => n > 300);
    expect(over).toEqual([]);
  });

  it('has pure libraries by concern, each with a README naming the service that owns it', () => {
    expect(pure).toEqual(expect.arrayContaining(['contracts', 'market', 'providers', 'options', 'features', 'intrinsic-bars', 'quality', 'altdata']));
    for (const lib of pure.filter((l) => l !== 'contracts')) {
      const readme = readFileSync(join(root, 'libs', lib, 'README.md'), 'utf8');
      expect([lib, SERVICE_NAMES.some((s) => readme.includes(`**${s}**`))]).toEqual([lib, true]);
    }
  });

  it('names, in the README service table, exactly the libraries each service imports', () => {
    const table = readmeServiceLibraries(readFileSync(join(root, 'README.md'), 'utf8'));
    for (const service of SERVICE_NAMES) {
      expect([service, [...(table.get(service) ?? [])].sort()]).toEqual([service, [...librariesOf(root, service)].sort()]);
    }
  });
});

describe('the lint rules of the pure libraries', () => {
  // The ban as eslint.config.js includes it, run by ESLint's Linter with the TypeScript parser (the
  // ESLint class loads configs with a dynamic import, which jest's sandbox refuses; the Nx plugin's
  // native bindings would outlive the test).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pureLibsConfig } = require(join(root, 'tools/lint/pure-libs.js'));
  const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, pureLibsConfig];
  const linter = new Linter({ cwd: root, configType: 'flat' });
  const errorsOf = async (code: string, filePath: string) =>
    linter.verify(code, config, { filename: join(root, filePath) }).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);

  it.each(pure)('refuse Node built-ins and I/O packages in libs/%s production files, and allow them in its specs', async (lib) => {
    expect(await errorsOf("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", `libs/${lib}/src/probe.ts`)).toContain('no-restricted-imports');
    expect(await errorsOf("import { createServer } from 'http';\nexport const f = createServer;\n", `libs/${lib}/src/probe.ts`)).toContain('no-restricted-imports');
    expect(await errorsOf("import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n", `libs/${lib}/src/probe.ts`)).toContain('no-restricted-imports');
    expect(await errorsOf("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", `libs/${lib}/src/probe.spec.ts`)).toEqual([]);
  });

  it('lets an I/O library use Node built-ins', async () => {
    expect(await errorsOf("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", 'libs/kafka/src/probe.ts')).toEqual([]);
  });
});
