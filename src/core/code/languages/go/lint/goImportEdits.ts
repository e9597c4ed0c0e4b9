// Adds an import to a Go file the way gofmt keeps it: into the parenthesised block, in sorted position within the
// group of imports that share its host (go.opentelemetry.io/… beside the others), else as a new group after the
// last one; a file without imports gets a block after the package clause. Returns the name the code must use.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import { lineEndOf } from '../../../lint/textRegions';
import { defaultImportName } from '../goFile';

interface Spec {
  readonly path: string;
  readonly alias: string | undefined;
  readonly node: SyntaxNode;
}

function specsOf(root: SyntaxNode): { specs: Spec[]; declarations: SyntaxNode[] } {
  const specs: Spec[] = [];
  const declarations: SyntaxNode[] = [];
  for (const decl of root.namedChildren) {
    if (decl?.type !== 'import_declaration') continue;
    declarations.push(decl);
    for (const spec of decl.descendantsOfType('import_spec')) {
      const path = spec?.childForFieldName('path')?.text.slice(1, -1);
      if (spec && path !== undefined) specs.push({ path, alias: spec.childForFieldName('name')?.text, node: spec });
    }
  }
  return { specs, declarations };
}

export interface ImportResult {
  /** The local name to write (`codes`, or `otelcodes` when `codes` is taken). */
  readonly name: string;
  readonly edits: OffsetEdit[];
}

const hostOf = (path: string): string => (path.includes('.') ? path.split('/')[0]! : '(std)');

/**
 * Ensures `path` is imported. `taken`: local names already used for other things in the file (other imports are
 * read here), so `codes` from gRPC and OpenTelemetry's `codes` do not clash.
 */
export function ensureImport(root: SyntaxNode, text: string, path: string, fallbackAlias: string, taken: ReadonlySet<string> = new Set()): ImportResult {
  const r = ensureImports(root, text, [{ path, fallbackAlias }], taken);
  return { name: r.names[0]!, edits: r.edits };
}

/**
 * Several imports at once (a fix that needs `trace` and `attribute`): each in its group, in sorted order, and those
 * that need a new group in one group together.
 */
export function ensureImports(root: SyntaxNode, text: string, wanted: ReadonlyArray<{ path: string; fallbackAlias: string }>, taken: ReadonlySet<string> = new Set()): { names: string[]; edits: OffsetEdit[] } {
  const sorted = wanted.map((w, i) => ({ ...w, i })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const names: string[] = [];
  const edits: OffsetEdit[] = [];
  const newGroup: string[] = [];
  let newGroupAt: number | undefined;
  for (const w of sorted) {
    const one = placeImport(root, text, w.path, w.fallbackAlias, taken);
    names[w.i] = one.name;
    if (one.newGroupLine !== undefined) {
      newGroup.push(one.newGroupLine);
      newGroupAt = one.at;
    } else edits.push(...one.edits);
  }
  if (newGroupAt !== undefined) edits.push({ start: newGroupAt, end: newGroupAt, newText: `\n${newGroup.map((l) => `\n\t${l}`).join('')}` });
  return { names, edits };
}

function placeImport(root: SyntaxNode, text: string, path: string, fallbackAlias: string, taken: ReadonlySet<string>): ImportResult & { newGroupLine?: string; at?: number } {
  const { specs, declarations } = specsOf(root);
  const existing = specs.find((s) => s.path === path && s.alias !== '_' && s.alias !== '.');
  if (existing) return { name: existing.alias ?? defaultImportName(path), edits: [] };
  const usedNames = new Set([...taken, ...specs.map((s) => s.alias ?? defaultImportName(s.path))]);
  const base = defaultImportName(path);
  const name = usedNames.has(base) ? fallbackAlias : base;
  const line = `${name === base ? '' : `${name} `}"${path}"`;
  const block = declarations.find((d) => d.descendantsOfType('import_spec_list').length > 0);
  if (block) {
    const blockSpecs = specs.filter((s) => s.node.startIndex > block.startIndex && s.node.endIndex < block.endIndex);
    // Groups: runs of specs with no blank line between them.
    const groups: Spec[][] = [];
    for (const s of blockSpecs) {
      const prev = groups[groups.length - 1]?.at(-1);
      if (prev && !/\n[ \t]*\n/.test(text.slice(prev.node.endIndex, s.node.startIndex))) groups[groups.length - 1]!.push(s);
      else groups.push([s]);
    }
    const host = hostOf(path);
    const group = groups.find((g) => g.some((s) => hostOf(s.path) === host)) ?? (host === '(std)' ? groups.find((g) => g.every((s) => hostOf(s.path) === '(std)')) : undefined);
    if (group) {
      const after = group.filter((s) => s.path < path).at(-1);
      if (after) return { name, edits: [{ start: lineEndOf(text, after.node.endIndex), end: lineEndOf(text, after.node.endIndex), newText: `\n\t${line}` }] };
      const first = group[0]!;
      const start = text.lastIndexOf('\n', first.node.startIndex) + 1;
      return { name, edits: [{ start, end: start, newText: `\t${line}\n` }] };
    }
    const last = blockSpecs.at(-1);
    const closing = block.endIndex - 1;
    if (!last) return { name, edits: [{ start: closing, end: closing, newText: `\t${line}\n` }] };
    const at = lineEndOf(text, last.node.endIndex);
    return { name, edits: [{ start: at, end: at, newText: `\n\n\t${line}` }], newGroupLine: line, at };
  }
  const lastDecl = declarations.at(-1);
  if (lastDecl) {
    const at = lineEndOf(text, lastDecl.endIndex);
    return { name, edits: [{ start: at, end: at, newText: `\nimport ${line}` }] };
  }
  const pkg = root.namedChildren.find((c) => c?.type === 'package_clause');
  const at = pkg ? lineEndOf(text, pkg.endIndex) : 0;
  return { name, edits: [{ start: at, end: at, newText: `\n\nimport ${line}` }] };
}
