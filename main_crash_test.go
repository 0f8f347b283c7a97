package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"nami/store"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The demo's iOS key, as catalog/demo.json fixes it.
const demoIOSKey = "pk_lh8cm96yrkezvtddv4miodnzinfys2kc"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// namiBinary builds the nami binary once per test run, as `make build` does.
func namiBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nami-bin-")
		if err != nil {
			buildErr = err
			return
		}
		// Readable by everyone: a test runs it as an unprivileged user.
		if err := os.Chmod(dir, 0o755); err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nami")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// freeAddr finds a free loopback port.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is a child `nami serve` process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
	done   chan error
}

// startServer runs `nami serve` with args and waits until /healthz answers.
func startServer(t *testing.T, cmd *exec.Cmd) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd.Args = append(cmd.Args, "--addr", addr)
	s := &server{cmd: cmd, url: "http://" + addr, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = &syncWriter{w: s.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nami serve did not answer /healthz within 30 s: %v\n%s", err, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestKill9LosesNoAcknowledgedEvent posts batches from concurrent clients to a real `nami
// serve`, kills it with SIGKILL in the middle, and checks after a restart that every event
// that got a 202 is stored, and that every batch is stored whole or not at all.
func TestKill9LosesNoAcknowledgedEvent(t *testing.T) {
	db := tempDB(t)
	bin := namiBinary(t)
	srv := startServer(t, exec.Command(bin, "serve", "--db", db, "--demo", "--events-rate", "0"))

	const clients, perBatch = 16, 100
	var mu sync.Mutex
	acked := map[string]bool{} // batch prefix → acknowledged
	var sent []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				prefix := fmt.Sprintf("c%d-b%d", c, b)
				mu.Lock()
				sent = append(sent, prefix)
				mu.Unlock()
				res, err := client.Post(srv.url+"/sdk/v1/platforms/"+demoIOSKey+"/events", "application/json",
					strings.NewReader(crashBatch(prefix, perBatch)))
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusAccepted {
					mu.Lock()
					acked[prefix] = true
					mu.Unlock()
				}
			}
		}()
	}
	// Let the load run, then kill the server without warning.
	for {
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
		select {
		case err := <-srv.done:
			t.Fatalf("nami serve exited: %v\n%s", err, srv.stderr)
		default:
		}
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	srv.done <- nil // for the cleanup
	close(stop)
	wg.Wait()

	// Restart on the same file: it must open, and hold every acknowledged event.
	startServer(t, exec.Command(bin, "serve", "--db", db))
	st := openDB(t, db)
	p, err := st.PlatformByKey(context.Background(), demoIOSKey)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.EventIDs(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	lost, partial, total := 0, 0, 0
	for _, prefix := range sent {
		stored := 0
		for i := range perBatch {
			if ids[fmt.Sprintf("%s-%d", prefix, i)] {
				stored++
			}
		}
		total += stored
		if acked[prefix] && stored != perBatch {
			lost += perBatch - stored
		}
		if stored != 0 && stored != perBatch {
			partial++
		}
	}
	t.Logf("%d batches acknowledged before SIGKILL (%d sent), %d events stored", len(acked), len(sent), len(ids))
	if lost > 0 {
		t.Errorf("%d acknowledged events are missing after kill -9", lost)
	}
	if partial > 0 {
		t.Errorf("%d batches were stored in part", partial)
	}
	// Every stored impression is counted once in the analytics of its day, May 1st (the demo's
	// history is in the last 30 days): events are counted in the transaction that stores them.
	if err := st.AggregateAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	day := store.DayOf(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	an, err := st.AppAnalytics(context.Background(), []int64{p.ID}, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if an.Total.Impressions != int64(total) {
		t.Errorf("analytics count %d impressions on May 1st; %d are stored", an.Total.Impressions, total)
	}
}

// crashBatch is n impressions with ids prefix-0 … prefix-(n-1).
func crashBatch(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(`{"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%s-%d","type":"impression","device_id":"dev-%s","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, prefix, i, prefix)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestServeRefusesAReadOnlyDatabase starts `nami serve` on a database file it may only read:
// it must exit 1 and say so, rather than start and acknowledge events it cannot store. The
// server runs as an unprivileged user when the test runs as root, since root may write any file.
func TestServeRefusesAReadOnlyDatabase(t *testing.T) {
	bin := namiBinary(t)
	dir, err := os.MkdirTemp("", "nami-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db := filepath.Join(dir, "nami.db")
	mustCLI(t, "", "apply", "--db", db, "-f", "catalog/demo.json")

	serveAs := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		return cmd
	}
	// The directory and its files belong to the server's user; only the database file is read-only.
	for _, p := range []string{dir, db, db + "-wal", db + "-shm"} {
		if _, err := os.Stat(p); err == nil && os.Geteuid() == 0 {
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	cmd := serveAs("serve", "--db", db, "--addr", freeAddr(t))
	out, err := runWithin(t, cmd, 30*time.Second)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("nami serve on a read-only database: %v, want exit status 1\n%s", err, out)
	}
	if want := "nami: the database " + db + " is read-only"; !strings.Contains(out, want) {
		t.Errorf("nami serve said %q, want %q", out, want)
	}

	// A directory it cannot write (SQLite keeps its journal there) is refused the same way.
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	out, err = runWithin(t, serveAs("serve", "--db", db, "--addr", freeAddr(t)), 30*time.Second)
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("nami serve in a read-only directory: %v, want exit status 1\n%s", err, out)
	}
	if want := "is not writable"; !strings.Contains(out, want) {
		t.Errorf("nami serve said %q, want %q", out, want)
	}
	os.Chmod(dir, 0o755)
}

// runWithin runs cmd to its end, at most d, and returns what it wrote to stdout and stderr.
func runWithin(t *testing.T, cmd *exec.Cmd, d time.Duration) (string, error) {
	t.Helper()
	var out syncWriter
	var buf bytes.Buffer
	out.w = &buf
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return buf.String(), err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not exit within %s; it started on a database it cannot write:\n%s", cmd.Path, d, buf.String())
		return "", nil
	}
}

// TestMain removes the binary namiBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
