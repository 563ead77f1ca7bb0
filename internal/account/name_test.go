package account

import "testing"

func TestFirstName(t *testing.T) {
	tests := map[string]string{
		"Priya Raman":       "Priya",
		"  Ana   de Souza ": "Ana",
		"Björk":             "Björk",
		"":                  "",
		"   ":               "",
		"Mary-Jane Watson":  "Mary-Jane",
		"李小龍":               "李小龍",
	}
	for in, want := range tests {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPossessive(t *testing.T) {
	tests := map[string]string{
		"Acme Robotics":  "Acme Robotics’",
		"Northwind":      "Northwind’s",
		"James":          "James’",
		"ACME WIDGETS":   "ACME WIDGETS’",
		"Priya":          "Priya’s",
		" Globex Corp ":  "Globex Corp’s",
		"":               "",
		"Zoë":            "Zoë’s",
		"Lucas-Ferreira": "Lucas-Ferreira’s",
	}
	for in, want := range tests {
		if got := Possessive(in); got != want {
			t.Errorf("Possessive(%q) = %q, want %q", in, got, want)
		}
	}
}
