/**
 * Collapses a rejection reason to its rule, so summaries and metrics group "high 1 is below
 * low 2" with every other high-below-low, and quoted input text does not split the groups.
 */
export function reasonKind(reason: string): string {
  return reason.replace(/"[^"]*"/g, '"…"').replace(/-?\d+(\.\d+)?/g, 'N');
}
