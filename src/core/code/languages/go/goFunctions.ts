// Go functions as lens targets and as `listFunctions` answers, with the names Go's runtime gives them
// (`runtime.FuncForPC`, which is what `code.function.name` carries when a Go SDK records it): `orders.Create`,
// `orders.(*Service).Create`, `orders.Service.Create`, closures `orders.(*Service).Create.func1` (nested ones
// `…func1.1`), numbered in source order within the function that holds them.
import type { FunctionLocation } from '../../instrumented/types';
import type { Range } from '../../../model/textRange';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoFile } from './goFile';
import { argumentsOf, assignedName, calleeOf, endOf, typeOf, unparen } from './goSyntax';

export interface GoFunctionTarget {
  /** The function (or, for a span at the top level, the declaration holding it). */
  readonly node: SyntaxNode;
  readonly nameNode: SyntaxNode | undefined;
  /** How a person calls it: `Create`, `Service.Create`, `handler`. */
  readonly name: string;
  readonly qualifiedName: string | undefined;
}

export interface ReceiverType {
  /** `Service` (type arguments dropped). */
  readonly name: string;
  readonly pointer: boolean;
}

/** The receiver type of a method declaration: `(s *Service)` → Service, pointer. */
export function receiverTypeOf(method: SyntaxNode): ReceiverType | undefined {
  const param = method.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  let type = param?.childForFieldName('type') ?? undefined;
  if (!type) return undefined;
  let pointer = false;
  if (type.type === 'pointer_type') {
    pointer = true;
    type = type.namedChild(0) ?? undefined;
  }
  if (type?.type === 'generic_type') return { name: type.childForFieldName('type')?.text ?? type.text, pointer };
  return type?.type === 'type_identifier' ? { name: type.text, pointer } : undefined;
}

function isGenericReceiver(method: SyntaxNode): boolean {
  const param = method.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  return /\[/.test(param?.childForFieldName('type')?.text ?? '');
}

/** A declared function or method as a target. */
export function declarationTarget(fn: SyntaxNode, file: GoFile): GoFunctionTarget | undefined {
  if (file.declarationTargets.has(fn.id)) return file.declarationTargets.get(fn.id);
  const target = readDeclarationTarget(fn, file);
  file.declarationTargets.set(fn.id, target);
  return target;
}

function readDeclarationTarget(fn: SyntaxNode, file: GoFile): GoFunctionTarget | undefined {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode) return undefined;
  if (typeOf(fn) === 'function_declaration') return { node: fn, nameNode, name: nameNode.text, qualifiedName: `${file.packageName}.${nameNode.text}` };
  const recv = receiverTypeOf(fn);
  if (!recv) return { node: fn, nameNode, name: nameNode.text, qualifiedName: undefined };
  // The runtime writes type parameters of a generic receiver as `[...]`.
  const typeText = recv.name + (isGenericReceiver(fn) ? '[...]' : '');
  const recorded = recv.pointer ? `(*${typeText})` : typeText;
  return { node: fn, nameNode, name: `${recv.name}.${nameNode.text}`, qualifiedName: `${file.packageName}.${recorded}.${nameNode.text}` };
}

/** The runtime name of any function node (declarations, methods, literals). */
export function runtimeNameOf(fn: SyntaxNode, file: GoFile): string | undefined {
  if (fn.type !== 'func_literal') return declarationTarget(fn, file)?.qualifiedName;
  const outer = file.enclosingFunction(fn);
  const index = file.literalsDirectlyIn(outer).findIndex((l) => l.id === fn.id) + 1;
  if (index === 0) return undefined;
  if (!outer) return `${file.packageName}.init.func${index}`;
  const outerName = runtimeNameOf(outer, file);
  if (!outerName) return undefined;
  return outer.type === 'func_literal' ? `${outerName}.${index}` : `${outerName}.func${index}`;
}

/** A function literal that is given a name: `h := func…`, `var h = func…`, `s.h = func…`, `H: func…`. */
export function namedLiteralTarget(literal: SyntaxNode, file: GoFile): GoFunctionTarget | undefined {
  const assigned = assignedName(literal);
  if (!assigned) return undefined;
  const statement = assigned.statement;
  const nameNode = nameNodeIn(statement, assigned.name);
  return { node: statement.type === 'keyed_element' ? statement : outermostStatement(statement), nameNode, name: assigned.name, qualifiedName: runtimeNameOf(literal, file) };
}

function nameNodeIn(statement: SyntaxNode, name: string): SyntaxNode | undefined {
  const holder = statement.childForFieldName('left') ?? statement.childForFieldName('key') ?? statement;
  for (const t of ['identifier', 'field_identifier']) {
    const hit = holder.descendantsOfType(t).find((n) => n?.text === name);
    if (hit) return hit;
  }
  return undefined;
}

/** `var h = func…` spans the whole `var` declaration when it declares one name. */
function outermostStatement(statement: SyntaxNode): SyntaxNode {
  if (statement.type === 'var_spec' && statement.parent?.type === 'var_declaration') return statement.parent;
  return statement;
}

export function functionTargetOf(fn: SyntaxNode, file: GoFile): GoFunctionTarget | undefined {
  return fn.type === 'func_literal' ? namedLiteralTarget(fn, file) : declarationTarget(fn, file);
}

/** Where a target is, from the file's text (as syntaxNodes.functionLocationOf, without asking wasm for positions). */
export function toFunctionLocation(t: GoFunctionTarget, file: GoFile): FunctionLocation {
  const rangeOf = (n: SyntaxNode): Range => ({ start: file.positionAt(n.startIndex), end: file.positionAt(endOf(n)) });
  const range = rangeOf(t.node);
  let nameRange: Range;
  if (t.nameNode) nameRange = rangeOf(t.nameNode);
  else {
    const firstLineEnd = file.text.indexOf('\n', t.node.startIndex);
    nameRange = firstLineEnd < 0 || firstLineEnd >= endOf(t.node) ? range : { start: range.start, end: file.positionAt(firstLineEnd) };
  }
  return { functionName: t.name, range, nameRange, ...(t.qualifiedName !== undefined && t.qualifiedName !== t.name ? { qualifiedName: t.qualifiedName } : {}) };
}

/** Every function of the file with a name: declarations, methods, named function literals. */
export function listGoFunctions(file: GoFile): FunctionLocation[] {
  const out: FunctionLocation[] = [];
  for (const fn of file.functions) {
    const t = declarationTarget(fn, file);
    if (t) out.push(toFunctionLocation(t, file));
  }
  for (const lit of file.literals) {
    const t = namedLiteralTarget(lit, file);
    if (t) out.push(toFunctionLocation(t, file));
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/**
 * The function a span started at `node` belongs to: the nearest named function around it (a declaration, a
 * method, a literal given a name, or one a route gave its target), else the nearest literal, else the top-level
 * declaration holding it.
 */
export function enclosingTarget(node: SyntaxNode, file: GoFile, assigned: ReadonlyMap<number, GoFunctionTarget>): GoFunctionTarget {
  let anonymous: SyntaxNode | undefined;
  for (let fn = file.enclosingFunction(node); fn; fn = file.enclosingFunction(fn)) {
    const given = assigned.get(fn.id);
    if (given) return given;
    const named = functionTargetOf(fn, file);
    if (named) return named;
    anonymous ??= fn;
  }
  if (anonymous) return { node: anonymous, nameNode: undefined, name: 'function literal', qualifiedName: runtimeNameOf(anonymous, file) };
  let top = node;
  while (top.parent && top.parent.type !== 'source_file') top = top.parent;
  return { node: top, nameNode: undefined, name: 'top level', qualifiedName: undefined };
}

/**
 * The function an expression stands for: a literal, a function of the file by name (or a local variable holding
 * a literal), a method value `s.handle` / `(*T).handle`, a conversion `http.HandlerFunc(f)`.
 */
export function resolveFunctionRef(expr: SyntaxNode, file: GoFile, depth = 0): SyntaxNode | undefined {
  const e = unparen(expr);
  if (depth > 6) return undefined;
  if (e.type === 'func_literal') return e;
  if (e.type === 'identifier') {
    const binding = file.bindingOf(e.text, e);
    if (binding) return binding.value ? resolveFunctionRef(binding.value, file, depth + 1) : undefined;
    return file.functionsByName.get(e.text);
  }
  if (e.type === 'selector_expression') {
    const field = e.childForFieldName('field')?.text;
    const operand = e.childForFieldName('operand');
    if (!field || !operand) return undefined;
    const methods = file.methodsByName.get(field) ?? [];
    if (methods.length === 1) return methods[0];
    if (methods.length > 1) {
      // Several types have the method: the operand's type decides when it is the enclosing method's receiver.
      const typeName = operandTypeName(operand, file);
      return typeName ? methods.find((m) => receiverTypeOf(m)?.name === typeName) : undefined;
    }
    return undefined;
  }
  if (e.type === 'call_expression') {
    // `http.HandlerFunc(f)`: a conversion keeps the function.
    const callee = calleeOf(e);
    const args = argumentsOf(e);
    if (callee?.name === 'HandlerFunc' && args.length === 1) return resolveFunctionRef(args[0]!, file, depth + 1);
  }
  return undefined;
}

/** The type name of `s` in `s.handle`, when `s` is the enclosing method's receiver or `T`/`(*T)` itself. */
function operandTypeName(operand: SyntaxNode, file: GoFile): string | undefined {
  const o = unparen(operand);
  if (o.type === 'identifier') {
    for (let fn = file.enclosingFunction(o); fn; fn = file.enclosingFunction(fn)) {
      if (fn.type !== 'method_declaration') continue;
      const param = fn.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
      if (param?.childForFieldName('name')?.text === o.text) return receiverTypeOf(fn)?.name;
    }
    if (file.methodsByName.size > 0 && /^[A-Z]/.test(o.text)) return o.text;
    return undefined;
  }
  if (o.type === 'unary_expression' || o.type === 'pointer_type') return o.namedChild(0)?.text;
  return undefined;
}
