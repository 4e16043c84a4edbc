// After `tsc -p tsconfig.build.json` the libs are compiled to dist/libs/<lib>/src. The apps
// import them as @md/<lib> (tsconfig paths at compile time); at run time Node resolves those
// through dist/node_modules/@md/<lib>, which this script writes: a package.json whose main
// points at the compiled lib. Plain directories, not symlinks, so relative mains resolve inside
// dist/ and the folder can be copied as it is (e.g. into a container image).
const { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
for (const lib of readdirSync(join(root, 'libs'))) {
  if (!existsSync(join(dist, 'libs', lib, 'src', 'index.js'))) continue;
  // The lib's own package name (@md/<lib>, or @md-platform/client for the published client).
  const name = JSON.parse(readFileSync(join(root, 'libs', lib, 'package.json'), 'utf8')).name;
  const target = join(dist, 'node_modules', ...name.split('/'));
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'package.json'), JSON.stringify({ name, main: `${'../'.repeat(name.split('/').length + 1)}libs/${lib}/src/index.js` }, null, 2));
}
