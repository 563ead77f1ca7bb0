//go:build !linux

package livebench

import (
	"context"
	"errors"
	"io"
)

// Run needs Linux: its clients are raw sockets read with epoll, so that
// they cost the measured process nothing.
func Run(context.Context, Config, io.Writer) error {
	return errors.New("livebench: Run needs Linux")
}
