package com.example.shop.orders;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

public class OrderService {
    static class InventoryClient {
        int reserve(String sku, int qty) {
            Map<String, Integer> stock = Map.of("MUG-1", 3);
            Integer have = stock.get(sku);
            return have - qty;
        }
    }

    private final InventoryClient inventory = new InventoryClient();

    void validate(List<String> skus) {
        for (String sku : skus) {
            try {
                inventory.reserve(sku, 1);
            } catch (NullPointerException e) {
                throw new IllegalStateException("SKU " + sku + " is discontinued (order 4711)", e);
            }
        }
    }

    public String create(List<String> skus) {
        try {
            validate(skus);
            return "ok";
        } catch (IllegalStateException e) {
            throw new RuntimeException("order failed for user 3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f", e);
        }
    }

    public static void main(String[] args) {
        try {
            new OrderService().create(List.of("MUG-1", "BROKEN-1"));
        } catch (RuntimeException e) {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            System.out.print(w);
        }
        Runnable r = () -> { Object o = List.of(1).get(3); };
        Thread t = new Thread(r, "worker-1");
        t.start();
        try { t.join(); } catch (InterruptedException ignored) {}
    }
}
