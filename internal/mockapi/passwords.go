package mockapi

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
)

var passwordRoles = []string{"reader", "writer", "admin", "readwriter"}

type password struct {
	seq          int
	id           string
	org, db      string
	branch       string
	branchID     string
	name         string
	role         string
	cidrs        []string
	createdAt    time.Time
	expiresAt    *time.Time
	lastUsedAt   *time.Time // set by MarkUsed; nil when never used
	ttl          *int64
	username     string
	plainText    string
	replica      bool
	directVtgate bool
	// unrenewable is set by SetPasswordRenewable, for tests.
	unrenewable bool
	// mysqlHosts are the MariaDB accounts behind it, in database-backed mode.
	mysqlHosts []string
}

// Password is what tests may inspect of a stored password.
type Password struct {
	ID, Name, Role, Username, PlainText string
	Organization, Database, Branch      string
	CIDRs                               []string
	TTL                                 *int64
	Replica, DirectVtgate               bool
	ExpiresAt                           *time.Time
	// LastUsedAt is the latest use MarkUsed recorded; nil when never used.
	LastUsedAt *time.Time
}

func (p *password) snapshot() Password {
	return Password{
		ID: p.id, Name: p.name, Role: p.role, Username: p.username, PlainText: p.plainText,
		Organization: p.org, Database: p.db, Branch: p.branch,
		CIDRs: slices.Clone(p.cidrs), TTL: p.ttl, Replica: p.replica, DirectVtgate: p.directVtgate,
		ExpiresAt: p.expiresAt, LastUsedAt: p.lastUsedAt,
	}
}

// passwordJSON is the API's password object.
type passwordJSON struct {
	ID                     string         `json:"id"`
	Name                   string         `json:"name"`
	Role                   string         `json:"role"`
	CIDRs                  []string       `json:"cidrs"`
	CreatedAt              string         `json:"created_at"`
	DeletedAt              *string        `json:"deleted_at"`
	ExpiresAt              *string        `json:"expires_at"`
	LastUsedAt             *string        `json:"last_used_at"`
	Expired                bool           `json:"expired"`
	DirectVtgate           bool           `json:"direct_vtgate"`
	DirectVtgateAddresses  []string       `json:"direct_vtgate_addresses"`
	TTLSeconds             *int64         `json:"ttl_seconds"`
	AccessHostURL          string         `json:"access_host_url"`
	AccessHostRegionalURL  string         `json:"access_host_regional_url"`
	AccessHostRegionalURLs []string       `json:"access_host_regional_urls"`
	Actor                  map[string]any `json:"actor"`
	Region                 map[string]any `json:"region"`
	Username               string         `json:"username"`
	PlainText              *string        `json:"plain_text"`
	Replica                bool           `json:"replica"`
	Renewable              bool           `json:"renewable"`
	DatabaseBranch         map[string]any `json:"database_branch"`
}

var mockRegion = map[string]any{
	"id": "mock-us-east", "provider": "AWS", "enabled": true,
	"public_ip_addresses": []string{}, "display_name": "Mock (us-east-1)",
	"location": "Mock", "slug": "us-east", "current_default": true,
	"mysql_supported": true, "postgresql_supported": true,
}

var mockActor = map[string]any{"id": "mock-actor", "display_name": "Mock Service Token", "avatar_url": ""}

func (s *Server) passwordJSON(p *password, withPlainText bool) passwordJSON {
	now := s.clock()
	out := passwordJSON{
		ID:                     p.id,
		Name:                   p.name,
		Role:                   p.role,
		CIDRs:                  p.cidrs,
		CreatedAt:              timestamp(p.createdAt),
		TTLSeconds:             p.ttl,
		DirectVtgate:           p.directVtgate,
		DirectVtgateAddresses:  []string{},
		AccessHostURL:          "us-east.connect.psdb.cloud",
		AccessHostRegionalURL:  "us-east.connect.psdb.cloud",
		AccessHostRegionalURLs: []string{},
		Actor:                  mockActor,
		Region:                 mockRegion,
		Username:               p.username,
		Replica:                p.replica,
		DatabaseBranch: map[string]any{
			"name": p.branch, "id": p.branchID, "production": p.branch == "main",
			"mysql_edge_address": "us-east.connect.psdb.cloud", "private_edge_connectivity": false,
		},
	}
	if p.replica {
		out.AccessHostURL = "us-east-replica.connect.psdb.cloud"
	}
	if s.dbs != nil && s.dbs.MySQLAddr != "" {
		out.AccessHostURL, out.AccessHostRegionalURL = s.dbs.MySQLAddr, s.dbs.MySQLAddr
	}
	if p.expiresAt != nil {
		e := timestamp(*p.expiresAt)
		out.ExpiresAt = &e
		out.Expired = !now.Before(*p.expiresAt)
	}
	if p.lastUsedAt != nil {
		u := timestamp(*p.lastUsedAt)
		out.LastUsedAt = &u
	}
	out.Renewable = p.ttl != nil && !out.Expired && !p.unrenewable
	if withPlainText {
		pt := p.plainText
		out.PlainText = &pt
	}
	return out
}

func (s *Server) passwordsOn(branchID string) []*password {
	var out []*password
	for _, p := range s.passwords {
		if p.branchID == branchID {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *password) int { return a.seq - b.seq })
	return out
}

func (s *Server) listPasswords(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	var items []passwordJSON
	for _, p := range s.passwordsOn(branchID) {
		if q != "" && !strings.Contains(strings.ToLower(p.name), q) {
			continue
		}
		items = append(items, s.passwordJSON(p, false))
	}
	writePage(w, r, items)
}

func (s *Server) createPassword(w http.ResponseWriter, r *http.Request, db *database, branchID string) {
	var in struct {
		Name         *string  `json:"name"`
		Role         *string  `json:"role"`
		Replica      *bool    `json:"replica"`
		TTL          *int64   `json:"ttl"`
		CIDRs        []string `json:"cidrs"`
		DirectVtgate *bool    `json:"direct_vtgate"`
	}
	if !decodeStrict(w, r, &in) {
		return
	}
	role := "admin"
	if in.Role != nil {
		if !slices.Contains(passwordRoles, *in.Role) {
			unprocessable(w, "Role %q is not valid; use one of %s", *in.Role, strings.Join(passwordRoles, ", "))
			return
		}
		role = *in.Role
	}
	if in.TTL != nil && *in.TTL < 1 {
		unprocessable(w, "TTL must be a positive number of seconds")
		return
	}
	if !validCIDRs(w, in.CIDRs) {
		return
	}
	s.seq++
	now := s.clock()
	p := &password{
		seq:       s.seq,
		id:        randomString(12, lowerAlnum),
		org:       db.org,
		db:        db.name,
		branch:    r.PathValue("branch"),
		branchID:  branchID,
		role:      role,
		cidrs:     in.CIDRs,
		createdAt: now,
		ttl:       in.TTL,
		username:  randomString(20, lowerAlnum),
		plainText: "pscale_pw_" + randomString(43, mixedAlnum),
	}
	p.name = "pscale_pw_" + p.id
	if in.Name != nil && *in.Name != "" {
		p.name = *in.Name
	}
	if in.Replica != nil {
		p.replica = *in.Replica
	}
	if in.DirectVtgate != nil {
		p.directVtgate = *in.DirectVtgate
	}
	if p.ttl != nil {
		e := now.Add(time.Duration(*p.ttl) * time.Second)
		p.expiresAt = &e
	}
	if err := s.mysqlCreateUser(p, db.name); err != nil {
		writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
		return
	}
	s.passwords[p.id] = p
	writeJSON(w, http.StatusCreated, s.passwordJSON(p, true))
}

func (s *Server) findPassword(w http.ResponseWriter, r *http.Request, branchID string) *password {
	p, ok := s.passwords[r.PathValue("id")]
	if !ok || p.branchID != branchID {
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
		return nil
	}
	return p
}

func (s *Server) getPassword(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	if p := s.findPassword(w, r, branchID); p != nil {
		writeJSON(w, http.StatusOK, s.passwordJSON(p, false))
	}
}

func (s *Server) updatePassword(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	p := s.findPassword(w, r, branchID)
	if p == nil {
		return
	}
	var in struct {
		Name  *string   `json:"name"`
		CIDRs *[]string `json:"cidrs"`
	}
	if !decodeStrict(w, r, &in) {
		return
	}
	if in.CIDRs != nil && !validCIDRs(w, *in.CIDRs) {
		return
	}
	if in.Name != nil {
		if *in.Name == "" {
			unprocessable(w, "Name can't be blank")
			return
		}
		p.name = *in.Name
	}
	if in.CIDRs != nil {
		p.cidrs = *in.CIDRs
	}
	writeJSON(w, http.StatusOK, s.passwordJSON(p, false))
}

func (s *Server) deletePassword(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	if p := s.findPassword(w, r, branchID); p != nil {
		if err := s.mysqlDropUser(p); err != nil {
			writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
			return
		}
		delete(s.passwords, p.id)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) renewPassword(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	p := s.findPassword(w, r, branchID)
	if p == nil {
		return
	}
	if !s.passwordJSON(p, false).Renewable {
		unprocessable(w, "Password is not renewable: it has no TTL or has already expired")
		return
	}
	e := s.clock().Add(time.Duration(*p.ttl) * time.Second)
	p.expiresAt = &e
	writeJSON(w, http.StatusOK, s.passwordJSON(p, false))
}

func validCIDRs(w http.ResponseWriter, cidrs []string) bool {
	for _, c := range cidrs {
		if _, err := netip.ParsePrefix(c); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(c); err == nil {
			continue
		}
		unprocessable(w, "CIDR %q is not a valid IP address or CIDR range", c)
		return false
	}
	return true
}

// Password returns a copy of a stored password, for tests.
func (s *Server) Password(id string) (Password, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.passwords[id]
	if !ok {
		return Password{}, false
	}
	return p.snapshot(), true
}

// Passwords returns copies of every stored password, oldest first.
func (s *Server) Passwords() []Password {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Password
	for _, p := range s.sortedPasswords() {
		out = append(out, p.snapshot())
	}
	return out
}

func (s *Server) sortedPasswords() []*password {
	out := make([]*password, 0, len(s.passwords))
	for _, p := range s.passwords {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *password) int { return a.seq - b.seq })
	return out
}

// RemovePassword deletes a password behind the provider's back.
func (s *Server) RemovePassword(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.passwords[id]
	delete(s.passwords, id)
	return ok
}

// ExpirePassword makes a password expire now, behind the provider's back.
func (s *Server) ExpirePassword(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.passwords[id]
	if ok {
		e := s.clock().Add(-time.Second)
		p.expiresAt = &e
	}
	return ok
}

// MarkUsed records that a password was used to connect at at, a time on the
// mock's clock (Now, Advance), so tests can say when a credential was last
// used without waiting: every answer's last_used_at shows the latest use
// recorded. A use earlier than one already recorded leaves last_used_at as
// it was. It reports false when no such password is stored (never made, or
// deleted). Database-backed logins are not recorded: only MarkUsed is.
func (s *Server) MarkUsed(id string, at time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.passwords[id]
	if !ok {
		return false
	}
	if p.lastUsedAt == nil || at.After(*p.lastUsedAt) {
		used := at.UTC()
		p.lastUsedAt = &used
	}
	return true
}

// SetPasswordRenewable decides whether a password with a TTL may be renewed
// (the API reports some passwords as not renewable).
func (s *Server) SetPasswordRenewable(id string, renewable bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.passwords[id]
	if ok {
		p.unrenewable = !renewable
	}
	return ok
}
