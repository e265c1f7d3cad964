package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// The readers of long streams of server JSON (history pages, resumed
// events) check a few members of each object and skip the rest. Decoding
// the whole of it with encoding/json cost the load generator as much CPU as
// the server spent answering, on the same two cores; these walk the bytes
// once, skipping strings with their escapes and nested values by their
// brackets, and hand over the raw value of each member.

var errTruncated = errors.New("JSON cut short")

// eachMember calls fn with the key (as written, without its quotes) and the
// raw value of each member of the JSON object obj, in order.
func eachMember(obj []byte, fn func(key, value []byte) error) error {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return errors.New("not a JSON object")
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return trailing(obj, i+1)
	}
	for {
		if i >= len(obj) || obj[i] != '"' {
			return errors.New("a member without a name")
		}
		end, err := skipString(obj, i)
		if err != nil {
			return err
		}
		key := obj[i+1 : end-1]
		i = skipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return errors.New("a member name without a colon")
		}
		start := skipSpace(obj, i+1)
		if end, err = skipValue(obj, start); err != nil {
			return err
		}
		if err := fn(key, obj[start:end]); err != nil {
			return err
		}
		i = skipSpace(obj, end)
		switch {
		case i >= len(obj):
			return errTruncated
		case obj[i] == ',':
			i = skipSpace(obj, i+1)
		case obj[i] == '}':
			return trailing(obj, i+1)
		default:
			return fmt.Errorf("%q after a member", obj[i])
		}
	}
}

// eachElement calls fn with the raw value of each element of the JSON
// array arr, in order.
func eachElement(arr []byte, fn func(value []byte) error) error {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return errors.New("not a JSON array")
	}
	i = skipSpace(arr, i+1)
	if i < len(arr) && arr[i] == ']' {
		return trailing(arr, i+1)
	}
	for {
		end, err := skipValue(arr, i)
		if err != nil {
			return err
		}
		if err := fn(arr[i:end]); err != nil {
			return err
		}
		i = skipSpace(arr, end)
		switch {
		case i >= len(arr):
			return errTruncated
		case arr[i] == ',':
			i = skipSpace(arr, i+1)
		case arr[i] == ']':
			return trailing(arr, i+1)
		default:
			return fmt.Errorf("%q after an element", arr[i])
		}
	}
}

// trailing refuses anything but white space after a value's end at i.
func trailing(b []byte, i int) error {
	if i = skipSpace(b, i); i < len(b) {
		return fmt.Errorf("%.20q after the value", b[i:])
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the end of the JSON string that starts at b[i].
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, errTruncated
		}
		j += k
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		n := 0
		for n < j-i-1 && b[j-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return j + 1, nil
		}
		j++
	}
}

// skipValue returns the end of the JSON value that starts at b[i]: a
// string, or an object or array by its brackets (the strings in it
// skipped), or a literal or number up to its delimiter.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errTruncated
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errTruncated
	case ',', ':', '}', ']':
		return 0, fmt.Errorf("%q where a value belongs", b[i])
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
		j++
	}
	return j, nil
}

// jsonInt reads a raw value that must be an integer.
func jsonInt(v []byte) (int64, error) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%.20q is not an integer", v)
	}
	return n, nil
}

// jsonString reads a raw value that must be a string without escapes (the
// ids, types and cursors the load generator compares).
func jsonString(v []byte) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' || bytes.IndexByte(v, '\\') >= 0 {
		return "", fmt.Errorf("%.40q is not a plain string", v)
	}
	return string(v[1 : len(v)-1]), nil
}
