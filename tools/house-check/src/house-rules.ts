import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The house rules of issue 11, measured on the working tree: every library small enough to read,
// every file short, each service's libraries named in the README. Pure reading, no writes.

/** Source files: TypeScript, JavaScript and shell under the code folders (node_modules and dist excluded). */
const CODE_FOLDERS = ['apps', 'libs', 'tools', 'bench', 'deploy'];
const SOURCE = /\.(ts|js|sh)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.stack']);

export function sourceFiles(root: string, folders = CODE_FOLDERS): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIP_DIRS.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name)) out.push(relative(root, path));
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return out.sort();
}

export const lineCount = (root: string, file: string) => readFileSync(join(root, file), 'utf8').split('\n').length - 1;

const isTest = (file: string) => /\.(spec|fixture)\.ts$/.test(file) || file.includes('/test/');

/** Production source lines per library (specs, fixtures and test folders not counted). */
export function libraryLines(root: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const file of sourceFiles(root, ['libs'])) {
    if (isTest(file) || !file.endsWith('.ts')) continue;
    const lib = file.split('/')[1];
    sizes.set(lib, (sizes.get(lib) ?? 0) + lineCount(root, file));
  }
  return sizes;
}

export function projectTags(root: string, folder: string): string[] {
  const path = join(root, folder, 'project.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')).tags ?? []) : [];
}

/** The @md/* libraries a service's production code imports. */
export function librariesOf(root: string, service: string): Set<string> {
  const libs = new Set<string>();
  for (const file of sourceFiles(root, [`apps/${service}/src`])) {
    if (isTest(file)) continue;
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(/from '@md\/([a-z-]+)'/g)) libs.add(m[1]);
  }
  return libs;
}

/** The README's service table: service name -> the libraries its "libraries" column names. */
export function readmeServiceLibraries(readme: string): Map<string, Set<string>> {
  const lines = readme.split('\n');
  const header = lines.findIndex((l) => /^\|\s*service\s*\|/.test(l) && /\|\s*libraries\s*\|/.test(l));
  if (header < 0) throw new Error('README has no service table with a "libraries" column');
  const columns = lines[header].split('|').map((c) => c.trim());
  const at = columns.indexOf('libraries');
  const out = new Map<string, Set<string>>();
  for (const row of lines.slice(header + 2)) {
    if (!row.startsWith('|')) break;
    const cells = row.split('|').map((c) => c.trim());
    out.set(cells[1].replace(/`/g, ''), new Set([...cells[at].matchAll(/@md\/([a-z-]+)/g)].map((m) => m[1])));
  }
  return out;
}
