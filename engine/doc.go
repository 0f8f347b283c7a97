// Package engine is the pure decision engine shared by the SDK API and the campaign simulator:
// audience rules, bucketing and campaign selection, plus the validation of campaign rules.
//
// It does no I/O and keeps no state; the caller passes the time. SDKs in other languages
// reproduce its decisions bit for bit, so the rules below are the contract (DESIGN.md section 5):
//
//  1. Candidates are the campaigns whose label equals the requested label exactly (no fallback),
//     whose status is "live", whose schedule holds (starts_at <= now < ends_at, a nil bound is
//     open) and whose audience matches the device.
//  2. The candidate with the highest priority wins; a tie goes to the smaller ref in byte order.
//  3. Bucket(salt) is the first 8 bytes of SHA-256(salt + ":" + campaign_ref + ":" + device_id),
//     read big-endian as a uint64, modulo 10000. A device is held out when
//     Bucket("holdout") < holdout_percent*100.
//  4. Otherwise the variants are walked in stored order summing weight*100, and the first whose
//     running sum exceeds Bucket("variant") is chosen. If none does (broken weights), there is no variant.
//
// Audience details that the design leaves open and this package settles:
//
//   - An attribute is sent when its key is present in Device.Attributes, whatever its value.
//     "language", when not sent, is derived from "locale": the text before the first "-" or "_",
//     lowercased (ASCII), when that text is not empty.
//   - Text operators compare with Unicode simple case folding (Go's strings.EqualFold).
//     equals and not_equals use Values[0] and are false when there is no value; not_in with no
//     values is true.
//   - Numeric operators use Values[0]. A number is -?digits(.digits)?([eE][+-]?digits)? parsed
//     as an IEEE 754 double; a version (app_version, os_version) is digits separated by dots,
//     compared part by part as arbitrary-size integers with missing parts equal to 0.
//     No surrounding spaces are allowed. A value that does not parse makes the condition false.
//   - An unknown operator makes its condition false; an unknown match makes the audience not match
//     unless it has no conditions.
package engine
