package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service/journal"
)

// keysCommand runs `holdspace keys rotate`: with the new server key in
// HOLDSPACE_SECRET_KEY and the one it replaces in
// HOLDSPACE_PREVIOUS_SECRET_KEY, it wraps every journal key and seals
// every reflection again under the new key. Instances started with the
// same two settings serve throughout, since they read under either key.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprintln(stderr, "Usage: holdspace keys rotate [flags]   (holdspace keys rotate -h lists every setting)")
		return usageError{errors.New("keys: the only command is rotate")}
	}
	cfg, err := loadConfig("keys rotate", args[1:], getenv, stdout)
	if err != nil {
		return err
	}
	if cfg.SecretKey == nil || cfg.PreviousSecretKey == nil {
		return usageError{errors.New("keys rotate: set HOLDSPACE_SECRET_KEY to the new key and HOLDSPACE_PREVIOUS_SECRET_KEY to the key it replaces")}
	}
	keys, err := seal.NewRing(cfg.SecretKey, cfg.PreviousSecretKey)
	if err != nil {
		return usageError{fmt.Errorf("keys rotate: %w", err)}
	}
	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := &journal.Service{DB: db, Keys: keys}
	done, err := svc.Rotate(ctx)
	if err != nil {
		return fmt.Errorf("keys rotate: %w (what was rotated stays rotated; run it again)", err)
	}
	fmt.Fprintf(stdout, "Rotated to key %s: %d journal keys wrapped again, %d reflections sealed again.\n"+
		"Every instance may now drop HOLDSPACE_PREVIOUS_SECRET_KEY.\n", keys.CurrentID(), done.Keys, done.Reflections)
	return nil
}
