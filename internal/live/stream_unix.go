//go:build unix

package live

import (
	"errors"
	"syscall"
)

// canHandOver: a socket can be written without blocking.
const canHandOver = true

// writeNow writes as much of b as the socket takes at once, and returns
// how much that was; a full socket is not an error.
func writeNow(raw syscall.RawConn, b []byte) (int, error) {
	var n int
	var werr error
	err := raw.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), b)
			if !errors.Is(werr, syscall.EINTR) {
				break
			}
		}
		if errors.Is(werr, syscall.EAGAIN) {
			n, werr = 0, nil
		}
		return true // done, whatever happened: never wait here
	})
	return max(n, 0), cmpErr(err, werr)
}

// peerClosed reports whether the page has closed its end of the
// connection (or it failed). It reads at most a byte, without waiting;
// a page sends nothing after its request, so nothing is lost.
func peerClosed(raw syscall.RawConn) bool {
	closed := false
	err := raw.Read(func(fd uintptr) bool {
		var b [1]byte
		n, err := syscall.Read(int(fd), b[:])
		closed = n == 0 && err == nil || err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR)
		return true
	})
	return closed || err != nil
}
