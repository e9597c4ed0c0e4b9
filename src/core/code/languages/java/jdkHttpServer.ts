// The JDK's own server (com.sun.net.httpserver): `server.createContext("/payments", handler)`.
//
// The agent's java-http-server instrumentation adds its filter to every context createContext makes
// (HttpServerInstrumentation), and its route is the context's path (JavaHttpServerAttributesGetter.getHttpRoute:
// exchange.getHttpContext().getPath()), so every request the handler serves, whatever its method and the rest of
// its path, is the server span `METHOD /payments`.
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { JavaFileContext } from './javaContext';
import { lambdaTarget, methodTarget, type JavaTarget } from './javaFunctions';
import { emitRoute } from './javaRoutes';
import { argumentsOf, unwrapExpression } from './javaSyntax';
import { classBodyOf, enclosingType } from './javaTypes';
import { namedChildrenOf } from '../../treeSitter/syntaxNodes';
import { parentOf, typeOf } from './javaAncestors';

const anchor = /\b(createContext)\s*\(/g;
const HANDLER_METHOD = 'handle';

export function findJdkServerContexts(ctx: JavaFileContext): void {
  if (!/com\.sun\.net\.httpserver|\bHttps?Server\b/.test(ctx.text)) return;
  for (const id of ctx.anchors(anchor)) {
    const call = parentOf(id);
    if (call?.type !== 'method_invocation' || call.childForFieldName('name')?.id !== id.id || !call.childForFieldName('object')) continue;
    const [pathArg, handlerArg] = argumentsOf(call);
    const path = pathArg ? ctx.names.staticString(pathArg) : undefined;
    if (path === undefined || !path.startsWith('/')) continue;
    const label = `handler for * ${path}`;
    const target = (handlerArg ? handlerTarget(ctx, handlerArg, label, 0) : undefined) ?? statementTarget(call, label);
    emitRoute(ctx, target, { framework: 'jdk-httpserver', method: 'ALL', path, prefixKnown: true });
  }
}

function statementTarget(call: SyntaxNode, label: string): JavaTarget {
  const parent = parentOf(call);
  const statement = parent?.type === 'expression_statement' ? parent : call;
  return { node: statement, nameNode: undefined, functionName: label, qualifiedName: label };
}

function methodNamed(type: SyntaxNode | undefined, name: string, ctx: JavaFileContext): JavaTarget | undefined {
  const body = type ? classBodyOf(type) : undefined;
  if (!body) return undefined;
  for (const m of namedChildrenOf(body)) {
    if (typeOf(m) === 'method_declaration' && m.childForFieldName('name')?.text === name) return methodTarget(m, ctx.types);
  }
  return undefined;
}

/** The code that serves the context: an inline lambda, `this::handle`, `new Handler()`, or a variable holding one. */
function handlerTarget(ctx: JavaFileContext, arg: SyntaxNode, label: string, depth: number): JavaTarget | undefined {
  const e = unwrapExpression(arg);
  if (depth > 3) return undefined;
  switch (typeOf(e)) {
    case 'lambda_expression':
      return lambdaTarget(e, ctx.types) ?? { node: e, nameNode: undefined, functionName: label, qualifiedName: label };
    case 'method_reference': {
      const parts = namedChildrenOf(e);
      const receiver = parts[0];
      const name = parts[parts.length - 1]?.text;
      if (!receiver || !name) return undefined;
      const type = typeOf(receiver) === 'this' ? enclosingType(e) : ctx.names.typesNamed(receiver.text.split('.').pop() ?? '')[0];
      return methodNamed(type, name, ctx);
    }
    case 'object_creation_expression': {
      if (classBodyOf(e)) return methodNamed(e, HANDLER_METHOD, ctx);
      const typeName = e.childForFieldName('type')?.text.replace(/<.*$/, '').split('.').pop();
      const types = typeName ? ctx.names.typesNamed(typeName) : [];
      return types.length === 1 ? methodNamed(types[0], HANDLER_METHOD, ctx) : undefined;
    }
    case 'identifier':
    case 'field_access': {
      const value = ctx.names.constantValue(e);
      return value ? handlerTarget(ctx, value, label, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}
