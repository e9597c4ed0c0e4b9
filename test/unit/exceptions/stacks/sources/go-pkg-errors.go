package main

import (
	"fmt"

	"github.com/pkg/errors"
)

func reserve(sku string) error {
	return errors.Errorf("sku %q out of stock (have 0, want 3)", sku)
}

func createOrder() error {
	if err := reserve("MUG-1"); err != nil {
		return errors.Wrap(err, "create order 4711")
	}
	return nil
}

func main() {
	fmt.Printf("%+v\n", createOrder())
}
