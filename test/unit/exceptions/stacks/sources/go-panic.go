package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
)

type Order struct{ Items []string }

func validate(o *Order) {
	if o.Items[2] == "" {
		fmt.Println("empty")
	}
}

func handler(w http.ResponseWriter, r *http.Request) {
	validate(&Order{Items: []string{"MUG-1"}})
}

func main() {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/checkout", nil)
	handler(rec, req)
}
