// Java written for the lens tests. Every snippet is a whole compilation unit: javacSnippets.test.ts compiles them
// all with javac against the stand-ins in test/fixtures/java-stubs, so the rules are tested on valid Java.
// Each snippet has its own package, so they compile together.

export const snippets = {
  spanBuilders: `package t.spans;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

class OrderService {
  private static final Tracer TRACER = GlobalOpenTelemetry.getTracer("shop-orders");
  private final Tracer tracer;
  private final Tracer built = GlobalOpenTelemetry.tracerBuilder("shop-built").setInstrumentationVersion("1.0").build();

  OrderService(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("shop-orders-injected", "1.0");
  }

  void create() {
    Span span = TRACER.spanBuilder("orders.create").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      validate();
    } finally {
      span.end();
    }
  }

  void validate() {
    Span span = tracer.spanBuilder("orders.validate").startSpan();
    span.end();
  }

  void direct() {
    GlobalOpenTelemetry.getTracer("shop-direct").spanBuilder("orders.direct").setSpanKind(SpanKind.CLIENT).startSpan().end();
  }

  void viaBuilt() {
    built.spanBuilder("orders.built").startSpan().end();
  }

  void notASpan() {
    // tracer.spanBuilder("in.a.comment").startSpan();
    String text = "tracer.spanBuilder(\\"in.a.string\\")";
    System.out.println(text);
  }

  void fromParameter(String name) {
    tracer.spanBuilder(name).startSpan().end();
  }
}
`,

  spanSites: `package t.sites;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

class Worker {
  private static final Tracer tracer = GlobalOpenTelemetry.getTracer("worker");
  private final Runnable task = () -> tracer.spanBuilder("worker.task").startSpan().end();
  private final Supplier<String> eager = make(() -> {
    tracer.spanBuilder("worker.eager").startSpan().end();
    return "x";
  });

  static {
    tracer.spanBuilder("worker.static").startSpan().end();
  }

  Worker() {
    tracer.spanBuilder("worker.init").startSpan().end();
  }

  static Supplier<String> make(Supplier<String> s) {
    return s;
  }

  void submit() throws Exception {
    Callable<Integer> job = () -> {
      tracer.spanBuilder("worker.job").startSpan().end();
      return 1;
    };
    job.call();
    Runnable inline = new Runnable() {
      @Override
      public void run() {
        tracer.spanBuilder("worker.anonymous").startSpan().end();
      }
    };
    inline.run();
    java.util.List.of(1, 2).forEach(i -> tracer.spanBuilder("worker.each").startSpan().end());
  }
}
`,

  spanNames: `package t.names;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

class Names {
  static final String PREFIX = "inventory.";
  static final String RESERVE = PREFIX + "reserve";
  static String mutable = "inventory.mutable";
  private final String instanceName = "inventory.instance";
  private static final Tracer tracer = GlobalOpenTelemetry.getTracer("inventory");

  interface Ops {
    String LOOKUP = "inventory.lookup";
  }

  void constants() {
    tracer.spanBuilder(RESERVE).startSpan().end();
    tracer.spanBuilder(Ops.LOOKUP).startSpan().end();
    tracer.spanBuilder(SpanNames.AUDIT).startSpan().end();
    tracer.spanBuilder(this.instanceName).startSpan().end();
  }

  void notConstant() {
    tracer.spanBuilder(mutable).startSpan().end();
    tracer.spanBuilder(Other.NAME).startSpan().end();
  }

  void patterns(String sku, int n) {
    tracer.spanBuilder("inventory." + sku).startSpan().end();
    tracer.spanBuilder(String.format("inventory.%s.%d", sku, n)).startSpan().end();
    tracer.spanBuilder(String.format("inventory.%2$s/%1$s%n", sku, n)).startSpan().end();
    tracer.spanBuilder("inventory.formatted.%s".formatted(sku)).startSpan().end();
    tracer.spanBuilder(PREFIX.concat("concat.").concat(sku)).startSpan().end();
  }

  void locals(boolean flag) {
    final String fixed = "inventory.local";
    tracer.spanBuilder(fixed).startSpan().end();
    String effectivelyFinal = PREFIX + "effective";
    tracer.spanBuilder(effectivelyFinal).startSpan().end();
    String changed = "inventory.first";
    if (flag) {
      changed = "inventory.second";
    }
    tracer.spanBuilder(changed).startSpan().end();
  }

  void unknownOnly(String name) {
    tracer.spanBuilder(name + name).startSpan().end();
    tracer.spanBuilder(String.valueOf(name)).startSpan().end();
  }

  void textBlock() {
    tracer.spanBuilder("""
        inventory.block""").startSpan().end();
  }
}

class SpanNames {
  static final String AUDIT = "inventory.audit";
}

class Other {
  static String NAME = "not.final";
}
`,

  renamingTracer: `package t.renaming;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;

class Decorated {
  private final Tracer tracer = new Prefixing(GlobalOpenTelemetry.getTracer("decorated"), "storage/");

  void create() {
    tracer.spanBuilder("create").startSpan().end();
  }

  static final class Prefixing implements Tracer {
    private final Tracer delegate;
    private final String prefix;

    Prefixing(Tracer delegate, String prefix) {
      this.delegate = delegate;
      this.prefix = prefix;
    }

    @Override
    public SpanBuilder spanBuilder(String spanName) {
      return delegate.spanBuilder(prefix + spanName);
    }
  }
}
`,

  withSpan: `package t.withspan;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;

class PaymentService {
  static final String CHARGE = "payments.charge";

  @WithSpan
  void authorize() {}

  @WithSpan("payments.capture")
  void capture() {}

  @WithSpan(value = CHARGE, kind = SpanKind.CLIENT)
  void charge() {}

  @WithSpan(kind = SpanKind.CONSUMER)
  void consume() {}

  @io.opentelemetry.instrumentation.annotations.WithSpan("payments.qualified")
  void qualified() {}

  @WithSpan("payments.constructor")
  PaymentService() {}

  // @WithSpan("payments.comment")
  void commented() {}

  @Deprecated
  void other() {}

  static class Refunds {
    @WithSpan
    void refund() {}
  }

  interface Gateway {
    @WithSpan
    void abstractCall();

    @WithSpan
    default void defaultCall() {}
  }

  Runnable anonymous() {
    return new Runnable() {
      @Override
      @WithSpan
      public void run() {}
    };
  }
}
`,

  spring: `package t.spring;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api")
class UserController {
  static final String ITEMS = "/items";

  @GetMapping("/users/{id}")
  String get(@PathVariable("id") String id) {
    return id;
  }

  @PostMapping
  String create() {
    return "";
  }

  @GetMapping({"/a", "b"})
  String two() {
    return "";
  }

  @RequestMapping(value = "/x", method = {RequestMethod.GET, RequestMethod.POST})
  String methods() {
    return "";
  }

  @RequestMapping(path = "/any")
  String any() {
    return "";
  }

  @DeleteMapping(path = ITEMS + "/{id:[0-9]+}", produces = "application/json")
  String remove() {
    return "";
  }

  @GetMapping("\${users.path}/placeholder")
  String placeholder() {
    return "";
  }

  @GetMapping("\${users.prefix:/v1}/defaulted")
  String defaulted() {
    return "";
  }

  // @GetMapping("/commented")
  String commented() {
    return "";
  }
}

@RestController
class RootController {
  @GetMapping("health")
  String health() {
    return "ok";
  }
}

interface UsersClient {
  @GetMapping("/users/{id}")
  String fetch(@PathVariable("id") String id);
}
`,

  jaxrs: `package t.jaxrs;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

@Path("/users")
class UserResource {
  @GET
  public String list() {
    return "";
  }

  @GET
  @Path("{id}")
  public String get(@PathParam("id") String id) {
    return id;
  }

  @POST
  @Path("/{id}/orders")
  public String order(@PathParam("id") String id) {
    return id;
  }

  @Path("sub")
  public SubResource locator() {
    return new SubResource();
  }
}

@Path("items/")
class ItemResource {
  @DELETE
  @Path("/{id}")
  public void remove(@PathParam("id") String id) {}
}

class SubResource {
  @GET
  public String get() {
    return "";
  }
}

interface RemoteUsers {
  @GET
  @Path("/users")
  String list();
}
`,

  jdkServer: `package t.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

class PaymentsServer {
  static final String REFUNDS = "/refunds";

  void start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(0), 0);
    server.createContext("/payments", this::payments);
    server.createContext(REFUNDS, new RefundsHandler());
    server.createContext("/health", exchange -> exchange.sendResponseHeaders(200, -1));
    HttpHandler status = exchange -> exchange.sendResponseHeaders(204, -1);
    server.createContext("/status", status);
    server.createContext("/later");
    server.start();
  }

  void payments(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, -1);
  }

  static class RefundsHandler implements HttpHandler {
    @Override
    public void handle(HttpExchange exchange) throws IOException {
      exchange.sendResponseHeaders(200, -1);
    }
  }
}
`,

  functions: `package com.shop;

import java.util.function.Function;

public class OrderService {
  private final Function<String, String> normalize = s -> s.trim();
  private int count;

  public OrderService() {}

  public String create(String id) {
    Function<String, String> local = x -> x + id;
    class Helper {
      String help() {
        return "";
      }
    }
    Runnable first = new Runnable() {
      @Override
      public void run() {}
    };
    Runnable second = new Runnable() {
      @Override
      public void run() {
        Runnable nested = new Runnable() {
          @Override
          public void run() {}
        };
        nested.run();
      }
    };
    first.run();
    second.run();
    return local.apply(new Helper().help());
  }

  static class Inner {
    void work() {}

    class Deeper {
      void deep() {}
    }
  }

  enum Status {
    OPEN {
      @Override
      String label() {
        return "open";
      }
    };

    String label() {
      return name();
    }
  }

  record Line(String sku, int quantity) {
    Line {
      count();
    }

    static void count() {}
  }
}
`,
} as const;

export type SnippetName = keyof typeof snippets;
