package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/account"
	journaldomain "github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// keys rotate, run on a database whose journal was written under the old
// key, leaves it readable under the new key alone.
func TestKeysRotate(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "keys.db")
	oldKey, newKey := bytes.Repeat([]byte{3}, seal.KeySize), bytes.Repeat([]byte{4}, seal.KeySize)
	db := storetest.Open(t, dbURL)
	ana := &account.User{Name: "Ana", Email: "ana@example.test", Timezone: "UTC"}
	if _, err := db.CreateOrg(ctx, "Org", ana); err != nil {
		t.Fatal(err)
	}
	ring := func(cur, prev []byte) *seal.Ring {
		r, err := seal.NewRing(cur, prev)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	before := &journal.Service{DB: db, Keys: ring(oldKey, nil)}
	if _, err := before.Write(ctx, ana, "free", "Written before the rotation."); err != nil {
		t.Fatal(err)
	}
	// A self-assessment is sealed under the same data key: the rotation
	// rewraps nothing more for it.
	rated := []journaldomain.Rating{{Capability: "listening", Pick: journaldomain.Strength, Score: 4}}
	if _, err := before.Assess(ctx, ana, rated, "Assessed before the rotation."); err != nil {
		t.Fatal(err)
	}

	env := map[string]string{"HOLDSPACE_DATABASE_URL": dbURL, "HOLDSPACE_SECRET_KEY": base64.StdEncoding.EncodeToString(newKey)}
	getenv := func(k string) string { return env[k] }
	if err := run(ctx, []string{"keys", "rotate"}, getenv, nil, io.Discard, io.Discard); err == nil {
		t.Error("a rotation without the previous key ran")
	}
	env["HOLDSPACE_PREVIOUS_SECRET_KEY"] = base64.StdEncoding.EncodeToString(oldKey)
	var out bytes.Buffer
	if err := run(ctx, []string{"keys", "rotate"}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 journal keys wrapped again") {
		t.Errorf("output: %s", out.String())
	}
	items, err := (&journal.Service{DB: db, Keys: ring(newKey, nil)}).Timeline(ctx, ana, "")
	if err != nil || len(items) != 1 || items[0].Entry.Body != "Written before the rotation." {
		t.Errorf("after the rotation, under the new key: %v, %v", items, err)
	}
	assessed, err := (&journal.Service{DB: db, Keys: ring(newKey, nil)}).Assessments(ctx, ana)
	if err != nil || len(assessed) != 1 || assessed[0].Note != "Assessed before the rotation." || assessed[0].Ratings[0].Score != 4 {
		t.Errorf("the self-assessment after the rotation, under the new key: %+v, %v", assessed, err)
	}
	if k, err := db.FindJournalKey(ctx, ana.OrgID, ana.ID); err != nil || k.KeyID != seal.KeyID(newKey) {
		t.Errorf("the key is wrapped under %v, %v", k, err)
	}
}
