// Package watch calls a function when files below some folders change:
// `wegweiser serve` rebuilds the preview, `wegweiser referrals` loads the
// directory again.
package watch

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Dirs watches the folders roots and every folder below them (also those
// made later) until ctx is done, and calls changed once the changes have
// settled for settle: a save that writes several files, or one file
// several times, calls it once. Editors' swap and backup files (".x",
// "x~") are left out.
func Dirs(ctx context.Context, roots []string, settle time.Duration, log *slog.Logger, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	add := func(root string) {
		filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err == nil && e.IsDir() {
				if err := w.Add(p); err != nil {
					log.Warn("cannot watch", "dir", p, "err", err)
				}
			}
			return nil
		})
	}
	for _, r := range roots {
		add(r)
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					add(ev.Name)
				}
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") || strings.HasSuffix(ev.Name, "~") {
				continue
			}
			timer.Reset(settle)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			log.Warn("watch", "err", err)
		case <-timer.C:
			changed()
		}
	}
}
