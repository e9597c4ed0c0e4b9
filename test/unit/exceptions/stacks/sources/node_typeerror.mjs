class OrderService {
  async total(order) {
    await new Promise((r) => setTimeout(r, 1));
    return order.customer.discount * 2;
  }
}
async function checkout(svc) {
  return [await svc.total({ id: 7 })];
}
checkout(new OrderService()).catch((e) => process.stdout.write(e.stack));
