// A bound on concurrent work, shared by whoever holds the gate (event ingest, decision 017).
/** Runs at most `limit` tasks at once; the others wait their turn in arrival order. */
export class ConcurrencyGate {
  private running = 0;
  private waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
