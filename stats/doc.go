// Package stats holds the experiment statistics of the A/B testing results page.
//
// It is a pure engine: functions over plain counts, no I/O, no state. Every arm is
// described by n, the number of exposed devices, and c, the number of those that
// converted, so its rate is p = c/n. Functions return ok=false instead of a number
// when the statistic is undefined for the given counts (an empty arm, a zero baseline,
// c > n, a negative count), so the page can show "not enough data" rather than NaN.
//
// The statistics are:
//
//   - Uplift: the relative change pA/pB − 1 against a baseline arm B, with a 95%
//     interval from the delta method on the ratio of rates.
//   - ChanceToBeat: the Bayesian probability that arm A's true rate exceeds arm B's,
//     each rate having the posterior Beta(1+c, 1+n−c) of a uniform prior.
//   - TwoProportionPValue: the two-sided pooled two-proportion z-test.
//   - SRM: the chi-square goodness-of-fit test for a sample ratio mismatch between
//     the exposed counts and the configured arm weights.
//   - EnoughData: whether every arm has reached MinExposedPerArm exposed devices.
package stats
