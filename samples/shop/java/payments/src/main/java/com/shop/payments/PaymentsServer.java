package com.shop.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payments service of the sample shop, on the JDK's HTTP server. The OpenTelemetry Java agent makes a server
 * span per request named after the context's path (POST /payments/authorize, GET /payments/settlement).
 *
 * <p>Port: PAYMENTS_PORT, else SHOP_BASE_PORT + 6 (SHOP_BASE_PORT defaults to 7070). Listens on 127.0.0.1 only.
 */
public final class PaymentsServer {
  private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]{1,64})\"");
  private static final Pattern AMOUNT = Pattern.compile("\"amountCents\"\\s*:\\s*(\\d{1,12})");

  private final PaymentService payments = new PaymentService();

  public static void main(String[] args) throws IOException {
    int port = port();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    ExecutorService workers = Executors.newFixedThreadPool(8);
    server.setExecutor(workers);
    new PaymentsServer().register(server);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(0);
      workers.shutdown();
    }));
    System.out.println("payments listening on http://127.0.0.1:" + port);
  }

  void register(HttpServer server) {
    server.createContext("/payments/authorize", this::authorize);
    server.createContext("/payments/settlement", this::settlement);
    server.createContext("/health", exchange -> reply(exchange, 200, "{\"ok\":true}"));
  }

  void authorize(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      reply(exchange, 405, "{\"error\":\"POST only\"}");
      return;
    }
    String body = read(exchange.getRequestBody());
    Matcher order = ORDER_ID.matcher(body);
    Matcher amount = AMOUNT.matcher(body);
    if (!order.find() || !amount.find()) {
      reply(exchange, 400, "{\"error\":\"orderId and amountCents are required\"}");
      return;
    }
    try {
      String id = payments.authorize(order.group(1), Long.parseLong(amount.group(1)));
      reply(exchange, 201, "{\"authorizationId\":\"" + id + "\"}");
    } catch (PaymentService.PaymentDeclinedException e) {
      reply(exchange, 402, "{\"error\":\"declined\"}");
    }
  }

  void settlement(HttpExchange exchange) throws IOException {
    int settled = payments.settle();
    reply(exchange, 200, "{\"settled\":" + settled + "}");
  }

  private static int port() {
    String explicit = System.getenv("PAYMENTS_PORT");
    if (explicit != null && !explicit.isEmpty()) return Integer.parseInt(explicit);
    String base = System.getenv("SHOP_BASE_PORT");
    return (base == null || base.isEmpty() ? 7070 : Integer.parseInt(base)) + 6;
  }

  private static String read(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(64 * 1024);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
