/** A wait that stop() can cut short: reconnect and poll delays must not hold up a shutdown. */
export class InterruptibleSleep {
  private wake?: () => void;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  interrupt(): void {
    this.wake?.();
  }
}
