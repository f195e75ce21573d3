package publish

import (
	"strings"

	"mailwizard/checks"
	"mailwizard/texts"
	"mailwizard/transports"
)

// KeyText is a key as the server's tools print it.
type KeyText struct {
	Name, Algorithm, Secret string
}

// ParseKeyText reads a key the admin pasted whole instead of its secret,
// in the forms servers print keys in:
//
//	key "mailwizard" { algorithm hmac-sha256; secret "c2VjcmV0..."; };   BIND (tsig-keygen, ddns-confgen)
//	key:\n  - id: mailwizard\n    algorithm: hmac-sha256\n    secret: c2Vj...   Knot (keymgr -t)
//	hmac-sha256:mailwizard:c2VjcmV0...   nsupdate -y and knsupdate -y
//
// ok is false for anything else, such as a bare secret. A text that is
// one of these forms but lacks a name or a secret is an error saying
// what is missing; the algorithm may be left out (then it is "").
func ParseKeyText(s string) (k KeyText, ok bool, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return KeyText{}, false, nil
	case strings.HasPrefix(s, "key:") || strings.Contains(s, "\nkey:"):
		k, err = parseKnot(s)
	case isWord(s, "key") || strings.Contains(s, "{"):
		k, err = parseBIND(s)
	case strings.Count(s, ":") >= 1 && !strings.ContainsAny(s, " \t\r\n"):
		k, err = parseDashY(s)
	default:
		return KeyText{}, false, nil
	}
	if err != nil {
		return KeyText{}, false, err
	}
	k.Algorithm = strings.ToLower(strings.TrimSuffix(k.Algorithm, "."))
	switch {
	case k.Name == "":
		err = keyTextMissing("name")
	case k.Secret == "":
		err = keyTextMissing("secret")
	}
	return k, err == nil, err
}

func keyTextMissing(what string) error {
	return texts.Err(transports.ErrSyntax, checks.T("publish.keytext.missing", "looks like a key, but its %s is missing: paste the whole key as the server printed it, or only the secret", what))
}

func isWord(s, word string) bool {
	return strings.HasPrefix(s, word) && (len(s) == len(word) || strings.ContainsRune(" \t\r\n\"{", rune(s[len(word)])))
}

// parseBIND reads a named.conf key statement (ARM "key Block Grammar").
func parseBIND(s string) (KeyText, error) {
	toks, err := confTokens(s)
	if err != nil {
		return KeyText{}, err
	}
	bad := func() (KeyText, error) {
		return KeyText{}, texts.Err(transports.ErrSyntax, checks.T("publish.keytext.bind",
			`is not a key statement as named.conf writes one: key "NAME" { algorithm hmac-sha256; secret "..."; };`))
	}
	var k KeyText
	keys := 0
	for i := 0; i < len(toks); i++ {
		if toks[i] != "key" {
			continue
		}
		keys++
		if keys > 1 {
			return KeyText{}, texts.Err(transports.ErrSyntax, checks.T("publish.keytext.several", "holds more than one key: paste only the one for mailwizard"))
		}
		if i+2 >= len(toks) || toks[i+2] != "{" {
			return bad()
		}
		k.Name = unquote(toks[i+1])
		i += 3
		for ; i < len(toks) && toks[i] != "}"; i++ {
			if i+2 >= len(toks) || toks[i+2] != ";" {
				return bad()
			}
			switch toks[i] {
			case "algorithm":
				k.Algorithm = unquote(toks[i+1])
			case "secret":
				k.Secret = unquote(toks[i+1])
			}
			i += 2
		}
		if i >= len(toks) {
			return bad()
		}
	}
	if keys == 0 {
		return bad()
	}
	return k, nil
}

// confTokens splits named.conf text into words, quoted strings (kept with
// their quotes) and the punctuation { } ;, without comments (#, //, /* */).
func confTokens(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '#' || strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, texts.Err(transports.ErrSyntax, checks.T("publish.keytext.comment", "has a /* comment that does not end"))
			}
			i += end + 4
		case c == '{' || c == '}' || c == ';':
			toks = append(toks, string(c))
			i++
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, texts.Err(transports.ErrSyntax, checks.T("publish.keytext.quote", "has a quote that does not end"))
			}
			toks = append(toks, s[i:i+end+2])
			i += end + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n{};\"#", rune(s[j])) && !strings.HasPrefix(s[j:], "//") && !strings.HasPrefix(s[j:], "/*") {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func unquote(tok string) string {
	if len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"' {
		return tok[1 : len(tok)-1]
	}
	return tok
}

// parseKnot reads the key section of knot.conf (YAML) as keymgr -t
// prints it; only the first key is taken if it is the only one.
func parseKnot(s string) (KeyText, error) {
	var k KeyText
	ids := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		field, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		switch strings.TrimSpace(field) {
		case "id":
			ids++
			k.Name = value
		case "algorithm":
			k.Algorithm = value
		case "secret":
			k.Secret = value
		}
	}
	if ids > 1 {
		return KeyText{}, texts.Err(transports.ErrSyntax, checks.T("publish.keytext.several", "holds more than one key: paste only the one for mailwizard"))
	}
	return k, nil
}

// parseDashY reads nsupdate's -y form, [algorithm:]name:secret. Without
// an algorithm (nsupdate's default is hmac-md5, which is refused) the
// one the admin gives, or DefaultAlgorithm, is taken.
func parseDashY(s string) (KeyText, error) {
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 2:
		return KeyText{Name: parts[0], Secret: parts[1]}, nil
	case 3:
		return KeyText{Algorithm: parts[0], Name: parts[1], Secret: parts[2]}, nil
	}
	return KeyText{}, texts.Err(transports.ErrSyntax, checks.T("publish.keytext.dashy", "is not algorithm:name:secret"))
}
