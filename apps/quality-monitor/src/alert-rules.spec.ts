import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRICS } from '@md/observability';

// No promtool on this machine: a schema check of the rule files (Prometheus rule format:
// groups[].rules[] with alert, expr, for, labels, annotations) and that every md_* metric an
// expression names is one the services declare.
const rulesDir = join(__dirname, '../../../deploy/prometheus/rules');
const files = readdirSync(rulesDir).filter((f) => f.endsWith('.yml'));
const exported = new Set<string>(Object.values(METRICS));

describe('Prometheus alert rules', () => {
  it('has rule files', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s: every rule is well formed and names exported metrics only', (file) => {
    const doc = parse(readFileSync(join(rulesDir, file), 'utf8')) as { groups: Array<{ name: string; rules: Array<Record<string, any>> }> };
    expect(Array.isArray(doc.groups)).toBe(true);
    for (const group of doc.groups) {
      expect(typeof group.name).toBe('string');
      for (const rule of group.rules) {
        expect(rule.alert).toMatch(/^[A-Za-z][A-Za-z0-9]+$/);
        expect(typeof rule.expr).toBe('string');
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
        expect(['info', 'warning', 'critical']).toContain(rule.labels?.severity);
        expect(rule.annotations?.summary).toBeTruthy();
        expect(rule.annotations?.description).toBeTruthy();
        for (const name of rule.expr.match(/\bmd_[a-z_]+/g) ?? []) expect(exported).toContain(name);
      }
    }
  });

  it('covers stale data during market hours and completeness under 99.9%', () => {
    const text = files.map((f) => readFileSync(join(rulesDir, f), 'utf8')).join('\n');
    expect(text).toMatch(/md_quality_freshness_seconds[\s\S]*md_quality_session_open/);
    expect(text).toMatch(/md_quality_completeness_ratio\) < 0\.999/);
  });
});
