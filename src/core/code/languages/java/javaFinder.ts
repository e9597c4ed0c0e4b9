// The instrumented functions of one Java file. Each rule starts from a text anchor (`spanBuilder(`, `@WithSpan`,
// a mapping annotation, `createContext(`) located in the tree in one lookup, so a file costs one parse plus a few
// regex scans; a file with no anchor at all is not parsed.
import type { FinderOptions, FunctionLocation, InstrumentedFunction } from '../../instrumented/types';
import { withTree, type LoadedGrammar } from '../../treeSitter/treeSitterRuntime';
import { JavaFileContext } from './javaContext';
import { listJavaFunctions } from './javaFunctions';
import { findJaxrsRoutes } from './jaxrsRoutes';
import { findJdkServerContexts } from './jdkHttpServer';
import { findSpanBuilders } from './javaSpanBuilders';
import { findSpringRoutes } from './springRoutes';
import { JavaTypeNames } from './javaTypes';
import { findWithSpan } from './javaWithSpan';

const anyAnchor = /spanBuilder|WithSpan|Mapping|@\s*(?:[\w$]+\s*\.\s*)*(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\b|createContext/;

export function findJavaInstrumentedFunctions(grammar: LoadedGrammar, text: string, options: FinderOptions): InstrumentedFunction[] {
  if (!anyAnchor.test(text)) return [];
  return withTree(grammar, text, (tree) => {
    const ctx = new JavaFileContext(tree, text, grammar);
    findSpanBuilders(ctx);
    findWithSpan(ctx);
    if (options.routes !== false) {
      findSpringRoutes(ctx);
      findJaxrsRoutes(ctx);
      findJdkServerContexts(ctx);
    }
    return ctx.found.sort((a, b) => a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.character - b.nameRange.start.character);
  });
}

export function listJavaFunctionsOf(grammar: LoadedGrammar, text: string): FunctionLocation[] {
  return withTree(grammar, text, (tree) => listJavaFunctions(tree, grammar, new JavaTypeNames(tree, grammar)));
}
