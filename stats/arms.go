package stats

// MinExposedPerArm is the number of exposed devices each arm needs before the results
// page shows its statistics; below it the intervals are too wide to read anything into.
const MinExposedPerArm = 150

// EnoughData reports whether there are at least two arms and every one of them has at
// least MinExposedPerArm exposed devices.
func EnoughData(exposed []int64) bool {
	if len(exposed) < 2 {
		return false
	}
	for _, n := range exposed {
		if n < MinExposedPerArm {
			return false
		}
	}
	return true
}

// validArm reports whether c conversions out of n exposed devices is a possible arm.
func validArm(c, n int64) bool {
	return n >= 0 && c >= 0 && c <= n
}
