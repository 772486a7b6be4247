package sidecar

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// hash identifies a container's definition: everything it is created
// from (configuration, host configuration, network endpoint, volumes) and
// the ID of its image, so that a rebuilt or re-pulled image under the same
// name also makes a new definition. It is computed before
// LabelConfigHash is set. JSON encodes maps with sorted keys, so equal
// definitions hash equally.
func hash(s *Spec, imageID string) string {
	data, err := json.Marshal(struct {
		Create  any
		Volumes []Volume
		ImageID string
	}{s.Create, s.Volumes, imageID})
	if err != nil {
		// Every field is plain data; this cannot fail.
		panic("sidecar: hash: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}
