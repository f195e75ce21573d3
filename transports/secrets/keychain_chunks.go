package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"mailwizard/transports"
)

// chunkSize is below every platform's limit for one entry: Windows refuses
// more than 2560 bytes, macOS about 3000. An RSA-4096 key in PEM (3272
// bytes) is stored in two parts. The same size on every platform keeps the
// code path the Linux tests exercise the one Windows users run.
const chunkSize = 2000

// maxParts bounds a header's part count and the probing for stray parts.
const maxParts = 1000

// chunkPrefix starts the main entry of a secret stored in parts. A secret
// that itself starts with it is stored in parts too, so it is never taken
// for a header.
//
//	v1: "mailwizard-chunked:v1:<parts>:<sha256>", parts "<ref>#<i>"
//	v2: "mailwizard-chunked:v2:<gen>:<parts>:<sha256>", parts "<ref>#<gen>.<i>"
//
// v1 overwrote the parts a header named, so a write that failed half way
// lost both secrets. v2 writes a new secret's parts under the other
// generation ("a" or "b") and only then switches the header, one entry and
// so atomic; v1 is still read, and its parts are swept on the next write.
const chunkPrefix = "mailwizard-chunked:"

// generations of v2 parts. Two are enough: the parts being written never
// share names with the parts the header names, and every name a part can
// have is known, so a sweep finds strays with no listing of the keychain.
// "" is the v1 namespace.
var generations = []string{"", "a", "b"}

// header is what the main entry says: n == 0 for a secret kept whole in it.
type header struct {
	gen string // "" for v1 parts
	n   int
	sum string // hex sha256 of the whole secret
}

func partName(ref transports.SecretRef, gen string, i int) string {
	if gen == "" {
		return fmt.Sprintf("%s#%d", ref, i)
	}
	return fmt.Sprintf("%s#%s.%d", ref, gen, i)
}

func (h header) String() string {
	return fmt.Sprintf("%sv2:%s:%d:%s", chunkPrefix, h.gen, h.n, h.sum)
}

// parseHeader reads a main entry; one without chunkPrefix is a whole
// secret (header{}).
func parseHeader(v string) (header, error) {
	rest, ok := strings.CutPrefix(v, chunkPrefix)
	if !ok {
		return header{}, nil
	}
	fields := strings.Split(rest, ":")
	var h header
	switch {
	case len(fields) == 3 && fields[0] == "v1":
		fields = fields[1:]
	case len(fields) == 4 && fields[0] == "v2" && (fields[1] == "a" || fields[1] == "b"):
		h.gen, fields = fields[1], fields[2:]
	default:
		return header{}, errors.New("unknown header format")
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 1 || n > maxParts {
		return header{}, errors.New("bad part count")
	}
	if sum, err := hex.DecodeString(fields[1]); err != nil || len(sum) != sha256.Size {
		return header{}, errors.New("bad checksum")
	}
	h.n, h.sum = n, fields[1]
	return h, nil
}

// needsParts says whether secret is too large for one entry, or would be
// mistaken for a header.
func needsParts(secret string) bool {
	return len(secret) > chunkSize || strings.HasPrefix(secret, chunkPrefix)
}

// split cuts secret into parts of the generation that is not cur's.
func split(secret string, cur header) (header, []string) {
	h := header{gen: "a"}
	if cur.n > 0 && cur.gen == "a" {
		h.gen = "b"
	}
	var parts []string
	for off := 0; off < len(secret); off += chunkSize {
		parts = append(parts, secret[off:min(off+chunkSize, len(secret))])
	}
	sum := sha256.Sum256([]byte(secret))
	h.n, h.sum = len(parts), hex.EncodeToString(sum[:])
	return h, parts
}

// readParts joins the parts h names and checks them against its sum.
func (k *Keychain) readParts(ref transports.SecretRef, h header) (string, error) {
	var b strings.Builder
	for i := 1; i <= h.n; i++ {
		part, err := k.get(partName(ref, h.gen, i))
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("%w: %s lacks part %d of %d; enter or generate the secret again", ErrCorrupt, ref, i, h.n)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(part)
	}
	whole := b.String()
	if got := sha256.Sum256([]byte(whole)); hex.EncodeToString(got[:]) != h.sum {
		return "", fmt.Errorf("%w: %s: its parts do not add up (changed outside mailwizard?); enter or generate the secret again", ErrCorrupt, ref)
	}
	return whole, nil
}

// sweep deletes every part of ref that h does not name, in every
// generation and in the v1 namespace.
func (k *Keychain) sweep(ref transports.SecretRef, h header) error {
	for _, gen := range generations {
		keep := 0
		if h.n > 0 && h.gen == gen {
			keep = h.n
		}
		if err := k.deletePartsAbove(ref, gen, keep); err != nil {
			return err
		}
	}
	return nil
}

// deletePartsAbove deletes the parts of gen numbered above keep. Parts are
// written from 1 up and deleted from the top down, so what survives any
// failure is parts 1..j without a gap, and probing upward finds them all.
func (k *Keychain) deletePartsAbove(ref transports.SecretRef, gen string, keep int) error {
	top := keep
	for top < maxParts {
		_, err := k.get(partName(ref, gen, top+1))
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return err
		}
		top++
	}
	for i := top; i > keep; i-- {
		if err := k.del(partName(ref, gen, i)); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("secrets: deleting part %d of %s: %w", i, ref, err)
		}
	}
	return nil
}
