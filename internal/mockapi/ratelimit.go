package mockapi

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// tokenLimits holds one token bucket per credential, as the API limits each
// token (600 requests a minute by default) and answers 429 beyond that.
type tokenLimits struct {
	perMinute, burst int
	mu               sync.Mutex
	buckets          map[string]*rate.Limiter
}

// SetRateLimit makes the mock answer 429 (with Retry-After) to a token that
// sends more than perMinute requests a minute, after a burst of burst
// requests. A perMinute of 0 removes the limit.
func (s *Server) SetRateLimit(perMinute, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perMinute <= 0 {
		s.rateLimit = nil
		return
	}
	s.rateLimit = &tokenLimits{perMinute: perMinute, burst: max(burst, 1), buckets: map[string]*rate.Limiter{}}
}

// overLimit takes a token for the credential, or says how long until one
// is available.
func (s *Server) overLimit(credential string) (time.Duration, bool) {
	s.mu.Lock()
	limits := s.rateLimit
	s.mu.Unlock()
	if limits == nil {
		return 0, false
	}
	limits.mu.Lock()
	defer limits.mu.Unlock()
	b, ok := limits.buckets[credential]
	if !ok {
		b = rate.NewLimiter(rate.Limit(float64(limits.perMinute)/60), limits.burst)
		limits.buckets[credential] = b
	}
	now := time.Now()
	if b.AllowN(now, 1) {
		return 0, false
	}
	r := b.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return wait, true
}
