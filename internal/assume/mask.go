package assume

import "strings"

// MaskKey shows an access key id the way consoles do, ASIA****WXYZ, so logs
// can tell keys apart without carrying them.
func MaskKey(id string) string {
	if len(id) <= 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", 4) + id[len(id)-4:]
}
