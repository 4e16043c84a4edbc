/** Named readiness checks: /ready is true only when every registered client is connected. */
export class Readiness {
  private readonly checks = new Map<string, () => boolean | Promise<boolean>>();

  register(name: string, check: () => boolean | Promise<boolean>): void {
    this.checks.set(name, check);
  }

  async report(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const checks: Record<string, boolean> = {};
    for (const [name, check] of this.checks) {
      try {
        checks[name] = await check();
      } catch {
        checks[name] = false;
      }
    }
    const ready = this.checks.size > 0 && Object.values(checks).every(Boolean);
    return { ready, checks };
  }
}
