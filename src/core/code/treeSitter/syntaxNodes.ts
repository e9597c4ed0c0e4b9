// Small language-neutral helpers over tree-sitter nodes, shared by the language folders.
import type { Range } from '../../model/textRange';
import type { FunctionLocation } from '../instrumented/types';
import type { SyntaxNode } from './treeSitterRuntime';

/** tree-sitter rows/columns are 0-based and, for text given as a JS string, in UTF-16 units: as the editor's. */
export function nodeRange(node: SyntaxNode): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** A function's location: the whole `node` (decorators/annotations included by the caller), anchored on `nameNode`. */
export function functionLocationOf(node: SyntaxNode, nameNode: SyntaxNode | null | undefined, functionName: string, qualifiedName?: string): FunctionLocation {
  const range = nodeRange(node);
  let nameRange: Range;
  if (nameNode) nameRange = nodeRange(nameNode);
  else {
    const firstLineEnd = node.text.indexOf('\n');
    nameRange = firstLineEnd < 0 ? range : { start: range.start, end: { line: range.start.line, character: range.start.character + firstLineEnd } };
  }
  return { functionName, range, nameRange, ...(qualifiedName !== undefined && qualifiedName !== functionName ? { qualifiedName } : {}) };
}

/** The nearest ancestor (or the node itself) of one of `types`. */
export function ancestorOfType(node: SyntaxNode, types: ReadonlySet<string>): SyntaxNode | undefined {
  for (let n: SyntaxNode | null = node; n; n = n.parent) if (types.has(n.type)) return n;
  return undefined;
}

/** The named children of `node` (tree-sitter's array may hold nulls in some builds). */
export function namedChildrenOf(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}
