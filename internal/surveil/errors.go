package surveil

import (
	"errors"

	"github.com/weijian-health/weijian/internal/detect"
)

func isTooShort(err error) bool { return errors.Is(err, detect.ErrTooShort) }
