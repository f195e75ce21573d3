package verdict

import (
	"net/netip"
	"strings"
)

// Received is what a Received field (RFC 5321 section 4.4) says about one
// hop: "from HELO (rDNS [IP]) by HOST with PROTOCOL ...". Servers write
// the TCP-info in their own ways, all read here:
//
//	Postfix:        from mail.example.nl (mail.example.nl [192.0.2.1]) by mx.example.org (Postfix)
//	Gmail:          from mail.example.nl (mail.example.nl. [192.0.2.1]) by mx.google.com with ESMTPS
//	Microsoft 365:  from mail.example.nl (192.0.2.1) by AM0PR...outlook.com (10.1.2.3) with Microsoft SMTP Server
//	Exim:           from [192.0.2.1] (helo=mail.example.nl) by mx.example.org with esmtps
type Received struct {
	HELO string     `json:"helo,omitempty"` // the name the client gave, or its address literal
	IP   netip.Addr `json:"ip,omitzero"`    // the connecting address
	By   string     `json:"by,omitempty"`   // the receiving host
	Line int        `json:"line"`
	// index is the field's position among the message's fields.
	index int
}

// ParseReceived reads the from and by clauses of a Received field's body.
// Parts it cannot find stay zero.
func ParseReceived(value string) Received {
	var r Received
	clean, comments := stripComments(value)
	if semi := strings.LastIndexByte(clean, ';'); semi >= 0 {
		clean = clean[:semi] // the date
	}
	words := strings.Fields(clean)
	fromAt, byAt := -1, -1
	for i, w := range words {
		switch strings.ToLower(w) {
		case "from":
			if fromAt < 0 && byAt < 0 {
				fromAt = i
			}
		case "by":
			if byAt < 0 {
				byAt = i
			}
		}
	}
	if byAt >= 0 && byAt+1 < len(words) {
		r.By = strings.ToLower(strings.TrimSuffix(words[byAt+1], "."))
	}
	if fromAt < 0 || fromAt+1 >= len(words) || fromAt+1 == byAt {
		return r
	}
	r.HELO = strings.TrimSuffix(words[fromAt+1], ".")
	if ip, ok := addressLiteral(r.HELO); ok {
		r.IP = ip
	}
	// The TCP-info is the comment (or comments) between from and by.
	fromEnd := len(clean)
	if byAt >= 0 {
		fromEnd = wordOffset(clean, byAt)
	}
	fromStart := wordOffset(clean, fromAt)
	for _, c := range comments {
		if c.at < fromStart || c.at > fromEnd {
			continue
		}
		if ip, ok := lastAddress(c.text); ok {
			r.IP = ip
		}
		if helo := heloInComment(c.text); helo != "" {
			r.HELO = helo // Exim names the HELO in the comment
		}
	}
	return r
}

// wordOffset is the byte offset of the n-th whitespace-separated word.
func wordOffset(s string, n int) int {
	i, word := 0, -1
	for i < len(s) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		word++
		if word == n {
			return i
		}
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
	}
	return len(s)
}

// addressLiteral reads "[192.0.2.1]", "[IPv6:2001:db8::1]" or a bare
// address.
func addressLiteral(s string) (netip.Addr, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if len(s) > 5 && strings.EqualFold(s[:5], "ipv6:") {
		s = s[5:]
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

// lastAddress finds the last address in a TCP-info comment: "[IP]" after
// the reverse name, or a bare "IP" as Microsoft writes it.
func lastAddress(text string) (netip.Addr, bool) {
	var found netip.Addr
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
		if ip, ok := addressLiteral(strings.TrimRight(w, ".")); ok {
			found = ip
		}
	}
	return found, found.IsValid()
}

// heloInComment finds Exim's "helo=NAME".
func heloInComment(text string) string {
	for _, w := range strings.Fields(text) {
		if v, ok := strings.CutPrefix(strings.ToLower(w), "helo="); ok {
			return strings.TrimSuffix(v, ".")
		}
	}
	return ""
}

// ReceivedSPF is a Received-SPF field (RFC 7208 section 9.1): the
// receiver's SPF result with the inputs it used.
type ReceivedSPF struct {
	Result       string     `json:"result"`
	ClientIP     netip.Addr `json:"client_ip,omitzero"`
	HELO         string     `json:"helo,omitempty"`
	EnvelopeFrom string     `json:"envelope_from,omitempty"`
	Line         int        `json:"line"`
	index        int
}

// ParseReceivedSPF reads "pass (comment) client-ip=...; helo=...;
// envelope-from=...". Postfix's policyd-spf writes "Pass (mailfrom)
// identity=mailfrom; client-ip=..."; Microsoft adds its words in a comment.
func ParseReceivedSPF(value string) ReceivedSPF {
	clean, _ := stripComments(value)
	var r ReceivedSPF
	if words := strings.Fields(clean); len(words) > 0 && !strings.Contains(words[0], "=") {
		r.Result = strings.ToLower(strings.TrimSuffix(words[0], ";"))
	}
	for _, kv := range pairs(strings.ReplaceAll(clean, ";", " ")) {
		v := strings.TrimSuffix(kv.value, ";")
		switch strings.ToLower(kv.key) {
		case "client-ip":
			if ip, ok := addressLiteral(v); ok {
				r.ClientIP = ip
			}
		case "helo":
			r.HELO = strings.TrimSuffix(v, ".")
		case "envelope-from":
			r.EnvelopeFrom = strings.Trim(v, "<>")
		}
	}
	return r
}

// ReturnPath reads a Return-Path field: the MAIL FROM the final server
// was given (RFC 5321 section 4.4); "" for the null sender "<>".
func ReturnPath(value string) string {
	clean, _ := stripComments(value)
	clean = strings.TrimSpace(clean)
	if i := strings.IndexByte(clean, '<'); i >= 0 {
		if j := strings.IndexByte(clean[i:], '>'); j > 0 {
			clean = clean[i+1 : i+j]
		}
	}
	return strings.TrimSpace(clean)
}
