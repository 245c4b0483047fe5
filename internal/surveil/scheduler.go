package surveil

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// lockName is the store lease that keeps detection runs from overlapping,
// across processes sharing a database.
const lockName = "surveil.detect"

// RunSummary tells what a daily run did.
type RunSummary struct {
	Day      period.Date
	Counties int
	Signals  []*Signal
	Skips    []Skip
	Elapsed  time.Duration
	Skipped  bool // another run held the lock
}

// ErrBusy is returned (KindConflict) when another run holds the lock.
var ErrBusy = weijian.E(weijian.KindConflict, weijian.T("另一次预警计算正在进行，本次未执行", "another detection run is in progress; this one did not run"))

// RunDay runs detection for every county with data on day, under the
// lock; it records the day as run. A run that finds the lock held returns
// ErrBusy and changes nothing.
func (sv *Service) RunDay(ctx context.Context, day period.Date) (RunSummary, error) {
	sum := RunSummary{Day: day}
	start := time.Now()
	if !sv.run.TryLock() {
		sum.Skipped = true
		return sum, ErrBusy
	}
	defer sv.run.Unlock()
	holder := randomHolder()
	ok, err := sv.store.AcquireLock(ctx, lockName, holder, 30*time.Minute)
	if err != nil {
		return sum, err
	}
	if !ok {
		sum.Skipped = true
		return sum, ErrBusy
	}
	defer sv.store.ReleaseLock(context.WithoutCancel(ctx), lockName, holder)
	counties, err := sv.store.SurveilCounties(ctx)
	if err != nil {
		return sum, err
	}
	for _, c := range counties {
		if n, err := sv.store.LinkPersons(ctx, c); err != nil {
			return sum, fmt.Errorf("link county %s's cards to residents: %w", c, err)
		} else if n > 0 {
			sv.log.Info("cards linked to residents", "county", c, "cards", n)
		}
		sigs, skips, err := sv.Detect(ctx, c, day, false)
		if err != nil {
			return sum, fmt.Errorf("detect county %s on %s: %w", c, day, err)
		}
		sum.Signals = append(sum.Signals, sigs...)
		sum.Skips = append(sum.Skips, skips...)
		sum.Counties++
	}
	sum.Elapsed = time.Since(start)
	return sum, sv.store.MarkRun(ctx, day, sv.now(), len(sum.Signals))
}

func randomHolder() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// nextRun returns the next daily run time after now.
func (sv *Service) nextRun(now time.Time) time.Time {
	h, m := 6, 0
	fmt.Sscanf(sv.cfg.RunAt, "%d:%d", &h, &m)
	c := now.In(China)
	t := time.Date(c.Year(), c.Month(), c.Day(), h, m, 0, 0, China)
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// dueToday reports whether today's run time has passed.
func (sv *Service) dueToday(now time.Time) bool {
	return sv.nextRun(now).In(China).YearDay() != now.In(China).YearDay()
}

// Start runs the scheduler until ctx ends: at start it catches up a day
// whose run time has passed without a run (after a restart), then runs at
// the configured time every day; it delivers queued webhooks every few
// seconds.
func (sv *Service) Start(ctx context.Context) {
	go sv.deliverLoop(ctx)
	for {
		now := sv.now()
		today := period.DateOf(now.In(China))
		if sv.dueToday(now) {
			if done, err := sv.store.RunDone(ctx, today); err != nil {
				sv.log.Error("detection: check today's run", "err", err)
			} else if !done {
				sv.runLogged(ctx, today)
			}
		}
		wait := sv.nextRun(sv.now()).Sub(sv.now())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (sv *Service) runLogged(ctx context.Context, day period.Date) {
	sum, err := sv.RunDay(ctx, day)
	if err != nil {
		sv.log.Warn("detection run", "day", day.String(), "err", err)
		return
	}
	sv.log.Info("detection run", "day", day.String(), "counties", sum.Counties, "signals", len(sum.Signals),
		"not_judged", len(sum.Skips), "elapsed", sum.Elapsed)
}

func (sv *Service) deliverLoop(ctx context.Context) {
	if sv.cfg.WebhookURL == "" || sv.http == nil {
		return
	}
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for {
		if _, err := sv.Deliver(ctx); err != nil {
			sv.log.Warn("webhook delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Deliver posts the queued webhooks and marks each sent when the receiver
// answers 2xx. A delivery that fails stays queued and is retried; each
// carries an Idempotency-Key so a receiver can drop a repeat.
func (sv *Service) Deliver(ctx context.Context) (int, error) {
	if sv.cfg.WebhookURL == "" || sv.http == nil {
		return 0, nil
	}
	out, err := sv.store.PendingWebhooks(ctx, 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, o := range out {
		perr := sv.http.Post(ctx, sv.cfg.WebhookURL, []byte(o.Payload), fmt.Sprintf("weijian-%s-%d", o.CountyCode, o.ID))
		if err := sv.store.WebhookDone(ctx, o, perr); err != nil {
			return sent, err
		}
		if perr == nil {
			sent++
		}
	}
	return sent, nil
}

// HTTPPoster posts webhooks with a client.
type HTTPPoster struct{ Client *http.Client }

// Post sends body as JSON; a status other than 2xx is an error.
func (p HTTPPoster) Post(ctx context.Context, url string, body []byte, key string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", key)
	c := p.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Backfill runs detection for one county on every day of [from, to] in
// order, reading the counts once (a year is one read, not 365) and storing
// each day's alarms as the daily run would. It holds the run lock.
func (sv *Service) Backfill(ctx context.Context, county string, from, to period.Date, progress func(done, total int)) (RunSummary, error) {
	sum := RunSummary{Day: to}
	start := time.Now()
	if !sv.run.TryLock() {
		return sum, ErrBusy
	}
	defer sv.run.Unlock()
	holder := randomHolder()
	if ok, err := sv.store.AcquireLock(ctx, lockName, holder, 2*time.Hour); err != nil || !ok {
		if err == nil {
			err = ErrBusy
		}
		return sum, err
	}
	defer sv.store.ReleaseLock(context.WithoutCancel(ctx), lockName, holder)
	areas, err := sv.Areas(ctx, county)
	if err != nil {
		return sum, err
	}
	items := sv.cat.Items(false)
	need := 0
	for _, it := range items {
		need = max(need, HistoryDays(it.Detection))
	}
	first := from.AddDays(-need)
	counts := map[SeriesKey]map[period.Date]int{}
	isDay := map[SeriesKey]bool{}
	for _, basis := range []string{BasisReport, BasisDay} {
		c, err := sv.store.Counts(ctx, county, basis, [][2]period.Date{{first, to}})
		if err != nil {
			return sum, err
		}
		for k, v := range c {
			counts[k] = v
			isDay[k] = basis == BasisDay
		}
	}
	dataStart, err := sv.store.FirstDay(ctx, county)
	if err != nil {
		return sum, err
	}
	dense := Densify(counts, isDay, first, to)
	total := to.DaysSince(from) + 1
	for d, i := from, 0; !d.After(to); d, i = d.AddDays(1), i+1 {
		job := &Job{County: county, Day: d, Areas: areas, Items: items, Dense: dense, DenseStart: first, DataStart: dataStart}
		cands, skips := job.Run()
		if len(cands) > 0 {
			sigs, err := sv.store.SaveCandidates(ctx, cands, NotifyOptions{Webhook: sv.cfg.WebhookURL != ""})
			if err != nil {
				return sum, err
			}
			sum.Signals = append(sum.Signals, sigs...)
		}
		if d == to {
			sum.Skips = skips
		}
		if progress != nil && (i+1)%30 == 0 {
			progress(i+1, total)
		}
	}
	sum.Counties, sum.Elapsed = 1, time.Since(start)
	return sum, nil
}
