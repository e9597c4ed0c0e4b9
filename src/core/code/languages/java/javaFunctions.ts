// The functions of a Java file (methods, constructors, lambdas held by fields and locals) with the names
// code.function.name gives them, and the function a span started somewhere belongs to.
import type { FunctionLocation } from '../../instrumented/types';
import type { LoadedGrammar, SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import { functionLocationOf } from '../../treeSitter/syntaxNodes';
import { enclosingType, type JavaTypeNames } from './javaTypes';
import { parentOf, typeOf } from './javaAncestors';

/** What a lens is anchored on and how it is named. */
export interface JavaTarget {
  /** The whole declaration, annotations included. */
  readonly node: SyntaxNode;
  readonly nameNode: SyntaxNode | undefined;
  /** `OrderService.create` (the class as the agent's span names show it). */
  readonly functionName: string;
  /** `com.shop.OrderService.create` (as code.function.name carries it). */
  readonly qualifiedName: string;
}

const methodTypes: ReadonlySet<string> = new Set(['method_declaration', 'constructor_declaration', 'compact_constructor_declaration']);

const functionsQuery = `
[(method_declaration) (constructor_declaration) (compact_constructor_declaration)] @method
(variable_declarator value: (lambda_expression)) @lambda
`;

export function toLocation(t: JavaTarget): FunctionLocation {
  return functionLocationOf(t.node, t.nameNode, t.functionName, t.qualifiedName);
}

/** A method or constructor as a target: constructors are `<init>`, as the JVM names them. */
export function methodTarget(decl: SyntaxNode, names: JavaTypeNames): JavaTarget {
  const nameNode = decl.childForFieldName('name') ?? undefined;
  const member = typeOf(decl) === 'method_declaration' ? (nameNode?.text ?? '?') : '<init>';
  const type = enclosingType(decl);
  const typeName = type ? names.namesOf(type).spanName : '';
  return { node: decl, nameNode, functionName: typeName ? `${typeName}.${member}` : member, qualifiedName: names.qualified(type, member) };
}

/**
 * A lambda held by a variable (`Runnable task = () -> …;`, a field `Handler h = e -> …;`): named after the
 * variable, under its class (fields) or its method (locals). Undefined for a lambda that is an argument.
 */
export function lambdaTarget(lambda: SyntaxNode, names: JavaTypeNames): JavaTarget | undefined {
  const declarator = parentOf(lambda);
  if (declarator?.type !== 'variable_declarator' || declarator.childForFieldName('value')?.id !== lambda.id) return undefined;
  const nameNode = declarator.childForFieldName('name') ?? undefined;
  const variable = nameNode?.text ?? '?';
  const holder = parentOf(declarator);
  const node = holder && holder.namedChildren.filter((c) => c?.type === 'variable_declarator').length === 1 ? holder : declarator;
  if (holder?.type === 'field_declaration' || holder?.type === 'constant_declaration') {
    const type = enclosingType(holder);
    const typeName = type ? names.namesOf(type).spanName : '';
    return { node, nameNode, functionName: typeName ? `${typeName}.${variable}` : variable, qualifiedName: names.qualified(type, variable) };
  }
  const outer = enclosingFunction(declarator, names);
  if (!outer) return { node, nameNode, functionName: variable, qualifiedName: names.qualified(enclosingType(declarator), variable) };
  return { node, nameNode, functionName: `${outer.functionName}.${variable}`, qualifiedName: `${outer.qualifiedName}.${variable}` };
}

/** The innermost method, constructor or variable-held lambda around `node`. */
export function enclosingFunction(node: SyntaxNode, names: JavaTypeNames): JavaTarget | undefined {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (methodTypes.has(typeOf(n))) return methodTarget(n, names);
    if (typeOf(n) === 'lambda_expression') {
      const t = lambdaTarget(n, names);
      if (t) return t;
    }
  }
  return undefined;
}

/**
 * Where a span started at `node` is counted: its function, else the field or initializer block whose code it is
 * (`Class.field`, `Class.<clinit>` for a static block, `Class.<init>` for an instance block).
 */
export function spanSiteTarget(node: SyntaxNode, names: JavaTypeNames): JavaTarget | undefined {
  const fn = enclosingFunction(node, names);
  if (fn) return fn;
  for (let n = parentOf(node); n; n = parentOf(n)) {
    const type = parentOf(n) ? enclosingType(n) : undefined;
    const typeName = type ? names.namesOf(type).spanName : '';
    const under = (member: string): string => (typeName ? `${typeName}.${member}` : member);
    if (typeOf(n) === 'field_declaration' || typeOf(n) === 'constant_declaration') {
      const nameNode = n.namedChildren.find((c) => c?.type === 'variable_declarator')?.childForFieldName('name') ?? undefined;
      const field = nameNode?.text ?? '?';
      return { node: n, nameNode, functionName: under(field), qualifiedName: names.qualified(type, field) };
    }
    if (typeOf(n) === 'static_initializer') return { node: n, nameNode: undefined, functionName: under('<clinit>'), qualifiedName: names.qualified(type, '<clinit>') };
    if (typeOf(n) === 'block' && parentOf(n)?.type === 'class_body') return { node: n, nameNode: undefined, functionName: under('<init>'), qualifiedName: names.qualified(type, '<init>') };
  }
  return undefined;
}

/** Every method, constructor and variable-held lambda of the file, in source order. */
export function listJavaFunctions(tree: SyntaxTree, grammar: LoadedGrammar, names: JavaTypeNames): FunctionLocation[] {
  const out: FunctionLocation[] = [];
  for (const c of grammar.query(functionsQuery).captures(tree.rootNode)) {
    const target = c.name === 'method' ? methodTarget(c.node, names) : lambdaTarget(c.node.childForFieldName('value')!, names);
    if (target) out.push(toLocation(target));
  }
  return out;
}
