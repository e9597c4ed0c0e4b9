import json

class OrderError(Exception):
    pass

def load_price(sku):
    prices = {"MUG-1": 12}
    return prices[sku]

def price_order(items):
    try:
        return sum(load_price(i["sku"]) for i in items)
    except KeyError as e:
        raise OrderError(f"unknown SKU '{e.args[0]}' in order 4711") from e

def handle():
    try:
        price_order([{"sku": "MUG-1"}, {"sku": "BROKEN-1"}])
    except OrderError:
        json.loads("{not json")

import traceback
try:
    handle()
except Exception:
    print(traceback.format_exc(), end="")
