// Names a function the way a person would look for it (`OrderService.create`, `createOrder`, `handlers.get`) and
// picks the node whose range a lens should cover.
import { ts } from 'ts-morph';
import { propertyNameText, unwrapExpression } from './fileConstants';

export type FunctionLikeNode =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ArrowFunction
  | ts.FunctionExpression
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

/** A place a lens can sit: the node it covers, its display name, and the node to anchor on. */
export interface FunctionTarget {
  readonly node: ts.Node;
  readonly name: string;
  /** The declaration's name; undefined for anonymous functions (anchor on the node's first token then). */
  readonly nameNode: ts.Node | undefined;
}

// Read once: members of ts-morph's `ts` export are getters (see finder.ts).
const functionLikeKinds: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.Constructor,
]);

export function isFunctionLikeNode(node: ts.Node): node is FunctionLikeNode {
  return functionLikeKinds.has(node.kind);
}

export function classNameOf(cls: ts.Node): string {
  if ((ts.isClassDeclaration(cls) || ts.isClassExpression(cls)) && cls.name) return cls.name.text;
  if (ts.isClassExpression(cls)) {
    const holder = holderTarget(cls);
    if (holder) return holder.name;
  }
  return 'AnonymousClass';
}

function memberName(name: ts.PropertyName, sf: ts.SourceFile): string {
  return propertyNameText(name) ?? name.getText(sf);
}

/** `handlers.` for a property of `const handlers = { … }`, nested objects included; '' when the object is unnamed. */
function objectPrefix(obj: ts.ObjectLiteralExpression, sf: ts.SourceFile, depth = 0): string {
  if (depth > 4) return '';
  let child: ts.Node = obj;
  let p = obj.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p))) {
    child = p;
    p = p.parent;
  }
  if (!p) return '';
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return `${p.name.text}.`;
  if (ts.isPropertyAssignment(p) && p.initializer === child && ts.isObjectLiteralExpression(p.parent)) {
    return `${objectPrefix(p.parent, sf, depth + 1)}${memberName(p.name, sf)}.`;
  }
  return '';
}

/** `module.exports.foo` → `foo`, `Foo.prototype.bar` → `Foo.bar`. */
function assignmentName(left: ts.Expression, sf: ts.SourceFile): string {
  const text = left.getText(sf).replace(/\s+/g, '');
  return text.replace(/^module\.exports\./, '').replace(/^exports\./, '').replace('.prototype.', '.');
}

/**
 * The declaration that holds `expr` as its value — `const x = expr`, `x: expr`, `class { x = expr }`,
 * `a.b = expr`, `export default expr` — as a target named after it.
 */
export function holderTarget(expr: ts.Expression): FunctionTarget | undefined {
  const sf = expr.getSourceFile();
  let child: ts.Node = expr;
  let p = expr.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isNonNullExpression(p))) {
    child = p;
    p = p.parent;
  }
  if (!p) return undefined;
  if (ts.isVariableDeclaration(p) && p.initializer === child && ts.isIdentifier(p.name)) {
    const list = p.parent;
    const statement = ts.isVariableDeclarationList(list) && list.declarations.length === 1 && ts.isVariableStatement(list.parent) ? list.parent : p;
    return { node: statement, name: p.name.text, nameNode: p.name };
  }
  if (ts.isPropertyDeclaration(p) && p.initializer === child) {
    return { node: p, name: `${classNameOf(p.parent)}.${memberName(p.name, sf)}`, nameNode: p.name };
  }
  if (ts.isPropertyAssignment(p) && p.initializer === child && ts.isObjectLiteralExpression(p.parent)) {
    return { node: p, name: `${objectPrefix(p.parent, sf)}${memberName(p.name, sf)}`, nameNode: p.name };
  }
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === child) {
    const node = ts.isExpressionStatement(p.parent) ? p.parent : p;
    return { node, name: assignmentName(p.left, sf), nameNode: p.left };
  }
  if (ts.isExportAssignment(p)) return { node: p, name: 'default', nameNode: undefined };
  return undefined;
}

/**
 * A target for a function that names itself by its declaration: declarations, methods, accessors, constructors,
 * and function values held by a variable/property/assignment. Undefined for anonymous callbacks.
 */
export function declaredTarget(fn: FunctionLikeNode): FunctionTarget | undefined {
  const sf = fn.getSourceFile();
  if (ts.isFunctionDeclaration(fn)) return { node: fn, name: fn.name?.text ?? 'default', nameNode: fn.name };
  if (ts.isConstructorDeclaration(fn)) return { node: fn, name: `${classNameOf(fn.parent)}.constructor`, nameNode: undefined };
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
    const owner = fn.parent;
    const prefix = ts.isObjectLiteralExpression(owner) ? objectPrefix(owner, sf) : `${classNameOf(owner)}.`;
    return { node: fn, name: `${prefix}${memberName(fn.name, sf)}`, nameNode: fn.name };
  }
  const held = holderTarget(fn);
  if (held) return held;
  if (ts.isFunctionExpression(fn) && fn.name) return { node: fn, name: fn.name.text, nameNode: fn.name };
  return undefined;
}

/** For an anonymous function passed to a call: `items.map callback`; otherwise `anonymous function`. */
export function anonymousTarget(fn: FunctionLikeNode): FunctionTarget {
  const sf = fn.getSourceFile();
  let child: ts.Node = fn;
  let p = fn.parent;
  while (p && ts.isParenthesizedExpression(p)) {
    child = p;
    p = p.parent;
  }
  if (p && ts.isCallExpression(p) && p.arguments.some((a) => a === child)) {
    const callee = unwrapExpression(p.expression).getText(sf).replace(/\s+/g, '');
    return { node: fn, name: `${callee.length > 40 ? callee.slice(-40) : callee} callback`, nameNode: undefined };
  }
  return { node: fn, name: 'anonymous function', nameNode: undefined };
}
