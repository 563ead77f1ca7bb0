package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text that Holdspace cannot keep as it was sent is refused where it
// arrives, for every route of the pages and the API at once: bytes that
// are not UTF-8 (which decoding would silently turn into U+FFFD) and the
// NUL character (which PostgreSQL cannot store in text, while SQLite
// would). Nothing behind this check sees such a request, so nothing is
// half written.
const (
	msgNotUTF8 = "This is not UTF-8 text."
	msgNUL     = "This contains a NUL character, which text cannot hold."
	// A file is most often a spreadsheet saved in another encoding.
	hintCSV = " In your spreadsheet, save the file as \"CSV UTF-8\" and send it again."
)

// textProblem says what is wrong with s as text, or "" when nothing is.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return msgNotUTF8
	case strings.IndexByte(s, 0) >= 0:
		return msgNUL
	}
	return ""
}

// fileProblem is textProblem for a file, naming the line of the first bad
// byte so that a person can find it.
func fileProblem(data []byte) string {
	bad := bytes.IndexByte(data, 0)
	msg := msgNUL
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				if bad < 0 || i < bad {
					bad, msg = i, msgNotUTF8
				}
				break
			}
			i += size
		}
	}
	if bad < 0 {
		return ""
	}
	return fmt.Sprintf("Line %d: %s%s", 1+bytes.Count(data[:bad], []byte("\n")), msg, hintCSV)
}

// checkInput finds the first field of r that is not text Holdspace can
// keep: a path parameter (named as pattern names it), a query parameter, a
// form field or uploaded file, a JSON member (named by its path, as in
// "members[1].name"), or a CSV body. It reads a form into r.Form and puts
// a JSON or CSV body back for the handler. err is an error reading the
// body (too large, most likely).
func checkInput(r *http.Request, pattern string) (fields map[string]string, err error) {
	bad := func(name, msg string) map[string]string { return map[string]string{name: msg} }
	if msg := textProblem(r.URL.Path); msg != "" {
		return bad(pathParam(pattern, r.URL.Path), msg), nil
	}
	if name, msg := firstBadValue(r.URL.Query()); msg != "" {
		return bad(name, msg), nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		if name, msg := firstBadValue(r.PostForm); msg != "" {
			return bad(name, msg), nil
		}
	case ct == "multipart/form-data":
		if err := r.ParseMultipartForm(maxImportBody); err != nil {
			return nil, err
		}
		if name, msg := firstBadValue(r.MultipartForm.Value); msg != "" {
			return bad(name, msg), nil
		}
		for _, name := range sortedKeys(r.MultipartForm.File) {
			for _, fh := range r.MultipartForm.File[name] {
				f, err := fh.Open()
				if err != nil {
					return nil, err
				}
				data, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return nil, err
				}
				if msg := fileProblem(data); msg != "" {
					return bad(name, msg), nil
				}
			}
		}
	case ct == "" || ct == "application/json" || strings.HasSuffix(ct, "+json") || strings.HasPrefix(ct, "text/"):
		// The API reads a body without a content type as JSON.
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		if !strings.HasPrefix(ct, "text/") {
			if name, msg := jsonProblem(data); msg != "" {
				return bad(name, msg), nil
			}
		} else if msg := fileProblem(data); msg != "" {
			return bad("body", msg), nil
		}
	}
	return nil, nil
}

// firstBadValue returns the first field, in name order, whose name or a
// value is not text that can be kept.
func firstBadValue(values map[string][]string) (name, msg string) {
	for _, k := range sortedKeys(values) {
		if m := textProblem(k); m != "" {
			return strconv.QuoteToASCII(k), m
		}
		for _, v := range values[k] {
			if m := textProblem(v); m != "" {
				return k, m
			}
		}
	}
	return "", ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pathParam names the wildcard of pattern (as "id" for "/circles/{id}")
// that matched the first segment of path that is not text that can be
// kept, or "path" when no wildcard did.
func pathParam(pattern, path string) string {
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = p
	}
	wild := strings.Split(strings.Trim(pattern, "/"), "/")
	for i, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if textProblem(seg) == "" {
			continue
		}
		if i < len(wild) {
			w := wild[i]
			if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
				return strings.TrimSuffix(strings.Trim(w, "{}"), "...")
			}
		}
		break
	}
	return "path"
}

// jsonProblem walks a JSON document and names the first string (a member's
// value or its key) that is not text that can be kept. encoding/json would
// turn bad bytes into U+FFFD without a word, so the raw bytes of each
// string are looked at, between the decoder's offsets. A document that is
// not JSON is left to the handler to refuse.
func jsonProblem(data []byte) (name, msg string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type level struct {
		object bool
		key    string // the member being read, in an object
		index  int    // the element being read, in an array
		keyed  bool   // in an object, the next string is a value
	}
	var stack []level
	where := func() string {
		var sb strings.Builder
		for _, l := range stack {
			if l.object {
				if sb.Len() > 0 {
					sb.WriteByte('.')
				}
				sb.WriteString(l.key)
			} else {
				fmt.Fprintf(&sb, "[%d]", l.index)
			}
		}
		if sb.Len() == 0 {
			return "body"
		}
		return sb.String()
	}
	// value is called after each complete value, to move its parent on.
	value := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].keyed = false
			} else {
				stack[n-1].index++
			}
		}
	}
	var prev int64
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", ""
			}
			// Not JSON: a raw bad byte is still named as well as it can be.
			if m := textProblem(string(data[prev:])); m != "" {
				return where(), m
			}
			return "", ""
		}
		raw := data[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, level{object: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				value()
			}
		case string:
			n := len(stack)
			isKey := n > 0 && stack[n-1].object && !stack[n-1].keyed
			if isKey {
				stack[n-1].key, stack[n-1].keyed = t, true
			}
			m := textProblem(string(raw))
			if m == "" && strings.IndexByte(t, 0) >= 0 {
				m = msgNUL
			}
			if m != "" {
				if isKey {
					stack[n-1].key = strconv.QuoteToASCII(t)
				}
				return where(), m
			}
			if !isKey {
				value()
			}
		default:
			value()
		}
	}
}

// acceptInput answers a request whose input checkInput refuses, with a 400
// that names the field, and reports whether the request may go on.
func (s *Server) acceptInput(w http.ResponseWriter, r *http.Request, pattern string) bool {
	fields, err := checkInput(r, pattern)
	if err == nil && fields == nil {
		return true
	}
	api := strings.HasPrefix(r.URL.Path, "/api/")
	status, code, message := http.StatusBadRequest, "bad_request", "Some fields are not text that can be kept; see fields."
	switch {
	case err != nil && isMaxBytes(err):
		if !api {
			s.Error(w, r, err)
			return false
		}
		status, code, message = http.StatusRequestEntityTooLarge, "payload_too_large", "The request body is too large."
	case err != nil:
		message, fields = "The request body could not be read.", map[string]string{"body": "The request body could not be read."}
	}
	if api {
		// The API's one error shape (internal/api.Error).
		body := map[string]any{"code": code, "message": message}
		if fields != nil {
			body["fields"] = fields
		}
		writeJSON(w, status, map[string]any{"error": body})
		return false
	}
	s.render(w, r, status, "error", errorPage{Page: s.page(r, "That could not be read"), Status: status,
		Heading: "That could not be read", Message: fieldList(fields)})
	return false
}
