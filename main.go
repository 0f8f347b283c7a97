// Command nami is the Nami control center: a self-hosted server where marketers manage what an app
// sells and how it is offered, and the public SDK API that apps ask. See README.md for the commands.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"nami/catalog"
	"nami/demo"
	"nami/events"
	"nami/handlers"
	"nami/metrics"
	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

const usage = `Nami: the self-hosted control center for in-app purchases.

Usage:
  nami serve   [--addr :8080] [--db ./nami.db] [--demo]   run the control center and the SDK API
               [--events-rate 10000] [--events-retention-days 400]
               [--metrics-addr ADDR] [--base-url URL]
  nami user add --email E --name N --role R                create a user; the password is read from stdin
  nami user reset --email E [--base-url URL]               print a one-time link to set a new password
  nami apply   -f catalog.json                             make an app's drafts match a catalog file
  nami export  --app SLUG                                  print an app's drafts as a catalog file
  nami publish --app SLUG [--note TEXT]                    publish a release; prints its number
  nami backup  FILE                                        write a consistent copy of a live database
  nami export-snapshots --dir DIR                          write the published snapshots as static files for a CDN

Every command takes --db (env NAMI_DB, default ./nami.db); serve takes --addr (env NAMI_ADDR),
--events-rate (env NAMI_EVENTS_RATE: events per second per SDK key, 0 for no limit) and
--events-retention-days (env NAMI_EVENTS_RETENTION_DAYS: how long raw events are kept),
--metrics-addr (env NAMI_METRICS_ADDR: serve Prometheus metrics at /metrics on that address; off
by default) and --base-url (env NAMI_BASE_URL: the public address used in share links).
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "nami:", err)
		os.Exit(1)
	}
}

// run executes one command line; it is main without the exit, so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	if cmd == "user" {
		if len(rest) == 0 || (rest[0] != "add" && rest[0] != "reset") {
			return errors.New("usage: nami user add --email E --name N --role R\n       nami user reset --email E [--base-url URL]")
		}
		cmd, rest = "user "+rest[0], rest[1:]
	}
	fs := flag.NewFlagSet("nami "+cmd, flag.ContinueOnError)
	// The flag package writes the usage before Parse returns: to stdout when asked for with
	// -h or --help (then the command stops there, successfully), to stderr on a wrong flag.
	var flagOut bytes.Buffer
	fs.SetOutput(&flagOut)
	fs.Usage = func() { commandUsage(fs, cmd) }
	defer func() {
		if flagOut.Len() > 0 {
			if errors.Is(err, flag.ErrHelp) {
				stdout.Write(flagOut.Bytes())
			} else {
				stderr.Write(flagOut.Bytes())
			}
		}
		if errors.Is(err, flag.ErrHelp) {
			err = nil
		}
	}()
	db := fs.String("db", envOr("NAMI_DB", "./nami.db"), "the SQLite database file")
	switch cmd {
	case "serve":
		addr := fs.String("addr", envOr("NAMI_ADDR", ":8080"), "the address to listen on")
		demo := fs.Bool("demo", false, "load the demo app when the database has no apps")
		proxy := fs.Bool("behind-proxy", os.Getenv("NAMI_BEHIND_PROXY") == "1", "trust X-Forwarded-For from a reverse proxy for client addresses")
		metricsAddr := fs.String("metrics-addr", os.Getenv("NAMI_METRICS_ADDR"), "serve Prometheus metrics at /metrics on this address (off when empty)")
		baseURL := fs.String("base-url", os.Getenv("NAMI_BASE_URL"), "the public address of the control center, for the links it hands out")
		defRate, err := envInt("NAMI_EVENTS_RATE", events.DefaultRate)
		if err != nil {
			return err
		}
		defRetention, err := envInt("NAMI_EVENTS_RETENTION_DAYS", events.DefaultRetentionDays)
		if err != nil {
			return err
		}
		rate := fs.Int("events-rate", defRate, "events per second each SDK key may send (0: no limit)")
		retention := fs.Int("events-retention-days", defRetention, "days raw events are kept")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if *rate < 0 {
			return fmt.Errorf("--events-rate: %d is negative; give events per second per key, or 0 for no limit", *rate)
		}
		if *retention < 1 {
			return fmt.Errorf("--events-retention-days: %d is too short; keep raw events at least 1 day", *retention)
		}
		base := ""
		if *baseURL != "" {
			if base, err = handlers.ParseBaseURL(*baseURL); err != nil {
				return err
			}
		}
		opts := sdkapi.Options{Events: events.Options{Rate: *rate, RetentionDays: *retention}}
		if *rate == 0 {
			opts.Events.Rate = -1 // no limit
		}
		return serve(ctx, serveConfig{db: *db, addr: *addr, demo: *demo, behindProxy: *proxy, metricsAddr: *metricsAddr, baseURL: base, sdk: opts}, stderr)
	case "user add":
		email := fs.String("email", "", "the user's email")
		name := fs.String("name", "", "the user's name")
		role := fs.String("role", "", "owner, admin, editor or viewer")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return addUser(ctx, *db, *email, *name, *role, stdin, stdout)
	case "user reset":
		email := fs.String("email", "", "the user's email")
		base := fs.String("base-url", envOr("NAMI_BASE_URL", "http://localhost:8080"), "the public address of the control center, for the link")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return resetUser(ctx, *db, *email, *base, stdout, stderr)
	case "apply":
		file := fs.String("f", "", "the catalog file (- for stdin)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return apply(ctx, *db, *file, stdin, stdout)
	case "export":
		slug := fs.String("app", "", "the app's slug")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return export(ctx, *db, *slug, stdout)
	case "publish":
		slug := fs.String("app", "", "the app's slug")
		note := fs.String("note", "", "what this release is about")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return publishApp(ctx, *db, *slug, *note, stdout, stderr)
	case "export-snapshots":
		dir := fs.String("dir", "", "the directory to write into")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return exportSnapshots(ctx, *db, *dir, stdout)
	case "backup":
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("usage: nami backup FILE")
		}
		return backup(ctx, *db, fs.Arg(0), stdout)
	default:
		return fmt.Errorf("unknown command %q; run 'nami help'", cmd)
	}
}

// envInt reads a whole number from the environment, def when the variable is unset or empty.
func envInt(key string, def int) (int, error) {
	raw := os.Getenv(key)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a whole number", key, raw)
	}
	return v, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// serveConfig is what `nami serve` was told by its flags.
type serveConfig struct {
	db, addr    string
	demo        bool
	behindProxy bool
	metricsAddr string // "" for no metrics listener
	baseURL     string // checked by handlers.ParseBaseURL; "" for none
	sdk         sdkapi.Options
}

func serve(ctx context.Context, cfg serveConfig, stderr io.Writer) error {
	dbPath, addr, demo, behindProxy, opts := cfg.db, cfg.addr, cfg.demo, cfg.behindProxy, cfg.sdk
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openWritable(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if demo {
		if err := loadDemo(ctx, st, log); err != nil {
			return err
		}
	}
	h, err := handlers.New(ctx, st, log)
	if err != nil {
		return err
	}
	bgCtx, stopBackground := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer func() { stopBackground(); background.Wait() }() // before st.Close
	background.Go(func() { deleteOrphanImages(bgCtx, st, log, time.Hour) })
	sdk, err := sdkapi.New(ctx, st, log, opts)
	if err != nil {
		return err
	}
	sdk.Start()
	h.OnPublish(sdk.Refresh)
	h.OnHealth(sdk.Health, sdk.Refusals)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if behindProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	h.Routes(e)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return errors.Join(err, sdk.Close(ctx))
	}
	srv := &http.Server{Handler: sdkapi.Combine(sdk, e), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	url := "http://" + displayAddr(ln.Addr().String())
	h.SetBaseURL(cfg.baseURL, url)
	if cfg.metricsAddr != "" {
		at, stopMetrics, err := metrics.Serve(cfg.metricsAddr, serveMetrics(st, sdk)...)
		if err != nil {
			ln.Close()
			return errors.Join(fmt.Errorf("--metrics-addr: %w", err), sdk.Close(ctx))
		}
		defer stopMetrics(context.Background())
		log.Info("metrics at http://" + displayAddr(at) + "/metrics")
	}
	if n, err := st.CountUsers(ctx); err == nil && n == 0 {
		log.Info("Nami is ready: open " + url + "/setup and create the owner account")
	} else {
		log.Info("Nami is ready: open " + url)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return errors.Join(err, sdk.Close(context.Background()))
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Stop taking requests first (the batches being answered commit meanwhile), then stop the
	// writer. A writer that cannot write fails its batches at once, so neither waits long.
	shutErr := srv.Shutdown(shutCtx)
	closeCtx, cancelClose := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelClose()
	return errors.Join(shutErr, sdk.Close(closeCtx))
}

// deleteOrphanImages deletes, every interval until ctx ends, the uploaded images that nothing
// references any more (no draft paywall, release or saved version) and that are older than
// store.OrphanImageGrace, so that an image uploaded but not yet saved survives.
func deleteOrphanImages(ctx context.Context, st *store.Store, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := st.DeleteOrphanImages(ctx, time.Now().Add(-store.OrphanImageGrace))
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("deleting unused images", "err", err)
			case n > 0:
				log.Info("deleted unused images", "count", n)
			}
		}
	}
}

// serveMetrics are the metrics read from this server on each scrape: the release each SDK key
// is served and the size of the database.
func serveMetrics(st *store.Store, sdk *sdkapi.Server) []prometheus.Collector {
	return []prometheus.Collector{
		metrics.NewLabeledGauges("nami_sdk_release", "The release number each SDK key is served (keys of apps that have published).", "key",
			func(yield func(string, float64)) {
				sdk.Releases(func(key string, release int) { yield(key, float64(release)) })
			}),
		metrics.GaugeFunc("nami_database_size_bytes", "The size of the SQLite database (pages × page size).", func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n, err := st.SizeBytes(ctx)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}),
	}
}

// openWritable opens the database for serve and checks that it can be written (the file, its
// directory and the disk), so that a server that could not store what it acknowledges does not
// start: the error says what to fix.
func openWritable(ctx context.Context, dbPath string) (*store.Store, error) {
	dir := filepath.Dir(dbPath)
	probe, err := os.CreateTemp(dir, ".nami-write-check-*")
	if err != nil {
		return nil, fmt.Errorf("the directory %s of the database %s is not writable (SQLite keeps its journal beside the file): %w", dir, dbPath, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return nil, describeWriteProblem(dbPath, err)
	}
	if err := st.CheckWritable(ctx); err != nil {
		st.Close()
		return nil, describeWriteProblem(dbPath, err)
	}
	return st, nil
}

// describeWriteProblem words a failed write on the database for the operator.
func describeWriteProblem(dbPath string, err error) error {
	kind := store.WriteProblem(err)
	switch {
	case errors.Is(kind, store.ErrReadOnly):
		return fmt.Errorf("the database %s is read-only: %w", dbPath, err)
	case errors.Is(kind, store.ErrFull):
		return fmt.Errorf("the disk of the database %s is full: %w", dbPath, err)
	}
	return fmt.Errorf("the database %s cannot be written: %w", dbPath, err)
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080" for the log.
func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "localhost:" + port
	}
	return a
}

// loadDemo applies the embedded demo catalog, through the same code as `nami apply`, and publishes it
// as release 1, when there are no apps.
func loadDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	apps, err := st.AppSummaries(ctx)
	if err != nil || len(apps) > 0 {
		return err
	}
	res, err := catalog.ApplyDemo(ctx, st, "demo")
	if err != nil {
		return err
	}
	// Publish it too, so the SDK API answers from the first start (devices only see releases).
	rel, err := publish.Publish(ctx, st, res.App, "demo", "Demo catalog")
	if err != nil {
		return fmt.Errorf("demo catalog: %w", err)
	}
	app, err := st.AppBySlug(ctx, res.App)
	if err != nil {
		return fmt.Errorf("demo catalog: %w", err)
	}
	start := time.Now()
	if err := demo.History(ctx, st, app, time.Now()); err != nil {
		return err
	}
	log.Info("loaded and published the demo app, with 30 days of generated analytics", "app", res.App, "release", rel.Release.Number,
		"history", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// commandUsage writes the command's lines of the usage text, then its flags.
func commandUsage(fs *flag.FlagSet, cmd string) {
	out := fs.Output()
	fmt.Fprintln(out, "Usage:")
	lines := strings.Split(usage, "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "  nami "+cmd+" ") {
			continue
		}
		fmt.Fprintln(out, line)
		// A command's usage may go on over indented lines ("  nami serve" does).
		for _, more := range lines[i+1:] {
			if !strings.HasPrefix(more, "      ") {
				break
			}
			fmt.Fprintln(out, more)
		}
	}
	fmt.Fprintln(out, "\nFlags:")
	fs.PrintDefaults()
}

// passwordProblem says what is wrong with the password read from stdin, in the CLI's words:
// there is no --password flag, so the web form's "Use at least 10 characters." would mislead.
func passwordProblem(pw, formMessage string) string {
	if pw == "" {
		return "no password was given: type it after the command (then Enter), or pipe it in on stdin"
	}
	if rest, ok := strings.CutPrefix(formMessage, "Use "); ok {
		return "the password must have " + strings.TrimSuffix(rest, ".")
	}
	return "the password: " + formMessage
}

func addUser(ctx context.Context, dbPath, email, name, role string, stdin io.Reader, stdout io.Writer) error {
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the password from stdin: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	if errs := handlers.CheckNewUser(email, name, pw, role); len(errs) > 0 {
		var lines []string
		for _, field := range []string{"email", "name", "role", "password"} {
			m, ok := errs[field]
			switch {
			case !ok:
			case field == "password":
				lines = append(lines, passwordProblem(pw, m))
			default:
				lines = append(lines, "--"+field+": "+m)
			}
		}
		return errors.New(strings.Join(lines, "\n"))
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	hash, err := handlers.HashPassword(pw)
	if err != nil {
		return err
	}
	u := store.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: "cli", Action: "created", Entity: "user", Ref: email, Detail: role})
	})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("--email: a user with email %s already exists", email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", email, role)
	return nil
}

// resetUser prints a one-time link with which the user sets a new password (for an owner locked
// out): it works once, for 24 hours; a member who never joined gets a new invitation link.
func resetUser(ctx context.Context, dbPath, email, baseURL string, stdout, stderr io.Writer) error {
	if email == "" {
		return errors.New("--email: give the email of the user whose password to reset")
	}
	base, err := handlers.ParseBaseURL(baseURL)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("--email: no user has the email %s", email)
	}
	if err != nil {
		return err
	}
	kind, action := store.TokenReset, "created reset link"
	if u.Invited() {
		kind, action = store.TokenInvite, "invited again"
	}
	var secret string
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if secret, err = tx.IssueToken(ctx, u.ID, kind); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: "cli", Action: action, Entity: "user", Ref: u.Email})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "One-time link for %s (%s); it works once, within 24 hours:\n", u.Email, u.Role)
	fmt.Fprintln(stdout, base+"/"+kind+"/"+secret)
	return nil
}

func apply(ctx context.Context, dbPath, file string, stdin io.Reader, stdout io.Writer) error {
	var r io.Reader
	switch file {
	case "":
		return errors.New("usage: nami apply -f catalog.json")
	case "-":
		r = stdin
	default:
		fh, err := os.Open(file)
		if err != nil {
			return err
		}
		defer fh.Close()
		r = fh
	}
	f, err := catalog.Parse(r)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := catalog.Apply(ctx, st, f, "cli")
	if err != nil {
		var probs catalog.Problems
		if errors.As(err, &probs) {
			return fmt.Errorf("%s: nothing was changed; fix these and apply again:\n%w", file, err)
		}
		return err
	}
	fmt.Fprintf(stdout, "applied %s: %d created, %d updated, %d deleted\n", res.App, res.Created, res.Updated, res.Deleted)
	return nil
}

func export(ctx context.Context, dbPath, slug string, stdout io.Writer) error {
	if slug == "" {
		return errors.New("usage: nami export --app SLUG")
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := catalog.Export(ctx, st.Reader, slug)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// publishApp publishes an app's drafts and prints the new release's number; warnings go to stderr.
// When the drafts have errors nothing is published: the warnings go to stderr and the error lists
// the errors, in the words of the Releases page.
// A server on the same database serves the release within a second.
func publishApp(ctx context.Context, dbPath, slug, note string, stdout, stderr io.Writer) error {
	if slug == "" {
		return errors.New("usage: nami publish --app SLUG [--note TEXT]")
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := publish.Publish(ctx, st, slug, "cli", note)
	var blocked *publish.Blocked
	if errors.As(err, &blocked) {
		// As on the Releases page, the warnings show with the errors that blocked the release.
		for _, w := range blocked.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintln(stdout, res.Release.Number)
	return nil
}

// exportSnapshots writes every platform's published snapshot under dir for a static host.
func exportSnapshots(ctx context.Context, dbPath, dir string, stdout io.Writer) error {
	if dir == "" {
		return errors.New("usage: nami export-snapshots --dir DIR")
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := publish.ExportSnapshots(ctx, st.Reader, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d snapshots and %d images to %s", n.Snapshots, n.Images, dir)
	if n.Removed > 0 {
		fmt.Fprintf(stdout, "; removed %d configs of keys no longer served", n.Removed)
	}
	fmt.Fprintln(stdout)
	return nil
}

func backup(ctx context.Context, dbPath, target string, stdout io.Writer) error {
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", target)
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, target); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", target)
	return nil
}
