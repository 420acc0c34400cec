package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
)

// watcher is the watcher process of a schedule (Watch): the dashboards'
// event-stream clients and the Prometheus scraper live in processes of
// their own, so their work competes with the service's through the
// operating system's scheduler, as it does in a deployment, and not inside
// the service's Go runtime, where a client decompressing a scrape would
// hold a processor a due run is waiting for.
type watcher struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
}

// startWatcher starts command (jobbox bench-watch) on spec and waits
// until its clients are connected.
func startWatcher(command []string, spec watchSpec) (*watcher, error) {
	if len(command) == 0 {
		return nil, errors.New("event-stream clients and scrapes need a watcher command (Options.Watcher)")
	}
	w := &watcher{cmd: exec.Command(command[0], append(slices.Clone(command[1:]), spec.args()...)...)}
	w.cmd.Stderr = &w.stderr
	stdin, err := w.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w.stdin, w.stdout = stdin, bufio.NewReader(stdout)
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the watcher process: %w", err)
	}
	if line, err := w.stdout.ReadString('\n'); line != "ready\n" {
		w.stdin.Close()
		_ = w.cmd.Wait()
		return nil, w.failed(fmt.Errorf("it said %q (%v) instead of ready", line, err))
	}
	return w, nil
}

// finish tells the watcher to stop, once the streams it reads have ended,
// and returns what it measured.
func (w *watcher) finish() (watchResult, error) {
	w.stdin.Close()
	var res watchResult
	line, readErr := w.stdout.ReadBytes('\n')
	waitErr := w.cmd.Wait()
	if err := errors.Join(readErr, waitErr); err != nil {
		return res, w.failed(err)
	}
	if err := json.Unmarshal(line, &res); err != nil {
		return res, w.failed(fmt.Errorf("reading its result %q: %w", line, err))
	}
	if res.Error != "" {
		return res, w.failed(errors.New(res.Error))
	}
	return res, nil
}

// failed is err with what the watcher wrote on its standard error.
func (w *watcher) failed(err error) error {
	if msg := strings.TrimSpace(w.stderr.String()); msg != "" {
		return fmt.Errorf("the watcher process: %w: %s", err, msg)
	}
	return fmt.Errorf("the watcher process: %w", err)
}
