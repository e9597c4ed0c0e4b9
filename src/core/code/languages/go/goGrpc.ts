// gRPC services: the methods of a type registered with the generated `pb.Register<Service>Server(s, &impl{})`, or
// embedding `pb.Unimplemented<Service>Server`. otelgrpc names the server span after the full method without its
// leading slash (otelgrpc stats_handler.go `TagRPC` → internal/parse.go `ParseFullMethod`, v0.72.0):
// `package.Service/Method`. The proto package is in the generated code, not here, so the name is a pattern
// over any package prefix.
import { escapeRegex } from '../../instrumented/spanNameMatcher';
import type { SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoEmit } from './goEmit';
import type { GoFile } from './goFile';
import { declarationTarget, receiverTypeOf } from './goFunctions';
import { argumentsOf, calleeOf, unparen } from './goSyntax';

const registerCall = /^Register(\w+)Server$/;
const embeddedService = /^(?:Unimplemented|Unsafe)(\w+)Server$/;

/** The type name of an implementation expression: `&server{}`, `server{}`, `newServer()`, a variable holding one. */
function implementationType(expr: SyntaxNode, file: GoFile, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const e = unparen(expr);
  if (e.type === 'unary_expression') {
    const operand = e.childForFieldName('operand');
    return operand ? implementationType(operand, file, depth + 1) : undefined;
  }
  if (e.type === 'composite_literal') {
    const t = e.childForFieldName('type');
    return t?.type === 'type_identifier' ? t.text : undefined;
  }
  if (e.type === 'identifier') {
    const value = file.bindingOf(e.text, e)?.value;
    return value ? implementationType(value, file, depth + 1) : undefined;
  }
  if (e.type === 'call_expression') {
    const callee = calleeOf(e);
    const fn = callee && !callee.operand ? file.functionsByName.get(callee.name) : undefined;
    let result = fn?.childForFieldName('result');
    if (result?.type === 'parameter_list') result = result.namedChild(0)?.childForFieldName('type') ?? null;
    if (result?.type === 'pointer_type') result = result.namedChild(0);
    return result?.type === 'type_identifier' ? result.text : undefined;
  }
  return undefined;
}

/** Type name → the services it implements. */
function servicesByType(file: GoFile): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (type: string, service: string): void => {
    const set = out.get(type) ?? new Set<string>();
    set.add(service);
    out.set(type, set);
  };
  for (const [name, calls] of file.callsByName) {
    const service = registerCall.exec(name)?.[1];
    if (!service) continue;
    for (const call of calls) {
      const impl = argumentsOf(call)[1];
      const type = impl ? implementationType(impl, file) : undefined;
      if (type) add(type, service);
    }
  }
  for (const spec of file.structs) {
    const typeName = spec.childForFieldName('name')?.text;
    const fields = spec.childForFieldName('type')?.namedChild(0);
    if (!typeName || !fields) continue;
    for (const field of fields.namedChildren) {
      if (!field || field.type !== 'field_declaration' || field.childForFieldName('name')) continue;
      let t = field.childForFieldName('type');
      if (t?.type === 'pointer_type') t = t.namedChild(0);
      const embedded = t?.type === 'qualified_type' ? t.childForFieldName('name')?.text : t?.text;
      const service = embedded ? embeddedService.exec(embedded)?.[1] : undefined;
      if (service) add(typeName, service);
    }
  }
  return out;
}

/** Unary `(ctx context.Context, req *pb.X) (*pb.Y, error)` or streaming `(…, stream pb.S_MServer) error`. */
function looksLikeRpcHandler(method: SyntaxNode): boolean {
  const name = method.childForFieldName('name')?.text ?? '';
  if (!/^[A-Z]/.test(name) || name.startsWith('mustEmbed')) return false;
  const params = method.childForFieldName('parameters')?.text ?? '';
  const result = method.childForFieldName('result')?.text.replace(/\s+/g, '') ?? '';
  const types = signatureTypes(method, 'parameters');
  const results = signatureTypes(method, 'result');
  // Unary: (ctx, *Request) (*Response, error); hooks such as AuthFuncOverride(ctx, string) are not RPCs.
  if (types.length === 2 && /Context$/.test(types[0]!) && types[1]!.startsWith('*') && results.length === 2 && results[0]!.startsWith('*') && results[1] === 'error') return true;
  return result === 'error' && /Server\b|Stream|StreamingServer\[/.test(params);
}

function grpcSpanName(services: readonly string[], method: string): SpanNameMatcher {
  const service = services.length === 1 ? escapeRegex(services[0]!) : `(?:${services.map(escapeRegex).join('|')})`;
  return { kind: 'pattern', regex: `^(?:[A-Za-z_][A-Za-z0-9_]*\\.)*${service}/${escapeRegex(method)}$`, display: `{package.}${services.join('|')}/${method}` };
}

/** The parameter and result types of a method, spaces removed: `['context.Context', '*pb.GetRequest']`, `['*pb.Order', 'error']`. */
function signatureTypes(method: SyntaxNode, field: 'parameters' | 'result'): string[] {
  const list = method.childForFieldName(field);
  if (!list) return [];
  if (list.type !== 'parameter_list') return [list.text.replace(/\s+/g, '')];
  const out: string[] = [];
  for (const p of list.namedChildren) {
    if (!p) continue;
    const type = p.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
    const count = Math.max(1, p.childrenForFieldName('name').length);
    for (let i = 0; i < count; i++) out.push(type);
  }
  return out;
}

/**
 * A service method by the generated code's own naming, when no registration or embedding in this file says which
 * type serves (the struct often lives in another file of the package): streaming `M(req *pb.MRequest, stream
 * pb.Service_MServer) error` names the service; unary `M(ctx context.Context, req *pb.MRequest) (*pb.MResponse,
 * error)` does not, so its name matches any service.
 */
function rpcByConvention(method: SyntaxNode, name: string): { service: string | undefined; streaming: boolean } | undefined {
  const params = signatureTypes(method, 'parameters');
  const results = signatureTypes(method, 'result');
  const q = '(?:[A-Za-z_]\\w*\\.)?';
  const pkg = '[A-Za-z_]\\w*\\.';
  const stream = new RegExp(`^${q}(\\w+)_${name}Server$`).exec(params[params.length - 1] ?? '');
  if (stream && results.length === 1 && results[0] === 'error') return { service: stream[1], streaming: true };
  const unary =
    params.length === 2 &&
    /^(?:context\.)?Context$/.test(params[0]!) &&
    // The messages come from the generated package: same-package types of that shape are internal.
    new RegExp(`^\\*${pkg}${name}Request$`).test(params[1]!) &&
    results.length === 2 &&
    new RegExp(`^\\*${pkg}${name}Response$`).test(results[0]!) &&
    results[1] === 'error';
  return unary ? { service: undefined, streaming: false } : undefined;
}

export function findGrpcServices(file: GoFile, emit: GoEmit): void {
  const byType = servicesByType(file);
  for (const methods of file.methodsByName.values()) {
    for (const m of methods) {
      const type = receiverTypeOf(m)?.name;
      const services = type ? byType.get(type) : undefined;
      const methodName = m.childForFieldName('name')?.text;
      if (!services && methodName && /^[A-Z]/.test(methodName)) {
        const conv = rpcByConvention(m, methodName);
        const target = conv ? declarationTarget(m, file) : undefined;
        if (conv && target) {
          const spanName: SpanNameMatcher = conv.service
            ? grpcSpanName([conv.service], methodName)
            : { kind: 'pattern', regex: `^(?:[A-Za-z_][A-Za-z0-9_]*\\.)*[A-Za-z_][A-Za-z0-9_]*/${escapeRegex(methodName)}$`, display: `{package.Service}/${methodName}` };
          // A unary method of this shape may also be a client wrapper, whose spans are client spans of that name.
          emit(target, spanName, 'route', { ...(conv.service ? { spanKind: 'server' as const } : {}) });
        }
        continue;
      }
      if (!services || !looksLikeRpcHandler(m)) continue;
      const target = declarationTarget(m, file);
      if (!target || !methodName) continue;
      const list = [...services].sort();
      emit(target, grpcSpanName(list, methodName), 'route', {
        spanKind: 'server',
        route: { framework: 'grpc', method: 'POST', path: `/${list.length === 1 ? list[0] : `{${list.join('|')}}`}/${methodName}` },
      });
    }
  }
}
