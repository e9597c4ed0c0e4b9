// Many waiters on one AbortSignal (every lens of a file shares the refresh's signal; every request of a search
// shares the command's) each used to add an 'abort' listener of its own: dozens at once on a signal, which Node
// reports as a possible leak (MaxListenersExceededWarning). Here each signal gets one real listener, whatever the
// number of waiters; a waiter that finishes first unsubscribes.

const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` once when `signal` aborts (at once if it already has); returns the unsubscribe. */
export function onAbort(signal: AbortSignal | undefined, onAbortCallback: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbortCallback();
    return () => undefined;
  }
  let set = watchers.get(signal);
  if (!set) {
    const callbacks = new Set<() => void>();
    set = callbacks;
    watchers.set(signal, callbacks);
    signal.addEventListener(
      'abort',
      () => {
        watchers.delete(signal);
        for (const cb of [...callbacks]) cb();
      },
      { once: true },
    );
  }
  const callbacks = set;
  let active = true;
  const entry = (): void => {
    if (!active) return;
    active = false;
    onAbortCallback();
  };
  callbacks.add(entry);
  return () => {
    active = false;
    callbacks.delete(entry);
  };
}
