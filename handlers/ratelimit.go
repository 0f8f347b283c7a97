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

// begin reserves a sign-in attempt, counting it as a failure until succeed says otherwise, so
// parallel guesses cannot all slip past the check while bcrypt runs. It reports false when the
// account or the address is already over its limit.
func (l *loginLimiter) begin(now time.Time, account, addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.over(now, "acct:"+account, loginMaxPerAccount) || l.over(now, "addr:"+addr, loginMaxPerAddress) {
		return false
	}
	l.count(now, account, addr)
	return true
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

func (l *loginLimiter) count(now time.Time, account, addr string) {
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

// succeed takes back the attempt begin counted: the account starts afresh, the address gets its try back.
func (l *loginLimiter) succeed(account, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, "acct:"+account)
	if f := l.seen["addr:"+addr]; f != nil && f.count > 0 {
		f.count--
	}
}
