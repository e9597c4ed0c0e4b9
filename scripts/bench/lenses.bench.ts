// Lens computation cost vs the floor (parsing the file): finding the instrumented functions of a generated
// 5,000-line file with ~200 of them, against a bare `ts.createSourceFile` of the same text.
import { ts } from 'ts-morph';
import { findInstrumentedFunctions, findInstrumentedFunctionsIn, parseSource } from '../../src/core/code/instrumented/finder';
import { medianRatio } from './timing';

export const title = 'Lenses: finding instrumented functions vs a bare parse';

/** A realistic mix: services with traced methods, routes, decorators, wrappers, and untraced helper code. */
export function generateInstrumentedFile(targetLines = 5000, instrumented = 200): string {
  const out: string[] = [
    "import express from 'express';",
    "import { trace, SpanKind } from '@opentelemetry/api';",
    "const tracer = trace.getTracer('bench-service');",
    'const app = express();',
    "const SpanNames = { CREATE: 'orders.create', LIST: 'orders.list' } as const;",
    "enum Ops { Sync = 'orders.sync' }",
    '',
  ];
  const filler = (name: string): string[] => [
    `function ${name}(items: Array<{ id: string; qty: number; price: number }>): number {`,
    '  let total = 0;',
    '  for (const item of items) {',
    '    if (item.qty <= 0) continue;',
    '    const discounted = item.price * (item.qty > 10 ? 0.9 : 1);',
    '    total += discounted * item.qty;',
    '  }',
    '  return Math.round(total * 100) / 100;',
    '}',
    '',
  ];
  const unit = (i: number): string[] => {
    switch (i % 5) {
      case 0:
        return [
          `export class OrderService${i} {`,
          `  private readonly tracer = trace.getTracer('orders-${i}');`,
          '  async create(order: { id: string }): Promise<void> {',
          '    return this.tracer.startActiveSpan(SpanNames.CREATE, { kind: SpanKind.SERVER }, async (span) => {',
          '      try {',
          '        await Promise.resolve(order.id);',
          '      } finally {',
          '        span.end();',
          '      }',
          '    });',
          '  }',
          '  describe(): string {',
          `    return 'service ${i}';`,
          '  }',
          '}',
          '',
        ];
      case 1:
        return [
          `export async function loadOrder${i}(id: string): Promise<unknown> {`,
          '  const span = tracer.startSpan(`orders.load.${id}`);',
          '  try {',
          '    return await fetch(`http://orders/${id}`);',
          '  } finally {',
          '    span.end();',
          '  }',
          '}',
          '',
        ];
      case 2:
        return [
          `export class Repository${i} {`,
          '  @Span()',
          '  async findAll(): Promise<unknown[]> {',
          '    return [];',
          '  }',
          `  @Span('repo.find.${i}')`,
          '  async find(id: string): Promise<unknown> {',
          '    return { id };',
          '  }',
          '}',
          '',
        ];
      case 3:
        return [
          `app.get('/orders${i}/:id', async (req, res) => {`,
          '  const order = { id: req.params.id };',
          '  res.json(order);',
          '});',
          '',
        ];
      default:
        return [
          `export const sync${i} = withSpan(Ops.Sync, async (batch: string[]) => {`,
          '  for (const id of batch) await Promise.resolve(id);',
          '});',
          '',
        ];
    }
  };
  let made = 0;
  let fillers = 0;
  // Spread the instrumented units evenly through the filler code.
  while (out.length < targetLines) {
    if (made < instrumented && out.length >= (made * targetLines) / instrumented) {
      const lines = unit(made);
      out.push(...lines);
      made++;
    } else {
      out.push(...filler(`helper${fillers++}`));
    }
  }
  return out.join('\n');
}

export async function run(): Promise<string[]> {
  const text = generateInstrumentedFile();
  const lines = text.split('\n').length;
  const found = findInstrumentedFunctions(text, 'bench.ts');
  const parsed = parseSource(text, 'bench.ts');
  const bareParse = (): unknown => ts.createSourceFile('bench.ts', text, ts.ScriptTarget.Latest, false);
  const lenses = (): unknown => findInstrumentedFunctions(text, 'bench.ts');
  const walkOnly = (): unknown => findInstrumentedFunctionsIn(parsed);
  // Many alternating rounds: on a shared 2-core machine single runs swing by 2×.
  const full = medianRatio(lenses, bareParse, 21, 5);
  const walk = medianRatio(walkOnly, bareParse, 21, 5);
  return [
    `file: ${lines} lines, 200 instrumented units, ${found.length} lenses found`,
    `lenses (parse + find) / bare ts.createSourceFile: ${full.ratio.toFixed(2)}× (median of 21 alternating rounds; goal ≤ 2)`,
    `  of which the walk over an already parsed file:   ${walk.ratio.toFixed(2)}× the parse`,
  ];
}
