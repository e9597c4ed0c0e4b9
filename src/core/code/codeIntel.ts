// The code-intelligence API: everything that needs ts-morph or the TypeScript compiler is exported from here. The
// extension reaches it only through the worker thread (codeIntelWorker.ts → dist/codeIntelWorker.js), so activation
// never loads the compiler; the CLI imports it inside the commands that need it.
export const codeIntelVersion = 1;
export { findInstrumentedFunctions, listFunctions } from './instrumented/finder';
export { matchSpanToFunction } from './instrumented/codeAttributes';
