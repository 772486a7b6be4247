package image

import (
	"encoding/binary"
	"errors"
)

// The few protobuf messages a BuildKit build exchanges with gazr (its
// progress, and the session's requests and answers) are read and written
// here with the wire format's two field kinds they use, varints and
// length-delimited bytes: linking a protobuf and gRPC runtime for them
// would cost gazr's startup and size more than these lines.

// Protobuf wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

var errWire = errors.New("malformed protobuf message")

// wireField is one field of a message: its number and type, and its value
// (Varint for varints, Bytes for length-delimited fields).
type wireField struct {
	Num    int
	Type   int
	Varint uint64
	Bytes  []byte
}

// eachField calls fn for each field of msg, in order, skipping fixed-size
// fields, which none of the messages read here uses.
func eachField(msg []byte, fn func(wireField) error) error {
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return errWire
		}
		msg = msg[n:]
		f := wireField{Num: int(key >> 3), Type: int(key & 7)}
		if f.Num == 0 {
			return errWire
		}
		switch f.Type {
		case wireVarint:
			if f.Varint, n = binary.Uvarint(msg); n <= 0 {
				return errWire
			}
			msg = msg[n:]
		case wireBytes:
			size, n := binary.Uvarint(msg)
			if n <= 0 || size > uint64(len(msg)-n) {
				return errWire
			}
			f.Bytes, msg = msg[n:n+int(size)], msg[n+int(size):]
		case wireFixed64:
			if len(msg) < 8 {
				return errWire
			}
			msg = msg[8:]
			continue
		case wireFixed32:
			if len(msg) < 4 {
				return errWire
			}
			msg = msg[4:]
			continue
		default:
			return errWire
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// appendBytesField appends a length-delimited field (string, bytes or an
// embedded message); proto3 leaves an empty one out.
func appendBytesField(b []byte, num int, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = binary.AppendUvarint(b, uint64(num)<<3|wireBytes)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// appendVarintField appends a varint field; proto3 leaves a zero out.
func appendVarintField(b []byte, num int, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = binary.AppendUvarint(b, uint64(num)<<3|wireVarint)
	return binary.AppendUvarint(b, v)
}
