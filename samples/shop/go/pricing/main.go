// The pricing service of the sample shop: the catalogue's prices (which the gateway adds to GET /products), a
// quote for a basket, and a deliberate slow path: every fifth price lookup finds the table stale and recomputes
// it, one SKU after the other. net/http ServeMux (Go 1.22 patterns) wrapped by otelhttp, which names each server
// span `METHOD /route`; manual spans below.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const (
	spanLookup   = "pricing.lookup"
	spanDiscount = "pricing.discount"
	// A lookup after this many finds the table stale and recomputes it (the slow path).
	lookupsPerRefresh = 5
)

var tracer = otel.Tracer("shop-pricing")

// The list prices in cents; the table the lookups answer from is recomputed from them.
var listCents = map[string]int{"MUG-1": 1200, "TEE-2": 2500, "CAP-3": 1800, "PIN-4": 400}

type priceTable struct {
	mu      sync.Mutex
	cents   map[string]int
	lookups int
}

var prices = &priceTable{cents: map[string]int{}}

type quoteItem struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// listPrices answers GET /prices.
func listPrices(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, lookupPrices(r.Context()))
}

func lookupPrices(ctx context.Context) map[string]int {
	ctx, span := tracer.Start(ctx, spanLookup)
	defer span.End()
	prices.mu.Lock()
	defer prices.mu.Unlock()
	prices.lookups++
	if prices.lookups%lookupsPerRefresh == 1 {
		span.SetAttributes(attribute.Bool("pricing.stale", true))
		prices.cents = recompute(ctx)
	}
	out := make(map[string]int, len(prices.cents))
	for sku, cents := range prices.cents {
		out[sku] = cents
	}
	span.SetAttributes(attribute.Int("pricing.items", len(out)))
	return out
}

// recompute is the slow path: every SKU priced again, one after the other, while the table is locked.
func recompute(ctx context.Context) map[string]int {
	ctx, span := tracer.Start(ctx, "pricing.recompute")
	defer span.End()
	out := make(map[string]int, len(listCents))
	for sku, cents := range listCents {
		out[sku] = recomputeOne(ctx, sku, cents)
	}
	return out
}

// recomputeOne names its span after the SKU (a lens matches it as the pattern `pricing.recompute.*`).
func recomputeOne(ctx context.Context, sku string, cents int) int {
	_, span := tracer.Start(ctx, fmt.Sprintf("pricing.recompute.%s", sku))
	defer span.End()
	time.Sleep(30 * time.Millisecond) // the supplier price feed
	return cents
}

// quote answers POST /quote: the total of a basket, after the volume discount.
func quote(w http.ResponseWriter, r *http.Request) {
	var items []quoteItem
	if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be a JSON list of {sku, quantity}"})
		return
	}
	total, err := discounted(r.Context(), items)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"totalCents": total})
}

func discounted(ctx context.Context, items []quoteItem) (int, error) {
	_, span := tracer.Start(ctx, spanDiscount, trace.WithSpanKind(trace.SpanKindInternal))
	defer span.End()
	total := 0
	for _, it := range items {
		cents, ok := listCents[it.SKU]
		if !ok {
			err := fmt.Errorf("unknown SKU %q", it.SKU)
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
			return 0, err
		}
		total += cents * it.Quantity
	}
	if total > 10000 {
		total = total * 9 / 10
	}
	return total, nil
}

func health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"service": "pricing", "ok": true})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// listenPort is PRICING_PORT, else SHOP_BASE_PORT (default 7070) + 5, as samples/shop/src/lib/config.ts says.
func listenPort() (int, error) {
	if text := os.Getenv("PRICING_PORT"); text != "" {
		return portNumber("PRICING_PORT", text, 0)
	}
	if text := os.Getenv("SHOP_BASE_PORT"); text != "" {
		return portNumber("SHOP_BASE_PORT", text, 5)
	}
	return 7070 + 5, nil
}

func portNumber(name, text string, offset int) (int, error) {
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n+offset > 65535 {
		return 0, fmt.Errorf("%s must be a port number, not %q", name, text)
	}
	return n + offset, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	p, err := listenPort()
	if err != nil {
		log.Fatalf("[pricing] %v", err)
	}
	shutdownTracing, err := setupTracing(ctx)
	if err != nil {
		log.Fatalf("[pricing] tracing: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /prices", listPrices)
	mux.HandleFunc("POST /quote", quote)
	// Readiness probes are not part of the shop's behaviour: /health is served beside the traced mux, without spans.
	root := http.NewServeMux()
	root.HandleFunc("GET /health", health)
	root.Handle("/", otelhttp.NewHandler(mux, "pricing"))
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("[pricing] cannot listen on %s: %v", addr, err)
	}
	server := &http.Server{Handler: root, ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	log.Printf("[pricing] listening on http://%s", addr)
	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Printf("[pricing] server stopped: %v", err)
		}
	}
	// Finish the requests in flight, then flush every span still buffered.
	drain, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = server.Shutdown(drain)
	if err := shutdownTracing(drain); err != nil {
		log.Printf("[pricing] flushing spans: %v", err)
	}
}
