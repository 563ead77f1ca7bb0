package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
)

func writeInput(t *testing.T, dir string, in *matching.Input) string {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "participants.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readOutput(t *testing.T, data []byte) *matching.Output {
	t.Helper()
	var out matching.Output
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, data)
	}
	return &out
}

func TestMatchCommandFiles(t *testing.T) {
	dir := t.TempDir()
	in := matchgen.Realistic(matchgen.Config{People: 80, Seed: 3})
	inPath := writeInput(t, dir, in)
	outPath := filepath.Join(dir, "result.json")
	var stdout, stderr bytes.Buffer
	err := matchCommand(context.Background(), []string{"--in", inPath, "--out", outPath, "--seed", "7"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("match: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	out := readOutput(t, data)
	if out.Placed+len(out.Unmatched) != len(in.Participants) || len(out.Groups) == 0 {
		t.Errorf("placed %d + unmatched %d, want %d people in some groups", out.Placed, len(out.Unmatched), len(in.Participants))
	}
	if !strings.Contains(stderr.String(), "placed") {
		t.Errorf("stderr = %q, want a summary", stderr.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d files, want the input and the result", len(entries))
	}

	// Same seed, same file (but for the elapsed time) — unless the clock
	// stopped the planned work, as it may under the race detector, which
	// the command says.
	outPath2 := filepath.Join(dir, "again.json")
	if err := matchCommand(context.Background(), []string{"--in", inPath, "--out", outPath2, "--seed", "7"}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "time budget ran out") {
		t.Log("the time budget stopped the work; determinism is not promised then")
		return
	}
	data2, _ := os.ReadFile(outPath2)
	out2 := readOutput(t, data2)
	out.ElapsedMS, out2.ElapsedMS = 0, 0
	a, _ := json.Marshal(out)
	b, _ := json.Marshal(out2)
	if !bytes.Equal(a, b) {
		t.Error("same input and seed gave different outputs")
	}
}

func TestMatchCommandStdio(t *testing.T) {
	in := matchgen.Realistic(matchgen.Config{People: 30, Seed: 4, Format: matching.FormatPair})
	data, _ := json.Marshal(in)
	var stdout, stderr bytes.Buffer
	if err := matchCommand(context.Background(), []string{"--in", "-", "--out", "-"}, bytes.NewReader(data), &stdout, &stderr); err != nil {
		t.Fatalf("match: %v\n%s", err, stderr.String())
	}
	out := readOutput(t, stdout.Bytes())
	for _, g := range out.Groups {
		if len(g.Members) != 2 {
			t.Fatalf("pair format, group of %d", len(g.Members))
		}
	}
}

func TestMatchCommandInvalidInput(t *testing.T) {
	dir := t.TempDir()
	in := matchgen.Realistic(matchgen.Config{People: 20, Seed: 5})
	in.Participants[17].Availability = []matching.Interval{{900, 600}}
	inPath := writeInput(t, dir, in)
	outPath := filepath.Join(dir, "result.json")
	if err := os.WriteFile(outPath, []byte("previous result"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := matchCommand(context.Background(), []string{"--in", inPath, "--out", outPath}, nil, &stdout, &stderr)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usageError (exit status 2)", err)
	}
	want := `participants[17] ("` + in.Participants[17].ID + `"): availability interval [900, 600] ends before it starts`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to contain %q", err, want)
	}
	if data, _ := os.ReadFile(outPath); string(data) != "previous result" {
		t.Errorf("output file changed to %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d files, want no new ones", len(entries))
	}
}

func TestMatchCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--in", "x.json"},
		{"--in", "x.json", "--out", "y.json", "extra"},
		{"--in", "x.json", "--out", "y.json", "--seconds", "-1"},
		{"--in", "x.json", "--out", "y.json", "--bogus"},
		{"--in", filepath.Join(t.TempDir(), "missing.json"), "--out", "-"},
		{"--in", "-", "--out", "-"}, // not JSON
	} {
		var stdout, stderr bytes.Buffer
		err := matchCommand(context.Background(), args, strings.NewReader("not json"), &stdout, &stderr)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("match %q: err = %v, want a usageError", args, err)
		}
		if stdout.Len() != 0 {
			t.Errorf("match %q wrote %q", args, stdout.String())
		}
	}
}

func TestBenchCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	err := benchCommand(context.Background(), []string{"match", "--sizes", "60,40:pair", "--reference", "--reference-seconds", "0.2", "--write-instance", dir}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	table := stdout.String()
	for _, want := range []string{"| size | format | seconds | peak memory | placed | score | upper bound | ratio |", "| 60 | group 4–6 |", "| 40 | pair |", "random feasible grouping", "optimum (certificate checked)", "reference: 60 people", "| engine ÷ yardstick |", "\n| 1 | ", "\n| 2 | "} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "participants-60-group.json")); err != nil {
		t.Error(err)
	}
	var ue usageError
	if err := benchCommand(context.Background(), []string{"match", "--sizes", "x"}, &stdout, &stderr); !errors.As(err, &ue) {
		t.Errorf("bad sizes: err = %v, want a usageError", err)
	}
	if err := benchCommand(context.Background(), []string{"other"}, &stdout, &stderr); !errors.As(err, &ue) {
		t.Errorf("unknown benchmark: err = %v, want a usageError", err)
	}
}
