// Command wasmbuild builds a Go package into a jobbox guest module the one
// reproducible way: GOOS=wasip1 GOARCH=wasm, c-shared (a WASI reactor),
// -trimpath, no VCS stamp and an empty build ID, so the same source and Go
// version always give the same bytes and CI can tell a stale artefact.
// go:generate directives call it; `go generate ./...` rebuilds every guest.
//
//	go run github.com/jobbox/jobbox/host/internal/wasmbuild -o OUT.wasm PACKAGE
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
)

func main() {
	out := flag.String("o", "", "output .wasm file")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmbuild -o OUT.wasm PACKAGE")
		os.Exit(2)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-buildmode=c-shared",
		"-ldflags=-s -w -buildid=", "-o", *out, flag.Arg(0))
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "wasmbuild: building %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
}
