package surveil

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Config tunes the service.
type Config struct {
	RunAt      string // daily detection time, "HH:MM" China time; default "06:00"
	WebhookURL string // optional: new signals are POSTed here as JSON
	// RecentDays bounds the single-case check on a new card: a card
	// reported more than this many days ago (a history import) is counted
	// but raises no new fixed-threshold signal. Default 7.
	RecentDays int
}

// Service is surveillance over a store: cards in, signals out.
type Service struct {
	store Store
	cat   *Catalogue
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	run   sync.Mutex // one detection run at a time in this process
	areas sync.Map   // county code → []Area
	http  Poster
}

// Poster sends a webhook (an *http.Client in production).
type Poster interface {
	Post(ctx context.Context, url string, body []byte, key string) error
}

// New returns the service; the catalogue must be loaded.
func New(st Store, cat *Catalogue, cfg Config, log *slog.Logger, now func() time.Time, post Poster) *Service {
	if cfg.RunAt == "" {
		cfg.RunAt = "06:00"
	}
	if cfg.RecentDays == 0 {
		cfg.RecentDays = 7
	}
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, cat: cat, cfg: cfg, log: log, now: now, http: post}
}

// Catalogue returns the disease catalogue.
func (sv *Service) Catalogue() *Catalogue { return sv.cat }

// Store returns the store (for reads the web layer makes directly).
func (sv *Service) Store() Store { return sv.store }

// ItemName names a disease or syndromic source.
func (sv *Service) ItemName(code string) weijian.Text {
	if d := sv.cat.Disease(code); d != nil {
		return weijian.T(d.Name, d.EN)
	}
	if s := sv.cat.Source(code); s != nil {
		return weijian.T(s.Name, s.EN)
	}
	return weijian.T(code, code)
}

// resolver looks up the units of cards, caching by code.
type resolver struct {
	sv   *Service
	sc   weijian.Scope // the caller's scope, for the facility
	addr map[string]*place
	fac  map[string]*weijian.OrgUnit
	kids map[int64][]*weijian.OrgUnit
}

type place struct {
	unit         *weijian.OrgUnit
	town, county *weijian.OrgUnit
}

func (sv *Service) resolver(sc weijian.Scope) *resolver {
	return &resolver{sv: sv, sc: sc, addr: map[string]*place{}, fac: map[string]*weijian.OrgUnit{}, kids: map[int64][]*weijian.OrgUnit{}}
}

// resolve fills the card's unit fields from its address and facility
// codes. Unknown codes leave them empty for Validate to report.
func (rs *resolver) resolve(ctx context.Context, r *CaseReport) error {
	p, err := rs.place(ctx, r.AddressCode, r.AddressDetail)
	if err != nil {
		return err
	}
	if p != nil {
		r.AddressCode, r.AddressUnitID, r.AddressPath, r.AddressLevel = p.unit.Code, p.unit.ID, p.unit.Path, p.unit.Level
		r.CountyID, r.CountyCode = p.county.ID, p.county.Code[:6]
		if p.town != nil {
			r.TownID = p.town.ID
		}
	}
	if r.FacilityCode != "" {
		f, ok := rs.fac[r.FacilityCode]
		if !ok {
			f, err = rs.sv.store.OrgUnit(ctx, rs.sc, r.FacilityCode)
			if err != nil && weijian.ErrorKind(err) != weijian.KindNotFound {
				return err
			}
			if f != nil && (!f.IsFacility() || !rs.sc.Covers(f.Path)) {
				f = nil
			}
			rs.fac[r.FacilityCode] = f
		}
		if f != nil {
			r.FacilityID, r.FacilityPath = f.ID, f.Path
		}
	}
	return nil
}

// place resolves an address code of 6, 8, 9 or 12 digits (DOMAIN.md §3.5)
// to the finest unit it and the detailed address allow.
func (rs *resolver) place(ctx context.Context, code, detail string) (*place, error) {
	key := code + "|" + detail
	if p, ok := rs.addr[key]; ok {
		return p, nil
	}
	var cands []string
	switch len(code) {
	case 12:
		cands = []string{code}
	case 9:
		cands = []string{code + "000", code[:6] + "000000"}
	case 8:
		cands = []string{code[:6] + "0" + code[6:] + "000", code + "0000", code[:6] + "000000"}
	case 6:
		cands = []string{code + "000000"}
	}
	var u *weijian.OrgUnit
	for _, c := range cands {
		got, err := rs.sv.store.OrgUnit(ctx, weijian.ScopeAll(), c)
		if err == nil && !got.IsFacility() {
			u = got
			break
		}
		if err != nil && weijian.ErrorKind(err) != weijian.KindNotFound {
			return nil, err
		}
	}
	if u == nil {
		rs.addr[key] = nil
		return nil, nil
	}
	if u.Level != weijian.LevelVillage && detail != "" {
		v, err := rs.village(ctx, u, detail)
		if err != nil {
			return nil, err
		}
		if v != nil {
			u = v
		}
	}
	anc, err := rs.sv.store.Ancestors(ctx, weijian.ScopeAll(), u.Code)
	if err != nil {
		return nil, err
	}
	p := &place{unit: u}
	for _, a := range append(anc, u) {
		switch a.Level {
		case weijian.LevelCounty:
			p.county = a
		case weijian.LevelTown:
			p.town = a
		}
	}
	if p.county == nil {
		p = nil
	}
	rs.addr[key] = p
	return p, nil
}

// village finds the village (or, under a county, the township and then the
// village) whose name the detailed address contains: the longest match.
func (rs *resolver) village(ctx context.Context, u *weijian.OrgUnit, detail string) (*weijian.OrgUnit, error) {
	for range 2 {
		kids, ok := rs.kids[u.ID]
		if !ok {
			var err error
			if kids, err = rs.sv.store.Children(ctx, weijian.ScopeAll(), u.Code); err != nil {
				return nil, err
			}
			rs.kids[u.ID] = kids
		}
		var best *weijian.OrgUnit
		for _, k := range kids {
			if !k.IsFacility() && strings.Contains(detail, k.Name) && (best == nil || len(k.Name) > len(best.Name)) {
				best = k
			}
		}
		if best == nil {
			return u, nil
		}
		u = best
		if u.Level == weijian.LevelVillage {
			break
		}
	}
	return u, nil
}

// Submit validates and stores one card entered by a user (the form or
// the API), then runs the single-case check for its disease. The address
// must name a village.
func (sv *Service) Submit(ctx context.Context, sc weijian.Scope, r *CaseReport, actor string) (*CaseReport, []*Signal, error) {
	r.CardID, r.Status = "", StatusActive
	if r.ReportedAt.IsZero() {
		r.ReportedAt = sv.now()
	}
	if err := sv.check(ctx, sc, []*CaseReport{r}, true); err != nil {
		return nil, nil, err
	}
	if _, err := sv.store.SaveReports(ctx, []*CaseReport{r}, SaveOptions{Catalogue: sv.cat, Actor: actor}); err != nil {
		return nil, nil, err
	}
	sigs, err := sv.afterWrite(ctx, []*CaseReport{r})
	return r, sigs, err
}

// check resolves and validates cards; all problems come back in one error.
func (sv *Service) check(ctx context.Context, sc weijian.Scope, cards []*CaseReport, form bool) error {
	rs := sv.resolver(sc)
	var issues []weijian.Issue
	now := sv.now()
	for i, r := range cards {
		if err := rs.resolve(ctx, r); err != nil {
			return err
		}
		row := 0
		if !form {
			row = r.line(i)
		}
		issues = append(issues, Validate(sv.cat, r, CheckOptions{Row: row, RequireVillage: form, Now: now})...)
	}
	if len(issues) > 0 {
		return weijian.Invalid(weijian.T(fmt.Sprintf("报告卡有 %d 处错误，未保存", len(issues)),
			fmt.Sprintf("the report has %d problems; nothing was stored", len(issues))), issues...)
	}
	return nil
}

// afterWrite runs the single-case (fixed-threshold) check for the recent
// cards' diseases, at once: a cholera card raises its signal within the
// request.
func (sv *Service) afterWrite(ctx context.Context, cards []*CaseReport) ([]*Signal, error) {
	type key struct {
		county string
		day    period.Date
	}
	todo := map[key]bool{}
	today := period.DateOf(sv.now().In(China))
	for _, r := range cards {
		d := sv.cat.Disease(r.Disease)
		day := period.DateOf(r.ReportedAt.In(China))
		if d == nil || !d.Detection.Fixed() || r.Status != StatusActive || today.DaysSince(day) > sv.cfg.RecentDays {
			continue
		}
		todo[key{r.CountyCode, day}] = true
	}
	var out []*Signal
	for k := range todo {
		sigs, _, err := sv.Detect(ctx, k.county, k.day, true)
		if err != nil {
			return out, err
		}
		out = append(out, sigs...)
	}
	return out, nil
}

// Correct validates and stores a correction (订正) of a card.
func (sv *Service) Correct(ctx context.Context, sc weijian.Scope, r *CaseReport, actor, reason string) ([]*Signal, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, weijian.Invalid(weijian.T("请填写订正原因", "give the reason for the correction"),
			weijian.Issue{Field: "reason", Rule: "required", Msg: weijian.T("订正原因必填", "the reason is required")})
	}
	if err := sv.check(ctx, sc, []*CaseReport{r}, true); err != nil {
		return nil, err
	}
	if err := sv.store.CorrectReport(ctx, sc, r, actor, reason); err != nil {
		return nil, err
	}
	return sv.afterWrite(ctx, []*CaseReport{r})
}

// Areas returns the county unit and its townships, cached.
func (sv *Service) Areas(ctx context.Context, county string) ([]Area, error) {
	if v, ok := sv.areas.Load(county); ok {
		return v.([]Area), nil
	}
	u, err := sv.store.OrgUnit(ctx, weijian.ScopeAll(), county+"000000")
	if err != nil {
		return nil, err
	}
	kids, err := sv.store.Children(ctx, weijian.ScopeAll(), u.Code)
	if err != nil {
		return nil, err
	}
	out := []Area{{u.ID, u.Code, u.Name, u.Path}}
	for _, k := range kids {
		if k.Level == weijian.LevelTown {
			out = append(out, Area{k.ID, k.Code, k.Name, k.Path})
		}
	}
	sv.areas.Store(county, out)
	return out, nil
}

// Detect judges one county's series on day and stores the alarms as
// signals (merged with overlapping ones). fixedOnly runs the single-case
// diseases only. It returns the new signals and the series it could not
// judge.
func (sv *Service) Detect(ctx context.Context, county string, day period.Date, fixedOnly bool) ([]*Signal, []Skip, error) {
	job, err := sv.Job(ctx, county, day, fixedOnly)
	if err != nil {
		return nil, nil, err
	}
	cands, skips := job.Run()
	if len(cands) == 0 {
		return nil, skips, nil
	}
	sigs, err := sv.store.SaveCandidates(ctx, cands, NotifyOptions{Webhook: sv.cfg.WebhookURL != ""})
	return sigs, skips, err
}

// Job reads what a detection of county on day needs.
func (sv *Service) Job(ctx context.Context, county string, day period.Date, fixedOnly bool) (*Job, error) {
	areas, err := sv.Areas(ctx, county)
	if err != nil {
		return nil, err
	}
	items := sv.cat.Items(fixedOnly)
	ranges := map[string][][2]period.Date{}
	for _, it := range items {
		ranges[it.Basis] = append(ranges[it.Basis], HistoryRanges(it.Detection, day)...)
	}
	job := &Job{County: county, Day: day, Areas: areas, Items: items, Counts: map[SeriesKey]map[period.Date]int{}}
	for basis, rs := range ranges {
		c, err := sv.store.Counts(ctx, county, basis, mergeRanges(rs))
		if err != nil {
			return nil, err
		}
		for k, v := range c {
			job.Counts[k] = v
		}
	}
	if first, err := sv.store.FirstDay(ctx, county); err != nil {
		return nil, err
	} else {
		job.DataStart = first
	}
	if fixedOnly {
		job.DataStart = day
	}
	return job, nil
}
