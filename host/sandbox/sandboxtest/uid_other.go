//go:build !unix

package sandboxtest

func uid() string { return "0" }
