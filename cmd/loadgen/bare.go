package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// captured is one config answer, replayed by the bare handler.
type captured struct {
	Header http.Header
	Body   []byte
}

// waitForConfig polls config until the server answers 200 (it may be starting, or noticing a
// release), for at most 15 seconds.
func waitForConfig(client *http.Client, configURL string) (captured, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := client.Get(configURL)
		if err == nil {
			body, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			if rerr == nil && res.StatusCode == http.StatusOK {
				res.Header.Del("Date")
				return captured{Header: res.Header, Body: body}, nil
			}
			err = fmt.Errorf("status %d: %s", res.StatusCode, body)
		}
		if time.Now().After(deadline) {
			return captured{}, fmt.Errorf("GET %s: %w (is the server running and the app published?)", configURL, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startBare runs this program again as the bare handler's server and returns its config URL.
func startBare(c captured) (string, func(), error) {
	dir, err := os.MkdirTemp("", "loadgen")
	if err != nil {
		return "", nil, err
	}
	file := filepath.Join(dir, "config.json")
	data, err := json.Marshal(c)
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(self, "-bare", file)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Kill() // the child we started, by its process
		cmd.Wait()
		os.RemoveAll(dir)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("starting the bare server: %w", err)
	}
	return "http://" + strings.TrimSpace(line) + "/sdk/v1/_bare/config", stop, nil
}

// serveBare is the child process: a bare net/http handler writing the captured bytes with the
// captured headers, on a loopback port it prints.
func serveBare(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var c captured
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	// A server holding snapshots has tens of MB of live heap, so it collects garbage less often
	// than a process holding one response; the ballast gives the bare server the same headroom,
	// so the comparison is of the handlers, not of GC frequency.
	ballast := make([]byte, 64<<20)
	defer runtime.KeepAlive(ballast)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sdk/v1/_bare/config" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for name, values := range c.Header {
			h.Set(name, values[0])
		}
		w.WriteHeader(http.StatusOK)
		w.Write(c.Body)
	})
	srv := &http.Server{Handler: bare, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	return srv.Serve(ln)
}
