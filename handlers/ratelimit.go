package handlers

import (
	"sync"
	"time"
)

// Login throttling: after too many failures for one account or from one address within the window,
// further attempts are refused (429) until the window has passed since the last failure.
const (
	loginWindow         = 15 * time.Minute
	loginMaxPerAccount  = 5
	loginMaxPerAddress  = 20
	loginLimiterMaxKeys = 100000
)

type failures struct {
	count int
	last  time.Time
}

// loginLimiter counts recent failed sign-ins per account and per client address, in memory.
type loginLimiter struct {
	mu   sync.Mutex
	seen map[string]*failures
}

func newLoginLimiter() *loginLimiter { return &loginLimiter{seen: map[string]*failures{}} }

func (l *loginLimiter) blocked(now time.Time, account, addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.over(now, "acct:"+account, loginMaxPerAccount) || l.over(now, "addr:"+addr, loginMaxPerAddress)
}

func (l *loginLimiter) over(now time.Time, key string, max int) bool {
	f := l.seen[key]
	if f == nil {
		return false
	}
	if now.Sub(f.last) > loginWindow {
		delete(l.seen, key)
		return false
	}
	return f.count >= max
}

func (l *loginLimiter) fail(now time.Time, account, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > loginLimiterMaxKeys {
		for k, f := range l.seen {
			if now.Sub(f.last) > loginWindow {
				delete(l.seen, k)
			}
		}
	}
	for _, key := range []string{"acct:" + account, "addr:" + addr} {
		f := l.seen[key]
		if f == nil || now.Sub(f.last) > loginWindow {
			f = &failures{}
			l.seen[key] = f
		}
		f.count++
		f.last = now
	}
}

func (l *loginLimiter) succeed(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, "acct:"+account)
}
