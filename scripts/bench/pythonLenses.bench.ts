// Python lens cost vs the floor (a bare tree-sitter parse): the instrumented functions of a generated 5,000-line
// file with 200 instrumented units (manual spans in every form, Flask routes, constants, f-strings) spread through
// untraced code, against `parser.parse` of the same text. Goal (issue 16): ≤ 1.5×.
import { findPythonInstrumentedFunctions } from '../../src/core/code/languages/python/pythonLanguage';
import { loadGrammar } from '../../src/core/code/treeSitter/treeSitterRuntime';
import { medianRatio } from './timing';

export const title = 'Python lenses: finding instrumented functions vs a bare tree-sitter parse';

export function generatePythonFile(targetLines = 5000, instrumented = 200): string {
  const out: string[] = [
    'from flask import Blueprint, Flask',
    'from opentelemetry import trace',
    'from opentelemetry.trace import SpanKind',
    '',
    'tracer = trace.get_tracer(__name__)',
    'app = Flask(__name__)',
    'bp = Blueprint("orders", __name__, url_prefix="/orders")',
    'CREATE = "orders.create"',
    '',
  ];
  const filler = (i: number): string[] => [
    `def helper_${i}(items, *, discount=0.9):`,
    '    """Totals the items of an order (no span here: start_span is only mentioned)."""',
    '    total = 0',
    '    for item in items:',
    '        if item.qty <= 0:',
    '            continue',
    '        price = item.price * (discount if item.qty > 10 else 1)',
    '        total += price * item.qty',
    '    return round(total, 2)',
    '',
  ];
  const unit = (i: number): string[] => {
    switch (i % 5) {
      case 0:
        return [
          `class OrderService${i}:`,
          '    def __init__(self):',
          `        self._tracer = trace.get_tracer("orders-${i}")`,
          '',
          '    def create(self, order):',
          '        with self._tracer.start_as_current_span(CREATE, kind=SpanKind.SERVER) as span:',
          '            span.set_attribute("order.id", order.id)',
          '            return order',
          '',
        ];
      case 1:
        return [
          `def load_order_${i}(order_id):`,
          '    span = tracer.start_span(f"orders.load.{order_id}")',
          '    try:',
          '        return {"id": order_id}',
          '    finally:',
          '        span.end()',
          '',
        ];
      case 2:
        return [`@tracer.start_as_current_span("orders.sync.${i}")`, `async def sync_${i}(batch):`, '    for item in batch:', '        await item.save()', ''];
      case 3:
        return [`@bp.route("/${i}/<int:order_id>", methods=["GET", "PUT"])`, `def order_${i}(order_id):`, '    return {"id": order_id}', ''];
      default:
        return [`@app.get("/health/${i}")`, `def health_${i}():`, '    with tracer.start_as_current_span("health.check %s" % "db"):', '        return "ok"', ''];
    }
  };
  let made = 0;
  let fillers = 0;
  while (out.length < targetLines) {
    if (made < instrumented && out.length >= (made * targetLines) / instrumented) out.push(...unit(made++));
    else out.push(...filler(fillers++));
  }
  return out.join('\n');
}

export async function run(): Promise<string[]> {
  const grammar = await loadGrammar('python');
  const text = generatePythonFile();
  const found = findPythonInstrumentedFunctions(grammar, text, '/bench/orders.py');
  const bareParse = (): unknown => {
    const tree = grammar.parser.parse(text);
    tree?.delete();
    return tree;
  };
  const lenses = (): unknown => findPythonInstrumentedFunctions(grammar, text, '/bench/orders.py');
  const r = medianRatio(lenses, bareParse, 21, 5);
  return [
    `file: ${text.split('\n').length} lines, 200 instrumented units, ${found.length} lenses found`,
    `lenses (parse + find) / bare tree-sitter parse: ${r.ratio.toFixed(2)}× (median of 21 alternating rounds; goal ≤ 1.5)`,
  ];
}
