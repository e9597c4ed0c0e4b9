// Trace viewer app entry (browser). Filled in by the trace viewer work.
export {};
