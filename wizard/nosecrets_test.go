package wizard

import (
	"reflect"
	"strings"
	"testing"

	"mailwizard/transports"
)

// TestDraftHoldsNoSecretFields guards the rule that the draft (a plain
// file) never holds a password or key: any field of State whose name
// suggests a secret must be a keychain reference, not the secret itself.
// It walks the type, so a field added later is caught too.
func TestDraftHoldsNoSecretFields(t *testing.T) {
	refType := reflect.TypeOf(transports.SecretRef(""))
	seen := map[reflect.Type]bool{}
	var walk func(tp reflect.Type, path string)
	walk = func(tp reflect.Type, path string) {
		for tp.Kind() == reflect.Pointer || tp.Kind() == reflect.Slice || tp.Kind() == reflect.Map {
			tp = tp.Elem()
		}
		if tp.Kind() != reflect.Struct || seen[tp] {
			return
		}
		seen[tp] = true
		for i := 0; i < tp.NumField(); i++ {
			f := tp.Field(i)
			name := strings.ToLower(f.Name)
			for _, bad := range []string{"password", "secret", "privatekey", "pem", "passphrase"} {
				if strings.Contains(name, bad) && f.Type != refType {
					t.Errorf("State%s.%s (%s) looks like a secret in the draft; keep it in the keychain and store a transports.SecretRef", path, f.Name, f.Type)
				}
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeOf(State{}), "")
}
