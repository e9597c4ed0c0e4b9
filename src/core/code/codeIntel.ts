// Entry of the lazily loaded code-intelligence bundle (dist/codeIntel.js): everything that needs ts-morph or the
// TypeScript compiler is exported from here and nowhere else, so activation never pays for loading them.
export const codeIntelVersion = 1;
