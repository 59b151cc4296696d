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
