// Recognises the places where trace context crosses a process or async boundary: outgoing requests and messages
// (fetch, axios, http(s), kafkajs, amqplib, gRPC metadata), incoming handlers (http servers, kafkajs consumers,
// amqplib consumers) and callbacks that run later (timers, event listeners, queue workers).
import { ts } from 'ts-morph';
import { isFunctionLike } from './functionShapes';

export type OutgoingKind = 'fetch' | 'axios' | 'http' | 'kafkajs' | 'amqplib' | 'grpc';
export type IncomingKind = 'http-server' | 'kafkajs-consumer' | 'amqplib-consumer';

export interface OutgoingSite {
  readonly kind: OutgoingKind;
  /** The call (or `new Metadata()`). */
  readonly node: ts.CallExpression | ts.NewExpression;
  /** For axios/http/amqplib: the argument index of the request options/config. */
  readonly optionsIndex?: number;
  /** For gRPC: the variable holding the metadata. */
  readonly carrierVar?: string;
}

export interface IncomingSite {
  readonly kind: IncomingKind;
  /** The registration call (`http.createServer(…)`, `consumer.run(…)`, `channel.consume(…)`). */
  readonly registration: ts.CallExpression;
  /** The handler function. */
  readonly handler: ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;
  /** A literal topic/queue name, when the file says which. */
  readonly destination?: string;
}

export interface AsyncBoundarySite {
  readonly call: ts.CallExpression;
  readonly callback: ts.Expression;
  readonly describe: string;
}

interface ModuleBindings {
  readonly axios: Set<string>;
  readonly axiosInstances: Set<string>;
  readonly axiosInstanceProps: Set<string>;
  readonly httpNamespaces: Set<string>;
  readonly httpFunctions: Set<string>;
  readonly grpcNamespaces: Set<string>;
  readonly grpcMetadata: Set<string>;
  amqplib: boolean;
}

const httpModules = new Set(['http', 'https', 'node:http', 'node:https']);
const grpcModules = new Set(['@grpc/grpc-js', 'grpc']);
const axiosMethods = new Set(['request', 'get', 'delete', 'head', 'options', 'post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isAwaitExpression(x)) x = x.expression;
  return x;
}

function requireOf(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require' && u.arguments[0] && ts.isStringLiteralLike(u.arguments[0])) {
    return u.arguments[0].text;
  }
  // `require('axios').default`
  if (ts.isPropertyAccessExpression(u) && u.name.text === 'default') return requireOf(u.expression);
  return undefined;
}

function collectBindings(sf: ts.SourceFile): ModuleBindings {
  const b: ModuleBindings = {
    axios: new Set(),
    axiosInstances: new Set(),
    axiosInstanceProps: new Set(),
    httpNamespaces: new Set(),
    httpFunctions: new Set(),
    grpcNamespaces: new Set(),
    grpcMetadata: new Set(),
    amqplib: false,
  };
  const bindModule = (module: string, def: string | undefined, ns: string | undefined, named: ReadonlyArray<{ imported: string; local: string }>): void => {
    if (module === 'axios') {
      if (def) b.axios.add(def);
      if (ns) b.axios.add(ns);
    } else if (httpModules.has(module)) {
      if (def) b.httpNamespaces.add(def);
      if (ns) b.httpNamespaces.add(ns);
      for (const n of named) if (n.imported === 'request' || n.imported === 'get') b.httpFunctions.add(n.local);
    } else if (grpcModules.has(module)) {
      if (def) b.grpcNamespaces.add(def);
      if (ns) b.grpcNamespaces.add(ns);
      for (const n of named) if (n.imported === 'Metadata') b.grpcMetadata.add(n.local);
    } else if (module === 'amqplib' || module === 'amqplib/callback_api') {
      b.amqplib = true;
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause && !node.importClause.isTypeOnly) {
      const c = node.importClause;
      const named: Array<{ imported: string; local: string }> = [];
      let ns: string | undefined;
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) ns = c.namedBindings.name.text;
      if (c.namedBindings && ts.isNamedImports(c.namedBindings)) {
        for (const el of c.namedBindings.elements) named.push({ imported: (el.propertyName ?? el.name).text, local: el.name.text });
      }
      bindModule(node.moduleSpecifier.text, c.name?.text, ns, named);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      bindModule(node.moduleReference.expression.text, node.name.text, undefined, []);
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      const module = requireOf(node.initializer);
      if (module !== undefined) {
        if (ts.isIdentifier(node.name)) bindModule(module, node.name.text, undefined, []);
        else if (ts.isObjectBindingPattern(node.name)) {
          const named: Array<{ imported: string; local: string }> = [];
          for (const el of node.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            named.push({ imported, local: el.name.text });
          }
          bindModule(module, undefined, undefined, named);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // Instances: `const api = axios.create(…)`, `this.client = axios.create(…)`, `client = axios.create(…)` fields.
  const isAxiosCreate = (e: ts.Expression | undefined): boolean => {
    if (!e) return false;
    const u = unwrap(e);
    return ts.isCallExpression(u) && ts.isPropertyAccessExpression(u.expression) && u.expression.name.text === 'create' && ts.isIdentifier(u.expression.expression) && b.axios.has(u.expression.expression.text);
  };
  const instances = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && isAxiosCreate(node.initializer)) b.axiosInstances.add(node.name.text);
    if (ts.isPropertyDeclaration(node) && ts.isIdentifier(node.name) && isAxiosCreate(node.initializer)) b.axiosInstanceProps.add(node.name.text);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && isAxiosCreate(node.right)) {
      if (ts.isPropertyAccessExpression(node.left) && node.left.expression.kind === ts.SyntaxKind.ThisKeyword) b.axiosInstanceProps.add(node.left.name.text);
      if (ts.isIdentifier(node.left)) b.axiosInstances.add(node.left.text);
    }
    ts.forEachChild(node, instances);
  };
  if (b.axios.size > 0) instances(sf);
  return b;
}

function isAxiosReceiver(e: ts.Expression, b: ModuleBindings): boolean {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return b.axios.has(u.text) || b.axiosInstances.has(u.text);
  return ts.isPropertyAccessExpression(u) && u.expression.kind === ts.SyntaxKind.ThisKeyword && b.axiosInstanceProps.has(u.name.text);
}

function objectHas(e: ts.Expression | undefined, key: string): boolean {
  if (!e) return false;
  const u = unwrap(e);
  return ts.isObjectLiteralExpression(u) && u.properties.some((p) => p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key);
}

function outgoingSiteOf(node: ts.Node, b: ModuleBindings): OutgoingSite | undefined {
  if (ts.isNewExpression(node)) {
    const c = node.expression;
    const isMetadata =
      (ts.isIdentifier(c) && b.grpcMetadata.has(c.text)) ||
      (ts.isPropertyAccessExpression(c) && c.name.text === 'Metadata' && ts.isIdentifier(c.expression) && b.grpcNamespaces.has(c.expression.text));
    if (!isMetadata) return undefined;
    const p = node.parent;
    if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && p.initializer === node) return { kind: 'grpc', node, carrierVar: p.name.text };
    return undefined;
  }
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) {
    if (callee.text === 'fetch') return { kind: 'fetch', node, optionsIndex: 1 };
    if (b.axios.has(callee.text) || b.axiosInstances.has(callee.text)) {
      // axios(config) or axios(url, config)
      const first = node.arguments[0];
      return { kind: 'axios', node, optionsIndex: first && ts.isObjectLiteralExpression(unwrap(first)) ? 0 : 1 };
    }
    if (b.httpFunctions.has(callee.text)) return { kind: 'http', node };
    return undefined;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const recv = unwrap(callee.expression);
  if (method === 'fetch' && ts.isIdentifier(recv) && (recv.text === 'globalThis' || recv.text === 'window')) return { kind: 'fetch', node, optionsIndex: 1 };
  if (axiosMethods.has(method) && isAxiosReceiver(recv, b)) {
    const index = method === 'request' ? 0 : /^(post|put|patch)/.test(method) ? 2 : 1;
    return { kind: 'axios', node, optionsIndex: index };
  }
  if ((method === 'request' || method === 'get') && ts.isIdentifier(recv) && b.httpNamespaces.has(recv.text)) return { kind: 'http', node };
  if (method === 'send' && objectHas(node.arguments[0], 'messages') && objectHas(node.arguments[0], 'topic')) return { kind: 'kafkajs', node };
  if (method === 'sendToQueue' && node.arguments.length >= 2 && node.arguments.length <= 3) return { kind: 'amqplib', node, optionsIndex: 2 };
  if (method === 'publish' && b.amqplib && node.arguments.length >= 3 && node.arguments.length <= 4) return { kind: 'amqplib', node, optionsIndex: 3 };
  return undefined;
}

export function findOutgoingSites(sf: ts.SourceFile): OutgoingSite[] {
  const b = collectBindings(sf);
  const out: OutgoingSite[] = [];
  const visit = (node: ts.Node): void => {
    const site = outgoingSiteOf(node, b);
    if (site) out.push(site);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Carriers already given to `propagation.inject(ctx, carrier, …)` in the function around `node`. */
export function injectedCarriers(node: ts.Node): Set<string> {
  let scope: ts.Node = node.getSourceFile();
  for (let p = node.parent; p; p = p.parent) {
    if (isFunctionLike(p)) {
      scope = p;
      break;
    }
  }
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'inject') {
      const carrier = n.arguments[1];
      if (carrier && ts.isIdentifier(unwrap(carrier))) out.add((unwrap(carrier) as ts.Identifier).text);
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return out;
}

/** The site already passes injected headers (or its metadata is already a carrier). */
export function isPropagated(site: OutgoingSite): boolean {
  const carriers = injectedCarriers(site.node);
  if (site.carrierVar) return carriers.has(site.carrierVar);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && carriers.has(n.text)) found = true;
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'inject') found = true;
    ts.forEachChild(n, visit);
  };
  for (const a of site.node.arguments ?? []) visit(a);
  return found;
}

function functionArg(e: ts.Expression | undefined): ts.ArrowFunction | ts.FunctionExpression | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  return ts.isArrowFunction(u) || ts.isFunctionExpression(u) ? u : undefined;
}

/** A handler given by name: a function declaration or `const f = (…) => …` in the same file. */
function resolveHandler(e: ts.Expression | undefined, sf: ts.SourceFile): IncomingSite['handler'] | undefined {
  const direct = functionArg(e);
  if (direct) return direct;
  if (!e || !ts.isIdentifier(unwrap(e))) return undefined;
  const name = (unwrap(e) as ts.Identifier).text;
  let found: IncomingSite['handler'] | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isFunctionDeclaration(n) && n.name?.text === name && n.body) found = n;
    else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) found = functionArg(n.initializer);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** A topic from `consumer.subscribe({ topic: 'x' })` / `{ topics: ['x'] }` when the file names exactly one. */
function subscribedTopic(sf: ts.SourceFile): string | undefined {
  const topics = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'subscribe') {
      const arg = n.arguments[0] ? unwrap(n.arguments[0]) : undefined;
      if (arg && ts.isObjectLiteralExpression(arg)) {
        for (const p of arg.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name)) continue;
          const v = unwrap(p.initializer);
          if (p.name.text === 'topic' && ts.isStringLiteralLike(v)) topics.add(v.text);
          if (p.name.text === 'topics' && ts.isArrayLiteralExpression(v)) for (const el of v.elements) if (ts.isStringLiteralLike(el)) topics.add(el.text);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return topics.size === 1 ? [...topics][0] : undefined;
}

export function findIncomingSites(sf: ts.SourceFile): IncomingSite[] {
  const b = collectBindings(sf);
  const out: IncomingSite[] = [];
  let topic: string | null | undefined = null;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const recv = unwrap(node.expression.expression);
      if (method === 'createServer' && ts.isIdentifier(recv) && b.httpNamespaces.has(recv.text)) {
        const handler = resolveHandler(node.arguments[node.arguments.length - 1], sf);
        if (handler) out.push({ kind: 'http-server', registration: node, handler });
      } else if (method === 'run' && node.arguments[0] && ts.isObjectLiteralExpression(unwrap(node.arguments[0]))) {
        const obj = unwrap(node.arguments[0]) as ts.ObjectLiteralExpression;
        for (const p of obj.properties) {
          if (!p.name || !ts.isIdentifier(p.name) || p.name.text !== 'eachMessage') continue;
          const handler = ts.isMethodDeclaration(p) ? p : ts.isPropertyAssignment(p) ? resolveHandler(p.initializer, sf) : undefined;
          if (handler) {
            if (topic === null) topic = subscribedTopic(sf);
            out.push({ kind: 'kafkajs-consumer', registration: node, handler, destination: topic });
          }
        }
      } else if (method === 'consume' && node.arguments.length >= 2) {
        const handler = resolveHandler(node.arguments[1], sf);
        const q = unwrap(node.arguments[0]!);
        if (handler) out.push({ kind: 'amqplib-consumer', registration: node, handler, destination: ts.isStringLiteralLike(q) ? q.text : undefined });
      } else if (method === 'on' && node.arguments.length === 2 && ts.isStringLiteralLike(node.arguments[0]!) && node.arguments[0].text === 'request') {
        const handler = resolveHandler(node.arguments[1], sf);
        if (handler && /server/i.test(recv.getText(sf))) out.push({ kind: 'http-server', registration: node, handler });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const timerFunctions = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
const listenerMethods = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

/** Callbacks that run later, outside the current context unless bound. */
export function findAsyncBoundaries(sf: ts.SourceFile): AsyncBoundarySite[] {
  const out: AsyncBoundarySite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const c = node.expression;
      const args = node.arguments;
      if (ts.isIdentifier(c) && timerFunctions.has(c.text) && args[0]) out.push({ call: node, callback: args[0], describe: `${c.text} callback` });
      else if (ts.isPropertyAccessExpression(c)) {
        const m = c.name.text;
        const recv = c.expression.getText(sf);
        if (m === 'nextTick' && recv === 'process' && args[0]) out.push({ call: node, callback: args[0], describe: 'process.nextTick callback' });
        else if (timerFunctions.has(m) && /^(globalThis|window|global)$/.test(recv) && args[0]) out.push({ call: node, callback: args[0], describe: `${m} callback` });
        else if (listenerMethods.has(m) && args.length === 2 && ts.isStringLiteralLike(args[0]!)) {
          out.push({ call: node, callback: args[1]!, describe: `'${args[0].text}' listener` });
        } else if (m === 'process' && args.length >= 1 && functionArg(args[args.length - 1])) {
          out.push({ call: node, callback: args[args.length - 1]!, describe: 'queue worker' });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `context.bind(…)` already wraps this callback. */
export function isBound(site: AsyncBoundarySite): boolean {
  const u = unwrap(site.callback);
  return ts.isCallExpression(u) && ts.isPropertyAccessExpression(u.expression) && u.expression.name.text === 'bind' && u.arguments.length === 2;
}
