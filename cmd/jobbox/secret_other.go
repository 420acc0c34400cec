//go:build !linux

package main

import (
	"errors"
	"io"
	"os"
)

// promptSecret cannot turn echo off here: pipe the password in instead.
func promptSecret(*os.File, io.Writer, string) (string, error) {
	return "", errors.New("pipe the password into standard input: this system's terminal echo cannot be turned off by jobbox")
}
