//go:build !unix

package live

import "syscall"

// canHandOver: without non-blocking writes, Serve keeps each stream on
// its own goroutine.
const canHandOver = false

func writeNow(syscall.RawConn, []byte) (int, error) { return 0, errNotHandedOver }

func peerClosed(syscall.RawConn) bool { return true }
