// "Add propagator setup": a project that talks B3 must tell the SDK so, or B3 headers are neither read nor written.
// With NodeSDK the propagator goes in its config (a later setGlobalPropagator would lose to the SDK's own
// registration); with a bare tracer provider it goes in register(); otherwise it is set globally.
import { ts } from 'ts-morph';
import { addPropertyEdit } from './objectEdits';
import { planImports, planNamedImports } from './otelImports';
import { semi, type SourceContext } from './sourceContext';
import type { OffsetEdit } from './textEdits';

export interface TracingSetupSite {
  /** `new NodeSDK({…})`, or `provider.register(…)`, or undefined for other setups. */
  readonly sdk?: ts.NewExpression;
  readonly register?: ts.CallExpression;
  /** Where the setup is (for the finding's range). */
  readonly anchor: ts.Node;
}

const providerClasses = new Set(['NodeTracerProvider', 'BasicTracerProvider', 'WebTracerProvider']);

function className(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** The tracing setup in this file (SDK construction or provider registration), if any. */
export function findTracingSetup(sf: ts.SourceFile): TracingSetupSite | undefined {
  let sdk: ts.NewExpression | undefined;
  let provider: ts.NewExpression | undefined;
  let register: ts.CallExpression | undefined;
  const providerVars = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n)) {
      const name = className(n.expression);
      if (name === 'NodeSDK') sdk ??= n;
      if (name && providerClasses.has(name)) {
        provider ??= n;
        if (ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name)) providerVars.add(n.parent.name.text);
      }
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'register') {
      const recv = n.expression.expression;
      if (ts.isIdentifier(recv) && providerVars.has(recv.text)) register ??= n;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  if (sdk) return { sdk, anchor: sdk };
  if (register) return { register, anchor: register };
  if (provider) return { anchor: provider };
  return undefined;
}

export function configuresB3(sf: ts.SourceFile): boolean {
  return /\bB3Propagator\b|\bB3InjectEncoding\b|textMapPropagator\s*:|setGlobalPropagator\s*\(/.test(sf.text);
}

export function addPropagatorSetupEdits(ctx: SourceContext, site: TracingSetupSite, tracerName: string): OffsetEdit[] | undefined {
  const core = planNamedImports(ctx, '@opentelemetry/core', ['CompositePropagator', 'W3CBaggagePropagator', 'W3CTraceContextPropagator']);
  const b3 = planNamedImports(ctx, '@opentelemetry/propagator-b3', ['B3Propagator']);
  const r = (m: ReadonlyMap<string, string>, n: string): string => m.get(n) ?? n;
  const composite = `new ${r(core.refs, 'CompositePropagator')}({ propagators: [new ${r(core.refs, 'W3CTraceContextPropagator')}(), new ${r(core.refs, 'W3CBaggagePropagator')}(), new ${r(b3.refs, 'B3Propagator')}()] })`;
  const edits: OffsetEdit[] = [...core.edits, ...b3.edits];
  const sf = ctx.sourceFile;
  if (site.sdk) {
    const arg = site.sdk.arguments?.[0];
    if (arg && ts.isObjectLiteralExpression(arg)) edits.push(addPropertyEdit(ctx, arg, `textMapPropagator: ${composite}`));
    else if (!arg) edits.push({ start: site.sdk.end - 1, end: site.sdk.end - 1, newText: `{ textMapPropagator: ${composite} }` });
    else return undefined;
    return edits;
  }
  if (site.register) {
    const arg = site.register.arguments[0];
    if (arg && ts.isObjectLiteralExpression(arg)) edits.push(addPropertyEdit(ctx, arg, `propagator: ${composite}`));
    else if (!arg) edits.push({ start: site.register.end - 1, end: site.register.end - 1, newText: `{ propagator: ${composite} }` });
    else return undefined;
    return edits;
  }
  const api = planImports(ctx, { names: ['propagation'], tracer: false, tracerName });
  const end = sf.text.length;
  const nl = ctx.newline;
  const prefix = sf.text.endsWith('\n') ? '' : nl;
  edits.push(...api.edits, { start: end, end, newText: `${prefix}${nl}${api.refs.propagation}.setGlobalPropagator(${composite})${semi(ctx)}${nl}` });
  return edits;
}
