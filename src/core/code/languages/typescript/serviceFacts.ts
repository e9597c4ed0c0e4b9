// The service name a TypeScript/JavaScript process reports, as far as one file tells: the resource it builds
// (`resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'orders' })`, `new Resource({ 'service.name': … })`,
// `SEMRESATTRS_SERVICE_NAME`, `SemanticResourceAttributes.SERVICE_NAME`), `new NodeSDK({ serviceName })`,
// `registerOTel({ serviceName })` / `registerOTel('name')` (@vercel/otel), and calls of the project's own setup
// helpers whose parameter reaches one of those. Literal values, file constants and `process.env.X ?? 'literal'`
// fallbacks count; anything else a file cannot tell is left out.
import { ts } from 'ts-morph';
import { FileConstants, propertyNameText, unwrapExpression } from '../../instrumented/fileConstants';
import type { ServiceFacts, ServiceNameParameter, ServiceNameSetting } from '../../serviceFacts';

/** Keys of the service name in a resource's attributes object, by their text. */
const serviceKeyTexts = new Set(['service.name', 'ATTR_SERVICE_NAME', 'SEMRESATTRS_SERVICE_NAME', 'SERVICE_NAME']);
/** Constructors/functions taking `{ serviceName }`. */
const serviceNameOptionOwners = new Set(['NodeSDK', 'registerOTel', 'NodeTracerProvider', 'WebTracerProvider', 'BasicTracerProvider']);

function isServiceKey(name: ts.PropertyName): boolean {
  const literal = propertyNameText(name);
  if (literal === 'service.name') return true;
  if (!ts.isComputedPropertyName(name)) return false;
  const e = unwrapExpression(name.expression);
  if (ts.isStringLiteral(e)) return e.text === 'service.name';
  if (ts.isIdentifier(e)) return serviceKeyTexts.has(e.text);
  // SemanticResourceAttributes.SERVICE_NAME, semconv.ATTR_SERVICE_NAME, …
  if (ts.isPropertyAccessExpression(e)) return serviceKeyTexts.has(e.name.text);
  return false;
}

function calleeName(e: ts.Expression): string | undefined {
  const x = unwrapExpression(e);
  if (ts.isIdentifier(x)) return x.text;
  if (ts.isPropertyAccessExpression(x)) return x.name.text;
  return undefined;
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) return n;
  }
  return undefined;
}

/** The name a function is called by: its own, or the variable/property holding it. */
function functionNameOf(fn: ts.SignatureDeclaration): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return propertyNameText(fn.name);
  const holder = fn.parent;
  if (holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
  if (holder && ts.isPropertyAssignment(holder)) return propertyNameText(holder.name);
  return undefined;
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
}

export function typescriptServiceFacts(text: string, fileName: string, helperNames: readonly string[] = []): ServiceFacts {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const constants = new FileConstants(sf);
  const services: ServiceNameSetting[] = [];
  const parameters: ServiceNameParameter[] = [];
  const imports: string[] = [];
  const helpers = new Set(helperNames);
  const pendingValues: Array<{ value: ts.Expression; via: string; at: ts.Node }> = [];

  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node)) constants.addVariable(node);
    else if (ts.isEnumDeclaration(node)) constants.addEnum(node);
    else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) imports.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) imports.push(node.moduleSpecifier.text);
    else if (ts.isPropertyAssignment(node) && isServiceKey(node.name)) pendingValues.push({ value: node.initializer, via: 'resource service.name', at: node });
    else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node.expression);
      const args = node.arguments ?? ts.factory.createNodeArray();
      if (ts.isCallExpression(node) && name === 'require' && args[0] && ts.isStringLiteral(args[0])) imports.push(args[0].text);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && args[0] && ts.isStringLiteral(args[0])) imports.push(args[0].text);
      else if (name && serviceNameOptionOwners.has(name)) {
        const first = args[0] ? unwrapExpression(args[0]) : undefined;
        if (first && ts.isObjectLiteralExpression(first)) {
          for (const p of first.properties) {
            if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'serviceName') pendingValues.push({ value: p.initializer, via: `${name} serviceName`, at: p });
            else if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'serviceName') pendingValues.push({ value: p.name, via: `${name} serviceName`, at: p });
          }
        } else if (first && name === 'registerOTel') pendingValues.push({ value: first, via: 'registerOTel', at: node });
      } else if (name && helpers.has(name)) {
        // Resolved after the walk, once the helper's parameter index is known to the caller.
        for (const [i, a] of args.entries()) pendingValues.push({ value: a, via: `${name}(…)#${i}`, at: node });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  for (const { value, via, at } of pendingValues) {
    const literal = literalService(value, constants);
    if (literal !== undefined) {
      services.push({ service: literal, line: lineOf(sf, at), via });
      continue;
    }
    // A parameter of the enclosing function: that function is a setup helper.
    const v = unwrapExpression(value);
    const id = ts.isIdentifier(v) ? v : fallbackIdentifier(v);
    const fn = id ? enclosingFunction(at) : undefined;
    if (!fn || !id) continue;
    const index = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
    const fnName = functionNameOf(fn);
    if (index >= 0 && fnName && !via.includes('(…)#')) parameters.push({ functionName: fnName, parameterIndex: index });
    // A destructured options parameter: `setupTracing({ serviceName })`.
    if (index < 0 && fnName) {
      const objIndex = fn.parameters.findIndex((p) => ts.isObjectBindingPattern(p.name) && p.name.elements.some((el) => ts.isIdentifier(el.name) && el.name.text === id.text));
      if (objIndex >= 0) parameters.push({ functionName: fnName, parameterIndex: objIndex });
    }
  }
  return { services: dedupe(services), serviceParameters: parameters, imports };
}

/** A helper's arguments, as `<helper>(…)#<index>` settings: the caller picks those of the parameter it knows. */
export function helperArgumentIndex(via: string): { helper: string; index: number } | undefined {
  const m = /^(.+)\(…\)#(\d+)$/.exec(via);
  return m ? { helper: m[1]!, index: Number(m[2]) } : undefined;
}

function literalService(value: ts.Expression, constants: FileConstants): string | undefined {
  const v = unwrapExpression(value);
  const direct = constants.staticString(v);
  if (direct !== undefined) return direct.trim() || undefined;
  // `process.env.OTEL_SERVICE_NAME ?? 'orders'` / `|| 'orders'`: the literal is what runs by default.
  if (ts.isBinaryExpression(v) && (v.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || v.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return constants.staticString(unwrapExpression(v.right))?.trim() || undefined;
  }
  // A `{ serviceName }` options object given to a helper: its property.
  if (ts.isObjectLiteralExpression(v)) {
    for (const p of v.properties) {
      if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'serviceName') return literalService(p.initializer, constants);
    }
  }
  return undefined;
}

/** `serviceName ?? 'x'` where nothing is literal on the left: the identifier, to follow as a parameter. */
function fallbackIdentifier(v: ts.Expression): ts.Identifier | undefined {
  if (ts.isBinaryExpression(v)) {
    const left = unwrapExpression(v.left);
    if (ts.isIdentifier(left)) return left;
  }
  return undefined;
}

function dedupe(list: ServiceNameSetting[]): ServiceNameSetting[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const key = `${s.service}\u0000${s.line}\u0000${s.via}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
