package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
)

type Service struct{ stock map[string]int }

func (s *Service) Checkout(w http.ResponseWriter, r *http.Request) {
	var order *struct{ ID string }
	defer func() {
		if rec := recover(); rec != nil {
			fmt.Fprintf(os.Stderr, "RECOVERED %v\n%s", rec, debug.Stack())
			panic(rec)
		}
	}()
	fmt.Fprintln(w, order.ID)
}

func main() {
	s := &Service{}
	srv := httptest.NewServer(http.HandlerFunc(s.Checkout))
	defer srv.Close()
	res, err := http.Post(srv.URL+"/checkout", "application/json", nil)
	if err == nil {
		io.Copy(io.Discard, res.Body)
	}
}
