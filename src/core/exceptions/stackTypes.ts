// What every runtime's stack trace becomes: frames innermost first (the frame that threw is frames[0]), whatever
// order the runtime prints them in (Python prints the innermost last).

export type StackRuntime = 'node' | 'python' | 'go' | 'java';

export interface StackFrame {
  /** The path (or, for Java, the package path plus file name) as recorded, e.g. `/app/orders.py`. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, where the runtime gives one (V8). */
  readonly column?: number;
  /** As the runtime names it: `validateOrder`, `OrderService.create`, `main.(*Service).Checkout`. */
  readonly function: string;
  /** The package or module the frame's code belongs to where the runtime says: `java.base`, `net/http`. */
  readonly module?: string;
}

/** One exception of a chain with its own frames. */
export interface StackException {
  /** Empty when the text did not name one (a Go error without a type). */
  readonly type: string;
  readonly message: string;
  readonly frames: readonly StackFrame[];
}

export interface ParsedStack {
  readonly runtime: StackRuntime;
  /** The exception whose stack this is (Python: the last printed; Java: the first; Go: the panic or the origin). */
  readonly exception: StackException;
  /**
   * The rest of the chain, nearest first: what led to it (Java `Caused by:`, Python `__cause__` = 'cause',
   * `__context__` = 'context'), or for a Go `%+v` the places that wrapped the error ('wrap'). `relation` says how
   * each is linked to the one before it in this list (or to `exception` for the first).
   */
  readonly causes: readonly (StackException & { readonly relation: 'cause' | 'context' | 'wrap' })[];
}
