package deploy

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

func TestConfigName(t *testing.T) {
	long := strings.Repeat("a", 40) + "-production"
	tests := []struct{ name, prefix, ns, suffix, want string }{
		{"lock", "gazr-lock", "shop-staging", "", "gazr-lock.shop-staging"},
		{"history", "gazr-history", "shop-staging", ".1795630093997531950", "gazr-history.shop-staging.1795630093997531950"},
		{"too long: hashed", "gazr-history", long, ".1795630093997531950", "gazr-history.%x.1795630093997531950"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := configName(tt.prefix, tt.ns, tt.suffix)
			if len(got) > 64 {
				t.Fatalf("configName = %q: %d characters, swarm allows 64", got, len(got))
			}
			want := tt.want
			if strings.Contains(want, "%x") {
				sum := sha256.Sum256([]byte(tt.ns))
				want = fmt.Sprintf(want, sum[:8])
			}
			if got != want {
				t.Errorf("configName = %q, want %q", got, want)
			}
		})
	}
}
