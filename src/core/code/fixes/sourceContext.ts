// One parsed file plus the house style the edits must imitate (indent, quotes, semicolons, line ending, module
// style), so generated code reads as if the file's author wrote it.
import { ts } from 'ts-morph';
import type { Position } from '../../model/textRange';
import { tsStringLiteral } from '../codegen/typescript';

export type ModuleStyle = 'esm' | 'cjs';

export interface SourceContext {
  readonly fileName: string;
  readonly text: string;
  readonly sourceFile: ts.SourceFile;
  /** TypeScript (type annotations allowed) rather than JavaScript. */
  readonly isTypeScript: boolean;
  readonly moduleStyle: ModuleStyle;
  /** One level of indentation: '\t' or some spaces. */
  readonly indentUnit: string;
  readonly quote: "'" | '"';
  readonly semicolons: boolean;
  readonly newline: '\n' | '\r\n';
}

export interface StyleOverrides {
  /** Force ESM or CommonJS for new imports (default: detected from the file). */
  readonly moduleStyle?: ModuleStyle;
}

export function scriptKindFor(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(js|mjs|cjs)$/.test(lower)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function isTypeScriptFile(fileName: string): boolean {
  const kind = scriptKindFor(fileName);
  return kind === ts.ScriptKind.TS || kind === ts.ScriptKind.TSX;
}

export function parseSource(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindFor(fileName));
}

export function createSourceContext(text: string, fileName: string, overrides: StyleOverrides = {}): SourceContext {
  const sourceFile = parseSource(text, fileName);
  return {
    fileName,
    text,
    sourceFile,
    isTypeScript: isTypeScriptFile(fileName),
    moduleStyle: overrides.moduleStyle ?? detectModuleStyle(sourceFile, fileName),
    indentUnit: detectIndentUnit(text),
    quote: detectQuote(sourceFile),
    semicolons: detectSemicolons(sourceFile),
    newline: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

function isRequireCall(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!);
}

/** The module a top-level `const x = require('m')` / `const { a } = require('m')` statement loads. */
export function requiredModule(statement: ts.Statement): string | undefined {
  if (!ts.isVariableStatement(statement)) return undefined;
  for (const decl of statement.declarationList.declarations) {
    const init = decl.initializer;
    if (init && isRequireCall(init)) return (init.arguments[0] as ts.StringLiteralLike).text;
  }
  return undefined;
}

function detectModuleStyle(sf: ts.SourceFile, fileName: string): ModuleStyle {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.mjs') || lower.endsWith('.mts')) return 'esm';
  if (lower.endsWith('.cjs') || lower.endsWith('.cts')) return 'cjs';
  let esm = false;
  let cjs = false;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s)) esm = true;
    else if (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) esm = true;
    else if (requiredModule(s) !== undefined) cjs = true;
    else if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression)) {
      const left = s.expression.left.getText(sf);
      if (/^(module\.exports|exports)\b/.test(left)) cjs = true;
    }
  }
  if (esm) return 'esm';
  if (cjs) return 'cjs';
  // A TypeScript file with neither is compiled as a module by nearly every setup; a bare .js file is CommonJS
  // to Node unless package.json says otherwise.
  return isTypeScriptFile(fileName) ? 'esm' : 'cjs';
}

function detectIndentUnit(text: string): string {
  const counts = new Map<number, number>();
  let tabs = 0;
  let spaced = 0;
  let previous = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || /^\s*\*/.test(line)) continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (ws.startsWith('\t')) {
      tabs++;
      continue;
    }
    const width = ws.length;
    if (width > 0) spaced++;
    const delta = width - previous;
    if (delta > 0 && delta <= 8) counts.set(delta, (counts.get(delta) ?? 0) + 1);
    previous = width;
  }
  if (tabs > spaced) return '\t';
  let best = 2;
  let bestCount = 0;
  for (const [delta, count] of counts) {
    if (count > bestCount || (count === bestCount && delta < best)) {
      best = delta;
      bestCount = count;
    }
  }
  return ' '.repeat(best);
}

function detectQuote(sf: ts.SourceFile): "'" | '"' {
  let single = 0;
  let double = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node)) {
      const first = sf.text[node.getStart(sf)];
      if (first === "'") single++;
      else if (first === '"') double++;
      return;
    }
    if (ts.isJsxAttribute(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return double > single ? '"' : "'";
}

function detectSemicolons(sf: ts.SourceFile): boolean {
  let withSemi = 0;
  let without = 0;
  const visit = (node: ts.Node): void => {
    if (
      ts.isExpressionStatement(node) ||
      ts.isVariableStatement(node) ||
      ts.isReturnStatement(node) ||
      ts.isImportDeclaration(node) ||
      ts.isThrowStatement(node)
    ) {
      if (sf.text[node.end - 1] === ';') withSemi++;
      else without++;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return withSemi >= without;
}

/** A string literal in the file's quote style (escaped by the one TypeScript escaping helper). */
export function quoted(ctx: SourceContext, value: string): string {
  return tsStringLiteral(value, ctx.quote);
}

/** `;` when the file uses semicolons, else ''. */
export function semi(ctx: SourceContext): string {
  return ctx.semicolons ? ';' : '';
}

/** The whitespace at the start of the line holding `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset + 1000))![0];
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function offsetToPosition(sf: ts.SourceFile, offset: number): Position {
  const lc = sf.getLineAndCharacterOfPosition(Math.max(0, Math.min(offset, sf.text.length)));
  return { line: lc.line, character: lc.character };
}

/** The offset of `position`, clamped into the file (past-the-end lines/characters land at the nearest end). */
export function positionToOffset(sf: ts.SourceFile, position: Position): number {
  const starts = sf.getLineStarts();
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return sf.text.length;
  const lineStart = starts[position.line]!;
  const nextStart = position.line + 1 < starts.length ? starts[position.line + 1]! : sf.text.length;
  let lineEnd = nextStart;
  while (lineEnd > lineStart && (sf.text[lineEnd - 1] === '\n' || sf.text[lineEnd - 1] === '\r')) lineEnd--;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}
