// Go lens cost vs the floor (parsing the file): finding the instrumented functions of a generated 5,000-line Go
// file with ~200 of them (tracer.Start with literal, constant and Sprintf names, ServeMux routes behind otelhttp,
// gin routes in a group, span helpers) against a bare tree-sitter parse of the same text with the same parser.
import { findGoInstrumentedFunctions } from '../../src/core/code/languages/go/goLanguage';
import { loadGrammar } from '../../src/core/code/treeSitter/treeSitterRuntime';
import { medianRatio } from './timing';

export const title = 'Go lenses: finding instrumented functions vs a bare tree-sitter parse';

/** A realistic mix: services with traced methods, handlers registered on a wrapped mux and on gin, and untraced helpers. */
export function generateGoFile(targetLines = 5000, instrumented = 200): string {
  const head = [
    'package orders',
    '',
    'import (',
    '\t"context"',
    '\t"fmt"',
    '\t"net/http"',
    '',
    '\t"github.com/gin-gonic/gin"',
    '\t"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"',
    '\t"go.opentelemetry.io/otel"',
    '\t"go.opentelemetry.io/otel/attribute"',
    '\t"go.opentelemetry.io/otel/trace"',
    ')',
    '',
    'const (',
    '\tspanCreate = "orders.create"',
    '\tspanList   = "orders.list"',
    ')',
    '',
    'var tracer = otel.Tracer("bench-orders")',
    '',
  ];
  const handlers: string[] = [];
  const ginRoutes: string[] = [];
  const filler = (name: string): string[] => [
    `func ${name}(items []item) int {`,
    '\ttotal := 0',
    '\tfor _, it := range items {',
    '\t\tif it.qty <= 0 {',
    '\t\t\tcontinue',
    '\t\t}',
    '\t\tprice := it.price',
    '\t\tif it.qty > 10 {',
    '\t\t\tprice = price * 9 / 10',
    '\t\t}',
    '\t\ttotal += price * it.qty',
    '\t}',
    '\treturn total',
    '}',
    '',
  ];
  const unit = (i: number): string[] => {
    switch (i % 5) {
      case 0:
        return [
          `type Service${i} struct{ tracer trace.Tracer }`,
          '',
          `func (s *Service${i}) Create(ctx context.Context, id string) error {`,
          '\tctx, span := s.tracer.Start(ctx, spanCreate, trace.WithSpanKind(trace.SpanKindInternal))',
          '\tdefer span.End()',
          '\tspan.SetAttributes(attribute.String("order.id", id))',
          '\treturn ctx.Err()',
          '}',
          '',
        ];
      case 1:
        return [
          `func loadOrder${i}(ctx context.Context, id string) (string, error) {`,
          `\t_, span := tracer.Start(ctx, fmt.Sprintf("orders.load.%s", id))`,
          '\tdefer span.End()',
          '\treturn id, nil',
          '}',
          '',
        ];
      case 2:
        handlers.push(`\tmux.HandleFunc("GET /orders${i}/{id}", getOrder${i})`);
        return [
          `func getOrder${i}(w http.ResponseWriter, r *http.Request) {`,
          '\tid := r.PathValue("id")',
          '\t_, _ = w.Write([]byte(id))',
          '}',
          '',
        ];
      case 3:
        ginRoutes.push(`\tapi.GET("/items${i}/:id", listItems${i})`);
        return [
          `func listItems${i}(c *gin.Context) {`,
          '\tc.JSON(http.StatusOK, gin.H{"id": c.Param("id")})',
          '}',
          '',
        ];
      default:
        return [
          `func sync${i}(ctx context.Context, batch []string) {`,
          `\tctx, span := otel.Tracer("sync").Start(ctx, "orders.sync.${i}")`,
          '\tdefer span.End()',
          '\tfor _, id := range batch {',
          '\t\t_ = ctx.Value(id)',
          '\t}',
          '}',
          '',
        ];
    }
  };
  const body: string[] = ['type item struct{ qty, price int }', ''];
  let made = 0;
  let fillers = 0;
  // Spread the instrumented units evenly through the filler code (the two wiring functions come last).
  const wiring = 2 * 8 + instrumented / 5;
  while (head.length + body.length < targetLines - wiring) {
    if (made < instrumented && body.length >= (made * (targetLines - wiring)) / instrumented) body.push(...unit(made++));
    else body.push(...filler(`helper${fillers++}`));
  }
  while (made < instrumented) body.push(...unit(made++));
  const routes = [
    'func routes() http.Handler {',
    '\tmux := http.NewServeMux()',
    ...handlers,
    '\treturn otelhttp.NewHandler(mux, "orders")',
    '}',
    '',
    'func ginRoutes(r *gin.Engine) {',
    '\tapi := r.Group("/api")',
    ...ginRoutes,
    '}',
  ];
  return [...head, ...body, ...routes].join('\n');
}

export async function run(): Promise<string[]> {
  const grammar = await loadGrammar('go');
  const text = generateGoFile();
  const lines = text.split('\n').length;
  const found = findGoInstrumentedFunctions(grammar, text);
  const bareParse = (): unknown => {
    const tree = grammar.parser.parse(text);
    tree?.delete();
    return tree;
  };
  const lenses = (): unknown => findGoInstrumentedFunctions(grammar, text);
  // Many alternating rounds: on a shared 2-core machine single runs swing by 2×.
  const full = medianRatio(lenses, bareParse, 21, 5);
  const kinds = new Map<string, number>();
  for (const f of found) kinds.set(f.via ?? 'span', (kinds.get(f.via ?? 'span') ?? 0) + 1);
  return [
    `file: ${lines} lines, 200 instrumented units, ${found.length} lenses found (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`,
    `lenses (parse + query + rules) / bare tree-sitter parse: ${full.ratio.toFixed(2)}× (median of 21 alternating rounds; goal ≤ 1.5); parse ${full.baselineMs.toFixed(1)} ms`,
  ];
}
