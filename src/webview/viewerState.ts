// The state every view component reads, and the actions they call. One mutable object owned by the app.
import type { SpanStore, TreeState } from '../shared/viewModel';
import type { TimeWindow } from '../shared/viewModelLayout';
import type { ThemeKind } from './colors';

export interface ViewerState {
  readonly store: SpanStore;
  readonly tree: TreeState;
  /** Selected span index, -1 for none. */
  selected: number;
  /** Zoomed time window (µs from trace start); the whole trace when not zoomed. */
  window: TimeWindow;
  /** 1 for spans matching the current find query. */
  findHits: Uint8Array;
  /** The span the find cursor is on, -1 for none. */
  currentMatch: number;
  /** 1 for spans on the critical path. */
  critical: Uint8Array;
  theme: ThemeKind;
  /** CSS colour per service index. */
  serviceColors: string[];
  /** True inside VS Code (host messages are delivered). */
  readonly hostConnected: boolean;
}

export interface ViewerActions {
  /** Select a span; `scroll` brings its row into view. */
  select(span: number, scroll: boolean): void;
  toggle(span: number): void;
  /** Zoom to a window; undefined resets to the whole trace. */
  zoom(window: TimeWindow | undefined): void;
  /** Show the waterfall with this span selected (from tables, flamegraph, links). */
  reveal(span: number): void;
}
