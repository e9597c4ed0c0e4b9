// The names the JVM and the OpenTelemetry Java agent give a class, from where it is declared in the file.
//
// - `Class.getName()` without the package (the "binary name"): `Outer$Inner` for a member class, `Outer$1` for the
//   first anonymous class of Outer, `Outer$1Local` for the first local class named Local (javac numbers both per
//   enclosing class, in source order). code.namespace / code.function.name carry this, with the package.
// - The agent's span names use `ClassNames.simpleName` (instrumentation-api, internal/ClassNames.java):
//   `getSimpleName()` (`Inner`, `Local`), except anonymous classes, which keep the binary name (`Outer$1`).
import type { LoadedGrammar, SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import { namedChildrenOf } from '../../treeSitter/syntaxNodes';
import { packageOf, typeDeclarationTypes } from './javaSyntax';
import { enclosingTypes, parentOf, typeOf } from './javaAncestors';

export interface TypeNames {
  readonly binaryName: string;
  /** The name the agent puts before `.method` in a default span name. */
  readonly spanName: string;
}

const memberBodyTypes = new Set(['class_body', 'interface_body', 'enum_body', 'enum_body_declarations', 'annotation_type_body', 'program']);

const anonymousClassesQuery = '[(object_creation_expression (class_body)) (enum_constant (class_body))] @anonymous';

/** True for a node that declares a class: a type declaration, an anonymous class, an enum constant with a body. */
export function isTypeNode(node: SyntaxNode): boolean {
  if (typeDeclarationTypes.has(typeOf(node))) return true;
  return (typeOf(node) === 'object_creation_expression' || typeOf(node) === 'enum_constant') && classBodyOf(node) !== undefined;
}

/** The body holding a type's members. */
export function classBodyOf(typeNode: SyntaxNode): SyntaxNode | undefined {
  const body = typeNode.childForFieldName('body');
  if (body) return body;
  for (const c of namedChildrenOf(typeNode)) if (typeOf(c) === 'class_body') return c;
  return undefined;
}

/**
 * The class `node` is in: the innermost type declaration around it, or the anonymous class whose body holds it (an
 * anonymous class's constructor arguments belong to the class around it).
 */
export function enclosingType(node: SyntaxNode): SyntaxNode | undefined {
  // enclosing(x) is the parent when x is that class's body (or any part but its modifiers), else enclosing(parent):
  // walk up to the first node whose answer is known, then fill in the answers on the way back down.
  const chain: SyntaxNode[] = [];
  let answer: SyntaxNode | undefined;
  for (let x: SyntaxNode | null = node; x; ) {
    const known = enclosingTypes(x).get(x.id);
    if (known !== undefined) {
      answer = known ?? undefined;
      break;
    }
    chain.push(x);
    const p = parentOf(x);
    if (!p) break;
    const pType = typeOf(p);
    if ((typeDeclarationTypes.has(pType) && typeOf(x) !== 'modifiers') || ((pType === 'object_creation_expression' || pType === 'enum_constant') && typeOf(x) === 'class_body')) {
      answer = p;
      enclosingTypes(x).set(x.id, p);
      chain.pop();
      break;
    }
    x = p;
  }
  for (const x of chain) enclosingTypes(x).set(x.id, answer ?? null);
  return answer;
}

export class JavaTypeNames {
  readonly packageName: string;
  private readonly names = new Map<number, TypeNames>();
  private readonly anonymousIndex = new Map<number, number>();

  constructor(
    tree: SyntaxTree,
    private readonly grammar: LoadedGrammar,
  ) {
    this.packageName = packageOf(tree);
  }

  namesOf(typeNode: SyntaxNode): TypeNames {
    const cached = this.names.get(typeNode.id);
    if (cached) return cached;
    const outer = enclosingType(typeNode);
    const ownName = typeNode.childForFieldName('name')?.text ?? '';
    let names: TypeNames;
    if (!typeDeclarationTypes.has(typeOf(typeNode))) {
      const binaryName = `${outer ? this.namesOf(outer).binaryName : ''}$${this.anonymousNumber(typeNode, outer)}`;
      names = { binaryName, spanName: binaryName };
    } else if (!outer) {
      names = { binaryName: ownName, spanName: ownName };
    } else if (memberBodyTypes.has(parentOf(typeNode)?.type ?? '')) {
      names = { binaryName: `${this.namesOf(outer).binaryName}$${ownName}`, spanName: ownName };
    } else {
      names = { binaryName: `${this.namesOf(outer).binaryName}$${this.localNumber(typeNode, outer, ownName)}${ownName}`, spanName: ownName };
    }
    this.names.set(typeNode.id, names);
    return names;
  }

  /** `com.shop.Outer$Inner.member` (what code.function.name carries), or without a package in the default one. */
  qualified(typeNode: SyntaxNode | undefined, member: string): string {
    const type = typeNode ? this.namesOf(typeNode).binaryName : '';
    return [this.packageName, type, member].filter((s) => s !== '').join('.');
  }

  private anonymousNumber(typeNode: SyntaxNode, outer: SyntaxNode | undefined): number {
    const known = this.anonymousIndex.get(typeNode.id);
    if (known !== undefined) return known;
    const scope = outer ?? typeNode.tree.rootNode;
    let i = 0;
    for (const c of this.grammar.query(anonymousClassesQuery).captures(scope)) {
      if (c.node.id === scope.id || enclosingType(c.node)?.id !== outer?.id) continue;
      this.anonymousIndex.set(c.node.id, ++i);
    }
    return this.anonymousIndex.get(typeNode.id) ?? 1;
  }

  private localNumber(typeNode: SyntaxNode, outer: SyntaxNode, name: string): number {
    let n = 0;
    for (const c of this.grammar.query('(class_declaration name: (identifier) @name) @local').matches(outer)) {
      const decl = c.captures.find((x) => x.name === 'local')?.node;
      const id = c.captures.find((x) => x.name === 'name')?.node;
      if (!decl || id?.text !== name || decl.id === outer.id || memberBodyTypes.has(parentOf(decl)?.type ?? '') || enclosingType(decl)?.id !== outer.id) continue;
      n++;
      if (decl.id === typeNode.id) return n;
    }
    return 1;
  }
}
