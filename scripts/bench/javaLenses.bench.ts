// Java lens computation cost vs the floor (a bare tree-sitter parse of the same text): finding the instrumented
// functions of a generated 5,000-line Java file with ~200 of them. The goal is at most 1.5× the parse.
import { findJavaInstrumentedFunctions } from '../../src/core/code/languages/java/javaFinder';
import { loadGrammar, withTree } from '../../src/core/code/treeSitter/treeSitterRuntime';
import { medianRatio } from './timing';

export const title = 'Java lenses: finding instrumented functions vs a bare tree-sitter parse';

/** Untraced code the units are spread through: loops, conditionals, generics, a nested record. */
function filler(i: number): string[] {
  return [
    `final class Helper${i} {`,
    `  private static final int LIMIT = ${i % 97};`,
    '  record Line(String sku, int qty, double price) {}',
    '',
    '  static double total(java.util.List<Line> lines) {',
    '    double sum = 0;',
    '    for (Line l : lines) {',
    '      if (l.qty() <= 0 || l.qty() > LIMIT) continue;',
    '      double discounted = l.price() * (l.qty() > 10 ? 0.9 : 1.0);',
    '      sum += discounted * l.qty();',
    '    }',
    '    return Math.round(sum * 100) / 100.0;',
    '  }',
    '',
    '  static String describe(Line l) {',
    '    return switch (l.qty()) {',
    '      case 0 -> "none of " + l.sku();',
    '      case 1 -> "one " + l.sku();',
    '      default -> l.qty() + " × " + l.sku();',
    '    };',
    '  }',
    '}',
    '',
  ];
}

/** One instrumented unit of five kinds: spanBuilder, @WithSpan, a Spring controller, a JAX-RS resource, a JDK server. */
function unit(i: number): string[] {
  switch (i % 5) {
    case 0:
      return [
        `final class OrderService${i} {`,
        `  private static final String CREATE = "orders.create.${i}";`,
        `  private final Tracer tracer = GlobalOpenTelemetry.getTracer("orders-${i}");`,
        '',
        '  void create(String id) {',
        '    Span span = tracer.spanBuilder(CREATE).setSpanKind(SpanKind.INTERNAL).startSpan();',
        '    try (Scope scope = span.makeCurrent()) {',
        '      span.setAttribute("order.id", id);',
        '    } finally {',
        '      span.end();',
        '    }',
        '  }',
        '',
        '  void load(String id) {',
        '    Span span = tracer.spanBuilder("orders.load " + id).startSpan();',
        '    span.end();',
        '  }',
        '}',
        '',
      ];
    case 1:
      return [
        `final class Repository${i} {`,
        '  @WithSpan',
        '  java.util.List<String> findAll() {',
        '    return java.util.List.of();',
        '  }',
        '',
        `  @WithSpan(value = "repo.find.${i}", kind = SpanKind.CLIENT)`,
        '  String find(String id) {',
        '    return id;',
        '  }',
        '}',
        '',
      ];
    case 2:
      return [
        '@RestController',
        `@RequestMapping("/api/v${i}")`,
        `final class UsersController${i} {`,
        '  @GetMapping("/users/{id}")',
        '  String get(@PathVariable String id) {',
        '    return id;',
        '  }',
        '',
        '  @RequestMapping(value = "/users", method = RequestMethod.POST)',
        '  String create(String body) {',
        '    return body;',
        '  }',
        '}',
        '',
      ];
    case 3:
      return [
        `@Path("/items${i}")`,
        `final class ItemsResource${i} {`,
        '  @GET',
        '  @Path("{id}")',
        '  String get(@PathParam("id") String id) {',
        '    return id;',
        '  }',
        '}',
        '',
      ];
    default:
      return [
        `final class PaymentsServer${i} {`,
        '  void start(HttpServer server) {',
        `    server.createContext("/payments${i}", this::handle);`,
        '  }',
        '',
        '  void handle(HttpExchange exchange) throws java.io.IOException {',
        '    exchange.sendResponseHeaders(204, -1);',
        '  }',
        '}',
        '',
      ];
  }
}

export function generateJavaFile(targetLines = 5000, instrumented = 200): string {
  const out: string[] = [
    'package com.shop.bench;',
    '',
    'import com.sun.net.httpserver.HttpExchange;',
    'import com.sun.net.httpserver.HttpServer;',
    'import io.opentelemetry.api.GlobalOpenTelemetry;',
    'import io.opentelemetry.api.trace.Span;',
    'import io.opentelemetry.api.trace.SpanKind;',
    'import io.opentelemetry.api.trace.Tracer;',
    'import io.opentelemetry.context.Scope;',
    'import io.opentelemetry.instrumentation.annotations.WithSpan;',
    'import jakarta.ws.rs.GET;',
    'import jakarta.ws.rs.Path;',
    'import jakarta.ws.rs.PathParam;',
    'import org.springframework.web.bind.annotation.*;',
    '',
  ];
  let made = 0;
  let fillers = 0;
  // Spread the instrumented units evenly through the filler code.
  while (out.length < targetLines) {
    if (made < instrumented && out.length >= (made * targetLines) / instrumented) out.push(...unit(made++));
    else out.push(...filler(fillers++));
  }
  return out.join('\n');
}

export async function run(): Promise<string[]> {
  const grammar = await loadGrammar('java');
  const text = generateJavaFile();
  const lines = text.split('\n').length;
  const found = findJavaInstrumentedFunctions(grammar, text, {});
  const bareParse = (): unknown => withTree(grammar, text, (tree) => tree.rootNode.endIndex);
  const lenses = (): unknown => findJavaInstrumentedFunctions(grammar, text, {});
  // Many alternating rounds: on a shared 2-core machine single runs swing by 2×.
  const full = medianRatio(lenses, bareParse, 21, 5);
  return [
    `file: ${lines} lines, 200 instrumented units, ${found.length} lenses found`,
    `lenses (parse + find) / bare tree-sitter parse: ${full.ratio.toFixed(2)}× (median of 21 alternating rounds; goal ≤ 1.5)`,
  ];
}
