//go:build unix

package sandboxtest

import (
	"os"
	"strconv"
)

func uid() string { return strconv.Itoa(os.Getuid()) }
