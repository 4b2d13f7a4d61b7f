package referral

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Serve serves h (the API and the web interface) on ln until ctx is done,
// then stops accepting requests and lets those in flight finish (up to
// 10 s). It runs the retention job at start and every hour. A request's
// headers must arrive within 5 s and the whole request within the
// configured read_timeout (15 s; a slower body gets 408).
func Serve(ctx context.Context, ln net.Listener, svc *Service, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(5*time.Second, svc.Config.ReadTimeout),
		ReadTimeout:       svc.Config.ReadTimeout,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(svc.Log.Handler(), slog.LevelWarn),
	}
	retain := func() {
		n, err := svc.Retain(ctx)
		if err != nil {
			svc.Log.Error("retention", "err", err)
		} else if n > 0 {
			svc.Log.Info("retention: personal data deleted", "referrals", n, "older_than_days", svc.Config.RetentionDays)
		}
	}
	go func() {
		retain()
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				retain()
			}
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
