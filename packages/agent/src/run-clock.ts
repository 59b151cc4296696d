// When a daemon's next run starts: after runinterval plus a random part of splay, or at once when
// woken (a run the master asks for, SIGHUP, SIGTERM). Shared by the supervisor of run processes
// and the daemon that runs in its own process.

export class RunClock {
  #wake: (() => void) | null = null;

  /** True while a wait is in hand (between runs), false during a run. */
  get waiting(): boolean {
    return this.#wake !== null;
  }

  /** Ends the wait in hand now; does nothing during a run. */
  wake(): void {
    this.#wake?.();
  }

  /** Waits runinterval seconds plus a random part of splay seconds, or until woken. */
  sleep(runinterval: number, splay: number): Promise<void> {
    const ms = (runinterval + Math.random() * splay) * 1000;
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

/**
 * The signals that came before this image's own listeners (bin/kasper.js catches SIGHUP and
 * SIGTERM from its first line in a daemon that became its run or its supervisor again): its
 * listeners are called for them now, and the early ones removed.
 */
export function takeEarlySignals(handlers: { SIGHUP: () => void; SIGTERM: () => void }): void {
  const key = Symbol.for('kasper.earlySignals');
  const early = (globalThis as Record<symbol, { signals: Set<'SIGHUP' | 'SIGTERM'>; listener: (s: NodeJS.Signals) => void } | undefined>)[key];
  if (!early) return;
  delete (globalThis as Record<symbol, unknown>)[key];
  process.off('SIGHUP', early.listener);
  process.off('SIGTERM', early.listener);
  for (const signal of early.signals) handlers[signal]();
}
