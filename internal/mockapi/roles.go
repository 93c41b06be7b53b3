package mockapi

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// inheritableRoles are the API document's inherited_roles values, plus
// pscale_managed, which older versions of the document list.
var inheritableRoles = []string{
	"pg_checkpoint", "pg_create_subscription", "pg_maintain", "pg_monitor",
	"pg_read_all_data", "pg_read_all_settings", "pg_read_all_stats",
	"pg_signal_backend", "pg_stat_scan_tables", "pg_use_reserved_connections",
	"pg_write_all_data", "postgres", "pscale_managed",
}

// querySafetyValues are strings, although YAML 1.1 reads off/on as booleans.
var querySafetyValues = []string{"off", "warn", "on"}

// stillReferenced is the API's answer to dropping a role that owns objects.
const stillReferenced = "Role is still referenced and cannot be dropped."

type role struct {
	seq             int
	id              string
	org, db         string
	branch          string
	branchID        string
	name            string
	username        string
	password        string
	createdAt       time.Time
	updatedAt       time.Time
	expiresAt       *time.Time
	ttl             *int64
	inheritedRoles  []string
	withReplication bool
	whereOnDelete   string
	whereOnUpdate   string
	droppedAt       *time.Time
	ownsObjects     bool
	pendingGets     int
}

// Role is what tests may inspect of a stored role.
type Role struct {
	ID, Name, Username, Password   string
	Organization, Database, Branch string
	TTL                            *int64
	InheritedRoles                 []string
	WithReplication                bool
	RequireWhereOnDelete           string
	RequireWhereOnUpdate           string
	ExpiresAt                      *time.Time
	// Dropped is set by DropRole: the API still answers for the role, but
	// it no longer exists in the database.
	Dropped bool
	// OwnsObjects is set by SetRoleOwnsObjects and moved by a reassign.
	OwnsObjects bool
}

func (r *role) snapshot() Role {
	return Role{
		ID: r.id, Name: r.name, Username: r.username, Password: r.password,
		Organization: r.org, Database: r.db, Branch: r.branch, TTL: r.ttl,
		InheritedRoles: slices.Clone(r.inheritedRoles), WithReplication: r.withReplication,
		RequireWhereOnDelete: r.whereOnDelete, RequireWhereOnUpdate: r.whereOnUpdate,
		ExpiresAt: r.expiresAt, Dropped: r.droppedAt != nil, OwnsObjects: r.ownsObjects,
	}
}

type roleJSON struct {
	ID                           string `json:"id"`
	Name                         string `json:"name"`
	AccessHostURL                string `json:"access_host_url"`
	PrivateAccessHostURL         string `json:"private_access_host_url"`
	PrivateConnectionServiceName string `json:"private_connection_service_name"`
	Username                     string `json:"username"`
	BaseUsername                 string `json:"base_username"`
	// Password is a string in every answer, as the document requires it;
	// only a create's or a reset's answer holds the secret, the others ""
	// (the API returns the secret once).
	Password     string  `json:"password"`
	DatabaseName string  `json:"database_name"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
	DeletedAt    *string `json:"deleted_at"`
	ExpiresAt    *string `json:"expires_at"`
	DroppedAt    *string `json:"dropped_at"`
	DisabledAt   *string `json:"disabled_at"`
	DropFailed   string  `json:"drop_failed"`
	Ready        bool    `json:"ready"`
	Expired      bool    `json:"expired"`
	Default      bool    `json:"default"`
	// TTL is an integer in every answer, as the document requires it: 0
	// for a role that never expires.
	TTL                 int64             `json:"ttl"`
	InheritedRoles      []string          `json:"inherited_roles"`
	WithReplication     bool              `json:"with_replication"`
	Branch              map[string]any    `json:"branch"`
	Actor               map[string]any    `json:"actor"`
	QuerySafetySettings map[string]string `json:"query_safety_settings"`
}

func (s *Server) roleJSON(ro *role, withPassword bool) roleJSON {
	now := s.clock()
	out := roleJSON{
		ID:                           ro.id,
		Name:                         ro.name,
		AccessHostURL:                "us-east.pg.psdb.cloud",
		PrivateAccessHostURL:         "us-east.private.pg.psdb.cloud",
		PrivateConnectionServiceName: "",
		Username:                     ro.username + "." + ro.branchID,
		BaseUsername:                 ro.username,
		DatabaseName:                 "postgres",
		CreatedAt:                    timestamp(ro.createdAt),
		UpdatedAt:                    timestamp(ro.updatedAt),
		Ready:                        ro.pendingGets == 0,
		InheritedRoles:               ro.inheritedRoles,
		WithReplication:              ro.withReplication,
		Branch: map[string]any{
			"id": ro.branchID, "name": ro.branch, "created_at": timestamp(ro.createdAt),
			"updated_at": timestamp(ro.createdAt), "deleted_at": nil,
		},
		Actor: mockActor,
		QuerySafetySettings: map[string]string{
			"require_where_on_delete": ro.whereOnDelete,
			"require_where_on_update": ro.whereOnUpdate,
		},
	}
	if out.InheritedRoles == nil {
		out.InheritedRoles = []string{}
	}
	if ro.expiresAt != nil {
		e := timestamp(*ro.expiresAt)
		out.ExpiresAt = &e
		out.Expired = !now.Before(*ro.expiresAt)
		// The document describes ttl as the "number of seconds before the
		// credentials expire": the time left, not the TTL asked for.
		// Rounded up, so a role is never reported with 0 seconds left
		// before it has expired.
		out.TTL = int64((max(ro.expiresAt.Sub(now), 0) + time.Second - 1) / time.Second)
	}
	if s.dbs != nil && s.dbs.PostgresAddr != "" {
		out.AccessHostURL = s.dbs.PostgresAddr
	}
	if ro.droppedAt != nil {
		d := timestamp(*ro.droppedAt)
		out.DroppedAt = &d
		out.Ready = false
	}
	if withPassword {
		out.Password = ro.password
	}
	return out
}

func (s *Server) rolesOn(branchID string) []*role {
	var out []*role
	for _, ro := range s.roles {
		if ro.branchID == branchID {
			out = append(out, ro)
		}
	}
	slices.SortFunc(out, func(a, b *role) int { return a.seq - b.seq })
	return out
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	var items []roleJSON
	for _, ro := range s.rolesOn(branchID) {
		if q != "" && !strings.Contains(strings.ToLower(ro.name), q) && !strings.Contains(strings.ToLower(ro.username), q) {
			continue
		}
		items = append(items, s.roleJSON(ro, false))
	}
	writePage(w, r, items)
}

func validQuerySafety(w http.ResponseWriter, field string, v *string) bool {
	if v != nil && !slices.Contains(querySafetyValues, *v) {
		unprocessable(w, "%s must be one of off, warn, on; got %q", field, *v)
		return false
	}
	return true
}

func (s *Server) createRole(w http.ResponseWriter, r *http.Request, db *database, branchID string) {
	var in struct {
		Name                 *string  `json:"name"`
		TTL                  *int64   `json:"ttl"`
		InheritedRoles       []string `json:"inherited_roles"`
		WithReplication      *bool    `json:"with_replication"`
		RequireWhereOnDelete *string  `json:"require_where_on_delete"`
		RequireWhereOnUpdate *string  `json:"require_where_on_update"`
	}
	if !decodeStrict(w, r, &in) {
		return
	}
	if in.TTL != nil && *in.TTL < 1 {
		unprocessable(w, "TTL must be a positive number of seconds")
		return
	}
	for _, ir := range in.InheritedRoles {
		if !slices.Contains(inheritableRoles, ir) {
			unprocessable(w, "Inherited role %q is not valid", ir)
			return
		}
	}
	if !validQuerySafety(w, "require_where_on_delete", in.RequireWhereOnDelete) ||
		!validQuerySafety(w, "require_where_on_update", in.RequireWhereOnUpdate) {
		return
	}
	s.seq++
	now := s.clock()
	ro := &role{
		seq:            s.seq,
		id:             randomString(12, lowerAlnum),
		org:            db.org,
		db:             db.name,
		branch:         r.PathValue("branch"),
		branchID:       branchID,
		username:       "pscale_api_" + randomString(10, lowerAlnum),
		password:       "pscale_pw_" + randomString(43, mixedAlnum),
		createdAt:      now,
		updatedAt:      now,
		ttl:            in.TTL,
		inheritedRoles: in.InheritedRoles,
		whereOnDelete:  "off",
		whereOnUpdate:  "off",
		pendingGets:    s.rolesPendingGets,
	}
	ro.name = ro.username
	if in.Name != nil && *in.Name != "" {
		ro.name = *in.Name
	}
	if in.WithReplication != nil {
		ro.withReplication = *in.WithReplication
	}
	if in.RequireWhereOnDelete != nil {
		ro.whereOnDelete = *in.RequireWhereOnDelete
	}
	if in.RequireWhereOnUpdate != nil {
		ro.whereOnUpdate = *in.RequireWhereOnUpdate
	}
	if ro.ttl != nil {
		e := now.Add(time.Duration(*ro.ttl) * time.Second)
		ro.expiresAt = &e
	}
	if err := s.pgCreateRole(ro); err != nil {
		writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
		return
	}
	s.roles[ro.id] = ro
	writeJSON(w, http.StatusOK, s.roleJSON(ro, true))
}

func (s *Server) findRole(w http.ResponseWriter, r *http.Request, branchID string) *role {
	ro, ok := s.roles[r.PathValue("id")]
	if !ok || ro.branchID != branchID {
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
		return nil
	}
	return ro
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	ro := s.findRole(w, r, branchID)
	if ro == nil {
		return
	}
	if ro.pendingGets > 0 {
		ro.pendingGets--
	}
	writeJSON(w, http.StatusOK, s.roleJSON(ro, false))
}

func (s *Server) updateRole(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	ro := s.findRole(w, r, branchID)
	if ro == nil {
		return
	}
	var in struct {
		Name                 *string `json:"name"`
		RequireWhereOnDelete *string `json:"require_where_on_delete"`
		RequireWhereOnUpdate *string `json:"require_where_on_update"`
	}
	if !decodeStrict(w, r, &in) {
		return
	}
	if !validQuerySafety(w, "require_where_on_delete", in.RequireWhereOnDelete) ||
		!validQuerySafety(w, "require_where_on_update", in.RequireWhereOnUpdate) {
		return
	}
	if in.Name != nil {
		if *in.Name == "" {
			unprocessable(w, "Name can't be blank")
			return
		}
		ro.name = *in.Name
	}
	if in.RequireWhereOnDelete != nil {
		ro.whereOnDelete = *in.RequireWhereOnDelete
	}
	if in.RequireWhereOnUpdate != nil {
		ro.whereOnUpdate = *in.RequireWhereOnUpdate
	}
	ro.updatedAt = s.clock()
	writeJSON(w, http.StatusOK, s.roleJSON(ro, false))
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	ro := s.findRole(w, r, branchID)
	if ro == nil {
		return
	}
	var heir *role
	if successor := r.URL.Query().Get("successor"); successor != "" {
		if heir = s.findSuccessor(branchID, successor, ro.id); heir == nil {
			unprocessable(w, "Successor role %q was not found on this branch", successor)
			return
		}
	}
	owns, err := s.pgDropRole(ro, heir)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
		return
	}
	// Even with a successor, PostgreSQL can refuse to drop the role, held
	// by what the reassign did not reach (objects in another database): the
	// mock then answers as for a role that owns objects without one, and
	// keeps it, as PostgreSQL does.
	if owns {
		unprocessable(w, stillReferenced)
		return
	}
	if heir != nil && ro.ownsObjects {
		heir.ownsObjects = true // the delete's successor takes them over
	}
	delete(s.roles, ro.id)
	w.WriteHeader(http.StatusNoContent)
}

// reassignRole hands the objects a role owns to a successor on the same
// branch; the role itself stays. The API answers 204 with no body.
func (s *Server) reassignRole(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	ro := s.findRole(w, r, branchID)
	if ro == nil {
		return
	}
	var in struct {
		Successor *string `json:"successor"`
	}
	if !decodeStrict(w, r, &in) {
		return
	}
	if in.Successor == nil || *in.Successor == "" {
		unprocessable(w, "Successor can't be blank")
		return
	}
	heir := s.findSuccessor(branchID, *in.Successor, ro.id)
	if heir == nil {
		unprocessable(w, "Successor role %q was not found on this branch", *in.Successor)
		return
	}
	if err := s.pgReassignOwned(ro, heir); err != nil {
		writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
		return
	}
	heir.ownsObjects = heir.ownsObjects || ro.ownsObjects
	ro.ownsObjects = false
	w.WriteHeader(http.StatusNoContent)
}

// findSuccessor accepts a role ID, or a username with or without the branch
// ID suffix, as the document describes.
func (s *Server) findSuccessor(branchID, ref, exceptID string) *role {
	for _, ro := range s.rolesOn(branchID) {
		if ro.id == exceptID {
			continue
		}
		if ro.id == ref || ro.username == ref || ro.username+"."+ro.branchID == ref {
			return ro
		}
	}
	return nil
}

func (s *Server) renewRole(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	ro := s.findRole(w, r, branchID)
	if ro == nil {
		return
	}
	if ro.ttl == nil {
		unprocessable(w, "Role has no TTL and cannot be renewed")
		return
	}
	e := s.clock().Add(time.Duration(*ro.ttl) * time.Second)
	if err := s.pgAlterRole(ro, "VALID UNTIL "+s.validUntil(e)); err != nil {
		writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
		return
	}
	ro.expiresAt = &e
	ro.updatedAt = s.clock()
	writeJSON(w, http.StatusOK, s.roleJSON(ro, false))
}

func (s *Server) resetRole(w http.ResponseWriter, r *http.Request, _ *database, branchID string) {
	ro := s.findRole(w, r, branchID)
	if ro == nil {
		return
	}
	newPassword := "pscale_pw_" + randomString(43, mixedAlnum)
	if err := s.pgAlterRole(ro, "PASSWORD "+sqlString(newPassword)); err != nil {
		writeError(w, http.StatusInternalServerError, "internal_error", err.Error())
		return
	}
	ro.password = newPassword
	ro.updatedAt = s.clock()
	writeJSON(w, http.StatusOK, s.roleJSON(ro, true))
}

// Role returns a copy of a stored role, for tests.
func (s *Server) Role(id string) (Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ro, ok := s.roles[id]
	if !ok {
		return Role{}, false
	}
	return ro.snapshot(), true
}

// Roles returns copies of every stored role, oldest first.
func (s *Server) Roles() []Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]*role, 0, len(s.roles))
	for _, ro := range s.roles {
		all = append(all, ro)
	}
	slices.SortFunc(all, func(a, b *role) int { return a.seq - b.seq })
	out := make([]Role, 0, len(all))
	for _, ro := range all {
		out = append(out, ro.snapshot())
	}
	return out
}

func (s *Server) withRole(id string, f func(*role)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ro, ok := s.roles[id]
	if ok {
		f(ro)
	}
	return ok
}

// RemoveRole deletes a role behind the provider's back.
func (s *Server) RemoveRole(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.roles[id]
	delete(s.roles, id)
	return ok
}

// ExpireRole makes a role expire now, in its database too. It reports false
// when there is no such role or its database role could not be changed.
func (s *Server) ExpireRole(id string) bool {
	return s.ExpireIn(id, -time.Second)
}

// DropRole marks a role dropped (dropped_at set) while the API still lists it.
func (s *Server) DropRole(id string) bool {
	return s.withRole(id, func(ro *role) {
		d := s.clock()
		ro.droppedAt = &d
	})
}

// SetRoleOwnsObjects makes deleting the role without a successor answer 422.
func (s *Server) SetRoleOwnsObjects(id string, owns bool) bool {
	return s.withRole(id, func(ro *role) { ro.ownsObjects = owns })
}

// SetRolesPendingGets makes roles created from now on answer ready=false
// until they have been read n times.
func (s *Server) SetRolesPendingGets(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rolesPendingGets = n
}

// ExpireIn makes a password or role expire d from now (the mock's clock),
// as if it had been created earlier, so tests can bring a credential close
// to, or past, its expiry without waiting. A database-backed role gets the
// same expiry in Postgres. It reports false when there is no such credential
// or its database role could not be changed.
func (s *Server) ExpireIn(id string, d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.clock().Add(d)
	if p, ok := s.passwords[id]; ok {
		p.expiresAt = &e
		return true
	}
	if ro, ok := s.roles[id]; ok {
		ro.expiresAt = &e
		return s.pgSyncExpiry(ro) == nil
	}
	return false
}
